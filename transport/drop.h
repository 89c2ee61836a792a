// A drop: the folder a district's SIS delivers roster files to, on an SFTP server (sftp_drop.h)
// or on this machine (local_drop.h). rosterd lists it, copies files out of it and tidies it; it
// never writes roster data into it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace rosterd {

// One regular file in a drop, as the server describes it (or, from folders(), one folder).
// Links, devices and names that are not a plain file name ("..", anything with '/') are never
// listed.
struct DropEntry {
  // A drop path (is_drop_path): "users.csv", or "2026-12-04/users.csv" for a file of one of the
  // drop's folders (list_folder).
  std::string name;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;  // seconds since the epoch, by the server's clock
};

// Why a transfer failed. `retryable` faults (connection refused or dropped, timeout, auth failure,
// a file that changed while it was read) are tried again with backoff; the others (an unknown or
// changed host key, a missing key file) need a person.
class TransportError : public Error {
 public:
  TransportError(const std::string& what, bool retryable) : Error(what), retryable_(retryable) {}
  bool retryable() const { return retryable_; }

 private:
  bool retryable_;
};

// The file changed while it was read (its byte count differs from the listing, or it grew past
// max_bytes): it is still being written, and is left for a later poll.
class FileChangedError : public TransportError {
 public:
  explicit FileChangedError(const std::string& what) : TransportError(what, true) {}
};

// Receives a file's bytes in order, a buffer at a time.
using ByteSink = std::function<void(const char* data, std::size_t size)>;

class Drop {
 public:
  virtual ~Drop() = default;

  // Where the drop is, for messages and logs (never a secret): "sftp://user@host:22/outbound".
  virtual std::string where() const = 0;

  // Every regular file in the drop. Throws TransportError.
  virtual std::vector<DropEntry> list() = 0;

  // Every folder directly in the drop (size 0, the folder's mtime); a link to a folder is not
  // one. Throws TransportError.
  virtual std::vector<DropEntry> folders() = 0;

  // Every regular file in the drop's folder `folder` (a plain name), each named "FOLDER/NAME";
  // empty when the folder is gone. A link where the folder should be is refused, never
  // followed (TransportError, not retryable). Bounded by max_listing as list() is.
  virtual std::vector<DropEntry> list_folder(const std::string& folder) = 0;

  // Removes the drop's folder `folder` if it is empty; true when it is gone (or was already),
  // false when it still holds something. Throws TransportError (a link there is refused).
  virtual bool remove_empty_folder(const std::string& folder) = 0;

  // Every call below takes a drop path (is_drop_path). A folder on the way is reached without
  // following a link: a district that turns "2026-12-04" into a link to /etc gets a refusal.

  // Streams the file `name` into `sink`. Reads at most `max_bytes` + 1 bytes, so a file that
  // grows past the limit is stopped rather than read whole. Returns the bytes read. Throws
  // TransportError.
  virtual std::uint64_t read(const std::string& name, std::uint64_t max_bytes,
                             const ByteSink& sink) = 0;

  // The file `name` as the drop lists it now; nullopt when it is gone or not a regular file.
  // Throws TransportError.
  virtual std::optional<DropEntry> stat(const std::string& name) = 0;

  // Deletes `name`. Throws TransportError.
  virtual void remove(const std::string& name) = 0;

  // Moves `name` into the folder `to_dir` (absolute or relative to the drop), under the same
  // name, or the name with a UTC time suffix when that one is taken; a file of a folder keeps
  // its folder ("2026-12-04/users.csv" goes to TO_DIR/2026-12-04/users.csv, the folder created
  // when missing). Returns the new path. Throws TransportError.
  virtual std::string move(const std::string& name, const std::string& to_dir) = 0;

  // Forgets any connection, so that the next call starts afresh (after a fault, before a retry).
  virtual void reset() {}
};

// How many entries a drop's listing may have (source.max_listing). A folder that only ever grows
// (files never moved or deleted) or a hostile server sending names without end must not eat the
// memory or the poll: past this, the listing stops with listing_too_long().
inline constexpr std::size_t kDefaultMaxListing = 100000;
TransportError listing_too_long(const std::string& where, std::size_t max);

// True when `name` is one the drop may use as is: not empty, not "." or "..", no '/' and no NUL.
// A hostile server could list anything; names that fail are skipped and logged.
bool is_plain_file_name(std::string_view name);

// True when `name` is a plain file name, or two joined by one '/' ("2026-12-04/users.csv"): a
// file directly in the drop or in one of its folders, never deeper or above.
bool is_drop_path(std::string_view name);

// The folder part of a drop path ("2026-12-04" of "2026-12-04/users.csv"; "" for a file
// directly in the drop) and its file name.
std::string_view drop_path_folder(std::string_view name);
std::string_view drop_path_file(std::string_view name);

// fnmatch(3) glob match of a file name; a leading '.' must be matched explicitly.
bool matches_glob(std::string_view pattern, std::string_view name);

}  // namespace rosterd
