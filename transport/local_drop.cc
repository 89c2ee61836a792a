#include "transport/local_drop.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "core/civil_date.h"
#include "core/folder.h"
#include "core/log.h"
#include "core/poll_progress.h"

namespace rosterd {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

}  // namespace

std::vector<DropEntry> LocalDrop::list() {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(dir_.c_str()), ::closedir);
  if (!dir) {
    throw TransportError("cannot list the drop folder " + dir_.string() + ": " + errno_text() +
                             ". Check source.local.dir and its permissions.",
                         errno != ENOENT && errno != EACCES);
  }
  std::vector<DropEntry> out;
  std::size_t entries = 0;
  while (const dirent* e = ::readdir(dir.get())) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (++entries > max_listing_) throw listing_too_long(where(), max_listing_);
    struct stat st {};
    // lstat: a link in the drop is never followed, so the drop cannot point rosterd elsewhere.
    if (::fstatat(::dirfd(dir.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (!S_ISREG(st.st_mode)) continue;
    out.push_back({std::string(name), static_cast<std::uint64_t>(st.st_size),
                   static_cast<std::int64_t>(st.st_mtime)});
  }
  return out;
}

std::uint64_t LocalDrop::read(const std::string& name, std::uint64_t max_bytes,
                              const ByteSink& sink) {
  const std::filesystem::path path = dir_ / name;
  // O_NONBLOCK: a FIFO put in the drop must not block the open; it is then refused below.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw TransportError("cannot open " + path.string() + ": " + errno_text(), true);
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw TransportError(path.string() + " is not a regular file; it was not read.", false);
  }
  std::vector<char> buf(1 << 20);
  std::uint64_t total = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = errno_text();
      ::close(fd);
      throw TransportError("cannot read " + path.string() + ": " + why, true);
    }
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    sink(buf.data(), static_cast<std::size_t>(n));
    note_progress();
    if (total > max_bytes) break;
  }
  ::close(fd);
  return total;
}

std::optional<DropEntry> LocalDrop::stat(const std::string& name) {
  struct stat st {};
  if (::lstat((dir_ / name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return DropEntry{name, static_cast<std::uint64_t>(st.st_size),
                   static_cast<std::int64_t>(st.st_mtime)};
}

void LocalDrop::remove(const std::string& name) {
  const std::filesystem::path path = dir_ / name;
  if (::unlink(path.c_str()) != 0)
    throw TransportError("cannot delete " + path.string() + ": " + errno_text(), false);
}

std::string LocalDrop::move(const std::string& name, const std::string& to_dir) {
  // Both folders held by descriptor and move_to walked without following links: the district can
  // write into its drop, and a `processed` turned into a link must not make rosterd rename a
  // file whose name and bytes it chose into a folder of rosterd's (docs/drops.md).
  try {
    const Folder drop = Folder::open(dir_);
    const Folder dest = drop.below(to_dir, true);
    // RENAME_NOREPLACE: never overwrite a file already in move_to.
    std::string dest_name = name;
    if (!drop.move_no_replace(name, dest, dest_name)) {
      dest_name = name + "." + utc_timestamp_compact();
      if (!drop.move_no_replace(name, dest, dest_name)) {
        throw TransportError("cannot move " + (dir_ / name).string() + ": " +
                                 (dest.path() / dest_name).string() + " exists already",
                             false);
      }
    }
    dest.sync();
    return (dest.path() / dest_name).string();
  } catch (const FolderError& e) {
    throw TransportError("did not move " + (dir_ / name).string() + " to move_to (" + to_dir +
                             "): " + e.what() + ". The file stays in the drop.",
                         false);
  }
}

}  // namespace rosterd
