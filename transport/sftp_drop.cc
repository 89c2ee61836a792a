#include "transport/sftp_drop.h"

#include <fcntl.h>
#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <utility>
#include <vector>

#include "core/civil_date.h"
#include "core/log.h"
#include "core/poll_progress.h"
#include "core/text.h"
#include "transport/ssh_handles.h"

namespace rosterd {
namespace {

// The secret in a password or passphrase file: its first line.
std::string read_secret(const std::filesystem::path& path, const char* what) {
  std::ifstream in(path);
  if (!in) {
    throw TransportError("cannot read the " + std::string(what) + " file " + path.string() +
                             ". Check source.sftp." + what + "_file and its permissions.",
                         false);
  }
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// How known_hosts names a host on a port other than 22.
std::string known_hosts_name(const SftpOptions& o) {
  return o.port == 22 ? o.host : "[" + o.host + "]:" + std::to_string(o.port);
}

}  // namespace

// libssh's blocking calls loop on its own timeout when a server goes silent mid-packet, so a
// hung server would hang rosterd. The watchdog shuts the socket down once an operation has made
// no progress for its timeout; libssh then fails the call at once.
//
// It watches its own duplicate of the session's descriptor: an operation that fails drops the
// session (its descriptor closed, the number free for the next open file or socket, perhaps in
// another thread) before the watchdog hears of it, and shutting a number down then could end
// somebody else's connection. The duplicate keeps the socket, and only the socket, in reach.
class SftpDrop::Watchdog {
 public:
  Watchdog() : thread_([this] { loop(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
    close_watched();
  }

  // Watches the socket `fd` refers to now, through a duplicate, until disarm().
  void watch(int fd) {
    const int copy = fd >= 0 ? ::fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
    std::lock_guard<std::mutex> lock(mutex_);
    close_watched();
    fd_ = copy;
  }
  // Its deadline for progress; arm() again is progress.
  void arm(std::chrono::steady_clock::time_point deadline) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      deadline_ = deadline;
    }
    cv_.notify_all();
  }
  void disarm() {
    std::lock_guard<std::mutex> lock(mutex_);
    close_watched();
  }
  // True once it has shut a socket down; reset by take_fired().
  bool take_fired() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(fired_, false);
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      if (fd_ < 0) {
        cv_.wait(lock);
      } else if (cv_.wait_until(lock, deadline_) == std::cv_status::timeout && fd_ >= 0 &&
                 std::chrono::steady_clock::now() >= deadline_) {
        ::shutdown(fd_, SHUT_RDWR);
        fired_ = true;
        close_watched();
      }
    }
  }
  // REQUIRES: mutex_ held (or the thread joined).
  void close_watched() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  int fd_ = -1;
  std::chrono::steady_clock::time_point deadline_;
  bool fired_ = false;
  bool stop_ = false;
  std::thread thread_;
};

// Arms the watchdog for one operation on the session's socket: io_timeout without progress,
// and transfer_timeout in all, so that a server trickling a byte now and then cannot hold a
// poll for ever either.
class SftpDrop::Guard {
 public:
  Guard(SftpDrop& drop, int fd) : drop_(drop) {
    drop_.watchdog_->take_fired();  // an earlier operation's, told or not: not this one's
    drop_.overtime_ = false;
    drop_.operation_end_ = std::chrono::steady_clock::now() + drop_.options_.transfer_timeout;
    drop_.watchdog_->watch(fd);
    progress();
  }
  ~Guard() { drop_.watchdog_->disarm(); }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;
  // The server answered: the operation is alive, and so is the poll it works for.
  void progress() {
    drop_.watchdog_->arm(std::min(std::chrono::steady_clock::now() + drop_.options_.io_timeout,
                                  drop_.operation_end_));
    note_progress();
  }

 private:
  SftpDrop& drop_;
};

struct SftpDrop::Session {
  ssh_session ssh = nullptr;
  sftp_session sftp = nullptr;
  ~Session() {
    if (sftp != nullptr) sftp_free(sftp);
    if (ssh != nullptr) {
      ssh_disconnect(ssh);
      ssh_free(ssh);
    }
  }
};

SftpDrop::SftpDrop(SftpOptions options)
    : options_(std::move(options)), watchdog_(std::make_unique<Watchdog>()) {}
SftpDrop::~SftpDrop() = default;

std::string SftpDrop::fault(const std::string& libssh_error) {
  if (watchdog_->take_fired()) {
    if (std::chrono::steady_clock::now() >= operation_end_) {
      overtime_ = true;  // not retried within the poll: it would take as long again
      return "the transfer took longer than " + std::to_string(options_.transfer_timeout.count()) +
             " s (transfer_timeout), the server sending too slowly";
    }
    return "the server sent nothing for " + std::to_string(options_.io_timeout.count()) +
           " s (io_timeout)";
  }
  return libssh_error;
}

std::string describe_sftp(const SftpOptions& o) {
  return "sftp://" + o.user + "@" + o.host + ":" + std::to_string(o.port) + "/" + o.dir;
}

std::string SftpDrop::where() const {
  return describe_sftp(options_);
}

void SftpDrop::require_drop_path(const std::string& name) const {
  if (!is_drop_path(name))
    throw TransportError("\"" + name + "\" is not a file name of the drop " + where(), false);
}

std::string SftpDrop::remote_path(const std::string& name) const {
  return options_.dir.empty() || options_.dir == "." ? name : options_.dir + "/" + name;
}

void SftpDrop::disconnect() {
  session_.reset();
}

SftpDrop::Session& SftpDrop::session() {
  if (!session_) connect();
  return *session_;
}

void SftpDrop::connect() {
  session_.reset();
  auto s = std::make_unique<Session>();
  s->ssh = ssh_new();
  if (s->ssh == nullptr) throw TransportError("libssh: cannot allocate a session", true);
  const std::string target =
      options_.user + "@" + options_.host + ":" + std::to_string(options_.port);
  auto fail = [&](const std::string& what, bool retryable) -> TransportError {
    return TransportError("sftp " + target + ": " + what, retryable);
  };
  const int port = options_.port;
  const long connect_timeout = static_cast<long>(options_.connect_timeout.count());
  const int no = 0;
  const std::string known = options_.known_hosts.string();
  ssh_options_set(s->ssh, SSH_OPTIONS_HOST, options_.host.c_str());
  ssh_options_set(s->ssh, SSH_OPTIONS_PORT, &port);
  ssh_options_set(s->ssh, SSH_OPTIONS_USER, options_.user.c_str());
  // Only the configured file: no ~/.ssh/config, no ~/.ssh/known_hosts, no system-wide list.
  ssh_options_set(s->ssh, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set(s->ssh, SSH_OPTIONS_KNOWNHOSTS, known.c_str());
  ssh_options_set(s->ssh, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, known.c_str());
  ssh_options_set(s->ssh, SSH_OPTIONS_TIMEOUT, &connect_timeout);
  ssh_options_set(s->ssh, SSH_OPTIONS_COMPRESSION, "no");
  // AES-GCM first: AES-NI makes it the fastest cipher libssh offers on x86.
  const char* ciphers =
      "aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes128-ctr,"
      "aes256-ctr";
  ssh_options_set(s->ssh, SSH_OPTIONS_CIPHERS_C_S, ciphers);
  ssh_options_set(s->ssh, SSH_OPTIONS_CIPHERS_S_C, ciphers);

  if (ssh_connect(s->ssh) != SSH_OK) {
    throw fail(
        std::string("cannot connect: ") + ssh_get_error(s->ssh) +
            ". rosterd will try again; check source.sftp.host/port and that the server is up.",
        true);
  }

  // The host key, before anything secret is sent.
  std::string offered;
  {
    ssh_key raw = nullptr;
    if (ssh_get_server_publickey(s->ssh, &raw) != SSH_OK)
      throw fail(std::string("no host key: ") + ssh_get_error(s->ssh), true);
    const SshKey server_key(raw);
    unsigned char* raw_hash = nullptr;
    std::size_t hash_len = 0;
    if (ssh_get_publickey_hash(server_key.get(), SSH_PUBLICKEY_HASH_SHA256, &raw_hash, &hash_len) ==
        0) {
      const PubkeyHash hash(raw_hash);
      const SshChars fp(ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash.get(), hash_len));
      offered = std::string(ssh_key_type_to_char(ssh_key_type(server_key.get()))) + " " +
                (fp ? fp.get() : "?");
    }
  }
  const std::string host_name = known_hosts_name(options_);
  const std::string trust_hint =
      "After checking that fingerprint with the server's administrator, add the key with: "
      "ssh-keyscan -p " +
      std::to_string(options_.port) + " " + options_.host + " >> " + known;
  switch (ssh_session_is_known_server(s->ssh)) {
    case SSH_KNOWN_HOSTS_OK:
      break;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      throw fail("the server's host key has CHANGED: it offered " + offered +
                     ", which does not match the key for " + host_name + " in " + known +
                     ". This can be an attack, so rosterd refused to connect. If the key was "
                     "replaced on purpose, remove the old one (ssh-keygen -R '" +
                     host_name + "' -f " + known + ") and add the new one. " + trust_hint,
                 false);
    case SSH_KNOWN_HOSTS_NOT_FOUND:
    case SSH_KNOWN_HOSTS_UNKNOWN:
      throw fail("the server offered host key " + offered + ", which is not in " + known +
                     " (rosterd never trusts a key on first use), so it refused to connect. " +
                     trust_hint,
                 false);
    case SSH_KNOWN_HOSTS_ERROR:
      throw fail(std::string("cannot check the host key against ") + known + ": " +
                     ssh_get_error(s->ssh) + ". Check source.sftp.known_hosts.",
                 false);
  }

  if (!options_.key_file.empty()) {
    std::string passphrase;
    if (!options_.passphrase_file.empty())
      passphrase = read_secret(options_.passphrase_file, "passphrase");
    ssh_key raw_key = nullptr;
    const int rc = ssh_pki_import_privkey_file(options_.key_file.c_str(),
                                               passphrase.empty() ? nullptr : passphrase.c_str(),
                                               nullptr, nullptr, &raw_key);
    const SshKey key(raw_key);
    std::fill(passphrase.begin(), passphrase.end(), '\0');
    if (rc != SSH_OK) {
      throw fail("cannot load the private key " + options_.key_file.string() +
                     " (missing, unreadable, or a wrong passphrase). Check source.sftp.key_file "
                     "and passphrase_file.",
                 false);
    }
    const int auth = ssh_userauth_publickey(s->ssh, nullptr, key.get());
    if (auth != SSH_AUTH_SUCCESS) {
      throw fail("the server refused the key " + options_.key_file.string() + " for user " +
                     options_.user + " (" + ssh_get_error(s->ssh) +
                     "). rosterd will try again; check that the public key is in the user's "
                     "authorized_keys on the server.",
                 true);
    }
  } else {
    std::string password = read_secret(options_.password_file, "password");
    const int auth = ssh_userauth_password(s->ssh, nullptr, password.c_str());
    std::fill(password.begin(), password.end(), '\0');
    if (auth != SSH_AUTH_SUCCESS) {
      throw fail("the server refused the password for user " + options_.user + " (" +
                     ssh_get_error(s->ssh) +
                     "). rosterd will try again; check source.sftp.password_file.",
                 true);
    }
  }

  const long io_timeout = static_cast<long>(options_.io_timeout.count());
  ssh_options_set(s->ssh, SSH_OPTIONS_TIMEOUT, &io_timeout);
  // libssh's blocking calls (open, list, close) wait on a silent server for ever; TCP keepalive
  // and TCP_USER_TIMEOUT at least notice a peer that is gone (a dead host, a cut link).
  if (const int fd = ssh_get_fd(s->ssh); fd >= 0) {
    const int on = 1, idle = static_cast<int>(std::max<long>(io_timeout, 1)), interval = 5,
              count = 3;
    const unsigned user_timeout = static_cast<unsigned>(io_timeout) * 1000U;
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
    ::setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout, sizeof user_timeout);
  }
  {
    Guard guard(*this, ssh_get_fd(s->ssh));
    s->sftp = sftp_new(s->ssh);
    if (s->sftp == nullptr || sftp_init(s->sftp) != SSH_OK) {
      throw fail("cannot start the SFTP subsystem: " + fault(ssh_get_error(s->ssh)) +
                     ". Check that the server allows SFTP for this user.",
                 true);
    }
  }
  session_ = std::move(s);
}

std::vector<DropEntry> SftpDrop::listing(const std::string& path, unsigned type,
                                         const std::string& prefix) {
  Session& s = session();
  Guard guard(*this, ssh_get_fd(s.ssh));
  const std::string here = prefix.empty() ? where() : where() + "/" + prefix;
  SftpDir dir(sftp_opendir(s.sftp, path.c_str()));
  if (!dir) {
    const int code = sftp_get_error(s.sftp);
    if (!prefix.empty() && code == SSH_FX_NO_SUCH_FILE) return {};  // taken away since listed
    throw TransportError("cannot list " + here + ": " + fault(ssh_get_error(s.ssh)) +
                             " (SFTP status " + std::to_string(code) + "). Check source.sftp.dir.",
                         code != SSH_FX_NO_SUCH_FILE && code != SSH_FX_PERMISSION_DENIED);
  }
  std::vector<DropEntry> out;
  std::size_t entries = 0;
  while (const SftpAttributes a{sftp_readdir(s.sftp, dir.get())}) {
    guard.progress();  // a long listing that keeps coming is not a silent server
    const bool self_or_parent = a->name != nullptr && (std::string_view(a->name) == "." ||
                                                       std::string_view(a->name) == "..");
    if (!self_or_parent && ++entries > options_.max_listing)
      throw listing_too_long(here, options_.max_listing);
    if (a->name != nullptr && a->type == type && !self_or_parent) {
      const std::string name = a->name;
      if (is_plain_file_name(name)) {
        out.push_back({prefix + name, type == SSH_FILEXFER_TYPE_REGULAR ? a->size : 0,
                       static_cast<std::int64_t>(a->mtime)});
      } else {
        log::warning("drop_name_ignored", {{"drop", here}, {"name", name}});
      }
    }
  }
  const bool complete = sftp_dir_eof(dir.get()) != 0;
  dir.reset();  // before the session it belongs to may go
  if (!complete) {
    const std::string why = fault(ssh_get_error(s.ssh));
    disconnect();
    throw TransportError("listing " + here + " stopped early: " + why, !overtime_);
  }
  return out;
}

std::vector<DropEntry> SftpDrop::list() {
  return listing(options_.dir, SSH_FILEXFER_TYPE_REGULAR, "");
}

std::vector<DropEntry> SftpDrop::folders() {
  return listing(options_.dir, SSH_FILEXFER_TYPE_DIRECTORY, "");
}

std::vector<DropEntry> SftpDrop::list_folder(const std::string& folder) {
  if (!is_plain_file_name(folder))
    throw TransportError("\"" + folder + "\" is not a folder name of the drop", false);
  {
    Session& s = session();
    Guard guard(*this, ssh_get_fd(s.ssh));
    if (!folder_is_real(s, folder)) return {};
  }
  return listing(remote_path(folder), SSH_FILEXFER_TYPE_REGULAR, folder + "/");
}

bool SftpDrop::folder_is_real(Session& s, std::string_view folder) {
  if (folder.empty()) return true;
  const SftpAttributes a(sftp_lstat(s.sftp, remote_path(std::string(folder)).c_str()));
  if (!a) {
    if (sftp_get_error(s.sftp) == SSH_FX_NO_SUCH_FILE) return false;
    throw TransportError(
        "cannot stat " + where() + "/" + std::string(folder) + ": " + ssh_get_error(s.ssh), true);
  }
  if (a->type == SSH_FILEXFER_TYPE_DIRECTORY) return true;
  throw TransportError(
      where() + "/" + std::string(folder) + " is " +
          (a->type == SSH_FILEXFER_TYPE_SYMLINK ? "a symbolic link" : "not a folder") +
          "; rosterd never follows a link where a folder should be. Nothing in "
          "it was read; replace it with a real folder.",
      false);
}

bool SftpDrop::remove_empty_folder(const std::string& folder) {
  if (!is_plain_file_name(folder))
    throw TransportError("\"" + folder + "\" is not a folder name of the drop", false);
  Session& s = session();
  Guard guard(*this, ssh_get_fd(s.ssh));
  if (!folder_is_real(s, folder)) return true;
  if (sftp_rmdir(s.sftp, remote_path(folder).c_str()) == SSH_OK) return true;
  const int code = sftp_get_error(s.sftp);
  if (code == SSH_FX_NO_SUCH_FILE) return true;
  // OpenSSH answers a folder that is not empty with a plain failure.
  if (code == SSH_FX_FAILURE && ssh_is_connected(s.ssh) != 0) return false;
  throw TransportError(
      "cannot delete the folder " + where() + "/" + folder + ": " + ssh_get_error(s.ssh),
      ssh_is_connected(s.ssh) == 0);
}

std::uint64_t SftpDrop::read(const std::string& name, std::uint64_t max_bytes,
                             const ByteSink& sink) {
  require_drop_path(name);
  Session& s = session();
  Guard guard(*this, ssh_get_fd(s.ssh));
  if (!folder_is_real(s, drop_path_folder(name)))
    throw TransportError("cannot open " + where() + "/" + name + ": its folder is gone", false);
  const std::string path = remote_path(name);
  SftpFile file(sftp_open(s.sftp, path.c_str(), O_RDONLY, 0));
  if (!file) {
    const bool gone = sftp_get_error(s.sftp) == SSH_FX_NO_SUCH_FILE;
    throw TransportError("cannot open " + where() + "/" + name + ": " + fault(ssh_get_error(s.ssh)),
                         !gone);
  }
  sftp_file_set_blocking(file.get());
  const std::uint32_t chunk = options_.request_size;
  std::vector<char> buf(chunk);
  // Requests in flight, oldest first: id, offset, length.
  struct Request {
    int id;
    std::uint64_t offset;
    std::uint32_t length;
  };
  std::deque<Request> in_flight;
  std::uint64_t next_offset = 0;  // of the next request to send
  std::uint64_t total = 0;        // bytes handed to the sink, all in order
  std::string error;

  // Waits for the reply to `r` (the watchdog ends a wait on a silent server). Returns its byte
  // count, 0 at EOF, or -1 with `error` set.
  auto await = [&](const Request& r) -> int {
    // The length asked for, not the buffer's: libssh moves the file offset back by the
    // difference between this and what came.
    const int n =
        sftp_async_read(file.get(), buf.data(), r.length, static_cast<std::uint32_t>(r.id));
    if (n < 0) {
      error = fault(ssh_get_error(s.ssh));
      return -1;
    }
    guard.progress();
    return n;
  };
  // Collects the replies still in flight so that none is left queued in the session. libssh
  // answers 0 without reading once it has seen EOF on the file; a seek clears that.
  auto drain = [&] {
    while (!in_flight.empty() && error.empty()) {
      sftp_seek64(file.get(), in_flight.front().offset);
      if (await(in_flight.front()) < 0) break;
      in_flight.pop_front();
    }
  };

  try {
    bool eof = false;
    // Never more than max_bytes + 1 in all: one byte past the limit tells that the file is
    // longer than it may be, without reading it.
    while (!eof && error.empty()) {
      while (in_flight.size() < options_.requests_in_flight && next_offset <= max_bytes) {
        const auto length =
            static_cast<std::uint32_t>(std::min<std::uint64_t>(chunk, max_bytes + 1 - next_offset));
        const int id = sftp_async_read_begin(file.get(), length);
        if (id < 0) {
          error = ssh_get_error(s.ssh);
          break;
        }
        in_flight.push_back({id, next_offset, length});
        next_offset += length;
      }
      if (in_flight.empty() || !error.empty()) break;
      const Request r = in_flight.front();
      const int n = await(r);
      if (n < 0) break;
      in_flight.pop_front();
      if (n == 0) {
        eof = true;
        break;
      }
      sink(buf.data(), static_cast<std::size_t>(n));
      total += static_cast<std::uint64_t>(n);
      note_progress();  // bytes came: the poll's watchdog hears of it
      if (total > max_bytes) break;
      if (static_cast<std::uint32_t>(n) < r.length) {
        // A short read: at the end of the file, or a server that caps reads. The requests in
        // flight are collected and discarded; reading goes on from where the data stopped.
        drain();
        next_offset = r.offset + static_cast<std::uint64_t>(n);
        if (error.empty() && sftp_seek64(file.get(), next_offset) != 0)
          error = ssh_get_error(s.ssh);
      }
    }
    if (error.empty()) drain();
  } catch (...) {
    // The sink failed (a full disk): the session has requests in flight, so it is dropped.
    file.reset();  // closes the handle (bounded by the watchdog) before its session goes
    disconnect();
    throw;
  }
  if (!error.empty()) {
    // On a dead or cut connection the close fails at once, but it frees the handle.
    file.reset();
    disconnect();  // and any reply still queued
    throw TransportError("reading " + where() + "/" + name + " failed after " +
                             std::to_string(total) + " bytes: " + error +
                             ". Nothing was kept; rosterd will try again.",
                         !overtime_);
  }
  file.reset();
  return total;
}

std::optional<DropEntry> SftpDrop::stat(const std::string& name) {
  require_drop_path(name);
  Session& s = session();
  Guard guard(*this, ssh_get_fd(s.ssh));
  try {
    if (!folder_is_real(s, drop_path_folder(name))) return std::nullopt;
  } catch (const TransportError& e) {
    if (e.retryable()) throw;
    return std::nullopt;  // its folder is no longer a folder: the file is not there
  }
  const SftpAttributes a(sftp_lstat(s.sftp, remote_path(name).c_str()));
  if (!a) {
    if (sftp_get_error(s.sftp) == SSH_FX_NO_SUCH_FILE) return std::nullopt;
    throw TransportError("cannot stat " + where() + "/" + name + ": " + ssh_get_error(s.ssh), true);
  }
  if (a->type != SSH_FILEXFER_TYPE_REGULAR) return std::nullopt;
  return DropEntry{name, a->size, static_cast<std::int64_t>(a->mtime)};
}

void SftpDrop::remove(const std::string& name) {
  require_drop_path(name);
  Session& s = session();
  Guard guard(*this, ssh_get_fd(s.ssh));
  if (!folder_is_real(s, drop_path_folder(name))) return;  // gone with its folder
  if (sftp_unlink(s.sftp, remote_path(name).c_str()) != SSH_OK) {
    // A dropped connection is worth another try; a refusal (permissions) is not.
    throw TransportError("cannot delete " + where() + "/" + name + ": " + ssh_get_error(s.ssh),
                         ssh_is_connected(s.ssh) == 0);
  }
}

std::string SftpDrop::move(const std::string& name, const std::string& to_dir) {
  require_drop_path(name);
  Session& s = session();
  Guard guard(*this, ssh_get_fd(s.ssh));
  if (!folder_is_real(s, drop_path_folder(name)))
    throw TransportError("cannot move " + where() + "/" + name + ": its folder is gone", false);
  // SFTP has no O_NOFOLLOW rename: each folder on the way is looked at with lstat and refused
  // when it is a link (or created when missing), from the drop folder for a relative move_to and
  // from "/" for an absolute one. The drop folder itself is taken as configured. A file of one
  // of the drop's folders keeps that folder below move_to.
  const bool absolute = to_dir.starts_with('/');
  std::string dest_dir = absolute ? "" : remote_path("");
  if (!dest_dir.empty() && dest_dir.back() == '/') dest_dir.pop_back();
  std::vector<std::string_view> parts = split(to_dir, '/');
  if (const std::string_view folder = drop_path_folder(name); !folder.empty())
    parts.push_back(folder);
  for (const std::string_view part : parts) {
    if (part.empty() || part == ".") continue;
    dest_dir += (dest_dir.empty() && !absolute ? "" : "/") + std::string(part);
    SftpAttributes a(sftp_lstat(s.sftp, dest_dir.c_str()));
    if (!a && sftp_get_error(s.sftp) == SSH_FX_NO_SUCH_FILE) {
      sftp_mkdir(s.sftp, dest_dir.c_str(), 0750);  // fails harmlessly when made meanwhile
      a.reset(sftp_lstat(s.sftp, dest_dir.c_str()));
    }
    if (!a) {
      throw TransportError("cannot move " + where() + "/" + name + " to " + to_dir + ": " +
                               dest_dir + " on the server: " + ssh_get_error(s.ssh),
                           ssh_is_connected(s.ssh) == 0);
    }
    const auto type = a->type;
    if (type != SSH_FILEXFER_TYPE_DIRECTORY) {
      throw TransportError(
          "did not move " + where() + "/" + name + " to move_to (" + to_dir + "): " + dest_dir +
              " on the server is " +
              (type == SSH_FILEXFER_TYPE_SYMLINK ? "a symbolic link" : "not a folder") +
              "; rosterd never moves a file through a link. Replace it with a real folder. The "
              "file stays in the drop.",
          false);
    }
  }
  if (dest_dir.empty()) dest_dir = absolute ? "/" : ".";
  std::string dest =
      dest_dir + (dest_dir.ends_with('/') ? "" : "/") + std::string(drop_path_file(name));
  if (SftpAttributes(sftp_lstat(s.sftp, dest.c_str()))) dest += "." + utc_timestamp_compact();
  if (sftp_rename(s.sftp, remote_path(name).c_str(), dest.c_str()) != SSH_OK) {
    throw TransportError(
        "cannot move " + where() + "/" + name + " to " + dest + ": " + ssh_get_error(s.ssh),
        ssh_is_connected(s.ssh) == 0);
  }
  return dest;
}

}  // namespace rosterd
