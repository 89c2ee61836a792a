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
#include "core/log.h"
#include "core/poll_progress.h"

namespace rosterd {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

// A folder of the drop that is not one (a link, a file) or cannot be opened, in a drop's terms.
TransportError folder_fault(const FolderError& e) {
  const bool link = e.kind() == FolderError::Kind::link;
  return TransportError(
      std::string(e.what()) +
          (link ? ". Nothing in it was read; replace it with a real folder." : ""),
      !link && e.kind() != FolderError::Kind::missing);
}

}  // namespace

std::vector<DropEntry> LocalDrop::entries(const std::string& folder, unsigned type,
                                          const std::string& prefix) {
  const std::filesystem::path path = folder.empty() ? dir_ : dir_ / folder;
  int fd = -1;
  if (folder.empty()) {
    fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } else {
    try {
      const Folder held = Folder::open(dir_).below(folder, false);
      fd = ::dup(held.fd());
    } catch (const FolderError& e) {
      if (e.kind() == FolderError::Kind::missing) return {};  // taken away since it was listed
      throw folder_fault(e);
    }
  }
  std::unique_ptr<DIR, int (*)(DIR*)> dir(fd < 0 ? nullptr : ::fdopendir(fd), ::closedir);
  if (!dir) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw TransportError("cannot list the drop folder " + path.string() + ": " +
                             std::strerror(err) + ". Check source.local.dir and its permissions.",
                         err != ENOENT && err != EACCES);
  }
  std::vector<DropEntry> out;
  std::size_t count = 0;
  while (const dirent* e = ::readdir(dir.get())) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    if (++count > max_listing_) throw listing_too_long(path.string(), max_listing_);
    struct stat st {};
    // lstat: a link in the drop is never followed, so the drop cannot point rosterd elsewhere.
    if (::fstatat(::dirfd(dir.get()), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if ((st.st_mode & S_IFMT) != type) continue;
    out.push_back({prefix + std::string(name),
                   type == S_IFREG ? static_cast<std::uint64_t>(st.st_size) : 0,
                   static_cast<std::int64_t>(st.st_mtime)});
  }
  return out;
}

std::vector<DropEntry> LocalDrop::list() {
  return entries("", S_IFREG, "");
}

std::vector<DropEntry> LocalDrop::folders() {
  return entries("", S_IFDIR, "");
}

std::vector<DropEntry> LocalDrop::list_folder(const std::string& folder) {
  if (!is_plain_file_name(folder))
    throw TransportError("\"" + folder + "\" is not a folder name of the drop", false);
  return entries(folder, S_IFREG, folder + "/");
}

Folder LocalDrop::parent_of(const std::string& name) const {
  if (!is_drop_path(name))
    throw TransportError("\"" + name + "\" is not a file name of the drop " + where(), false);
  try {
    Folder drop = Folder::open(dir_);
    const std::string_view folder = drop_path_folder(name);
    if (folder.empty()) return drop;
    return drop.below(std::string(folder), false);
  } catch (const FolderError& e) {
    throw folder_fault(e);
  }
}

std::uint64_t LocalDrop::read(const std::string& name, std::uint64_t max_bytes,
                              const ByteSink& sink) {
  const std::filesystem::path path = dir_ / name;
  const Folder parent = parent_of(name);
  // O_NONBLOCK: a FIFO put in the drop must not block the open; it is then refused below.
  const int fd = ::openat(parent.fd(), std::string(drop_path_file(name)).c_str(),
                          O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
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
  std::optional<Folder> parent;
  try {
    parent.emplace(parent_of(name));
  } catch (const TransportError& e) {
    if (e.retryable()) throw;
    return std::nullopt;  // its folder is gone, or no longer a folder: the file is not there
  }
  struct stat st {};
  if (::fstatat(parent->fd(), std::string(drop_path_file(name)).c_str(), &st,
                AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISREG(st.st_mode))
    return std::nullopt;
  return DropEntry{name, static_cast<std::uint64_t>(st.st_size),
                   static_cast<std::int64_t>(st.st_mtime)};
}

void LocalDrop::remove(const std::string& name) {
  const Folder parent = parent_of(name);
  if (::unlinkat(parent.fd(), std::string(drop_path_file(name)).c_str(), 0) != 0)
    throw TransportError("cannot delete " + (dir_ / name).string() + ": " + errno_text(), false);
}

bool LocalDrop::remove_empty_folder(const std::string& folder) {
  if (!is_plain_file_name(folder))
    throw TransportError("\"" + folder + "\" is not a folder name of the drop", false);
  const Folder drop = parent_of(folder);
  // rmdir never follows a link: a link there fails with ENOTDIR.
  if (::unlinkat(drop.fd(), folder.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) {
    drop.sync();
    return true;
  }
  if (errno == ENOTEMPTY || errno == EEXIST) return false;
  throw TransportError("cannot delete the folder " + (dir_ / folder).string() + ": " + errno_text(),
                       false);
}

std::string LocalDrop::move(const std::string& name, const std::string& to_dir) {
  // Both folders held by descriptor and move_to walked without following links: the district can
  // write into its drop, and a `processed` turned into a link must not make rosterd rename a
  // file whose name and bytes it chose into a folder of rosterd's (docs/drops.md).
  const std::string file(drop_path_file(name));
  try {
    const Folder from = parent_of(name);
    std::filesystem::path to = to_dir;
    if (const std::string_view folder = drop_path_folder(name); !folder.empty()) to /= folder;
    const Folder dest = Folder::open(dir_).below(to, true);
    // RENAME_NOREPLACE: never overwrite a file already in move_to.
    std::string dest_name = file;
    if (!from.move_no_replace(file, dest, dest_name)) {
      dest_name = file + "." + utc_timestamp_compact();
      if (!from.move_no_replace(file, dest, dest_name)) {
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
