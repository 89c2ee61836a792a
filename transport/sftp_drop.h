// A drop on an SFTP server, reached with libssh. The server's host key must already be in
// `known_hosts`: there is no trust on first use. Reads are pipelined (many requests in flight),
// so a download runs at the link's speed rather than one round trip per 64 KiB. Every operation
// that waits on the server gives up after io_timeout without progress.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "transport/drop.h"

namespace rosterd {

struct SftpOptions {
  std::string host;
  int port = 22;
  std::string user;
  // Exactly one of key_file / password_file. The passphrase and password are read from files so
  // that they never appear in the configuration, a command line or a log.
  std::filesystem::path key_file;
  std::filesystem::path passphrase_file;  // optional, for an encrypted key
  std::filesystem::path password_file;
  std::filesystem::path known_hosts;
  std::string dir = ".";
  std::chrono::seconds connect_timeout{20};
  std::chrono::seconds io_timeout{60};
  std::uint32_t request_size = 64 * 1024;  // bytes per read request
  unsigned requests_in_flight = 64;
  std::size_t max_listing = kDefaultMaxListing;
  // No one listing or download may take longer, however steadily the server trickles data.
  std::chrono::seconds transfer_timeout{4 * 3600};
};

// "sftp://user@host:22/dir": how messages name an SFTP drop (never with a secret).
std::string describe_sftp(const SftpOptions& options);

class SftpDrop : public Drop {
 public:
  explicit SftpDrop(SftpOptions options);
  ~SftpDrop() override;

  std::string where() const override;
  std::vector<DropEntry> list() override;
  std::vector<DropEntry> folders() override;
  std::vector<DropEntry> list_folder(const std::string& folder) override;
  bool remove_empty_folder(const std::string& folder) override;
  std::uint64_t read(const std::string& name, std::uint64_t max_bytes,
                     const ByteSink& sink) override;
  std::optional<DropEntry> stat(const std::string& name) override;
  void remove(const std::string& name) override;
  std::string move(const std::string& name, const std::string& to_dir) override;

  // Connects (verifying the host key) and authenticates now rather than on first use. Throws
  // TransportError.
  void connect();
  // Drops the connection; the next call reconnects.
  void disconnect();
  void reset() override { disconnect(); }

 private:
  struct Session;
  class Watchdog;
  class Guard;
  Session& session();
  // What went wrong: "the server sent nothing for N s" when the watchdog cut the connection,
  // else libssh's message.
  std::string fault(const std::string& libssh_error);
  std::string remote_path(const std::string& name) const;
  // The entries of the remote folder `path` of SFTP type `type` (regular file, folder), named
  // with `prefix`.
  std::vector<DropEntry> listing(const std::string& path, unsigned type, const std::string& prefix);
  // Whether the drop's folder `folder` (a drop path's folder part; "" is the drop itself) is
  // there as a real folder: false when it is gone; throws TransportError when it is a link or
  // not a folder. SFTP has no O_NOFOLLOW, so this lstat is the check (docs/drops.md). Call it
  // under a Guard.
  bool folder_is_real(Session& s, std::string_view folder);
  // Throws TransportError unless `name` is a drop path (is_drop_path).
  void require_drop_path(const std::string& name) const;

  SftpOptions options_;
  std::unique_ptr<Session> session_;
  std::unique_ptr<Watchdog> watchdog_;
  std::chrono::steady_clock::time_point operation_end_;  // of the operation under way
  bool overtime_ = false;                                // that operation ran past transfer_timeout
};

}  // namespace rosterd
