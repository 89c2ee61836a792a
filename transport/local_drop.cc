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
      // A readable descriptor of its own: the held one may be O_PATH (a folder rosterd may
      // enter but not read), whose listing would look empty rather than fail.
      const Folder held = Folder::open(dir_).below(folder, false);
      fd = ::openat(held.fd(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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
  for (;;) {
    errno = 0;
    const dirent* e = ::readdir(dir.get());
    if (e == nullptr) {
      // The end, or a folder that cannot be read after all: never a silently empty listing.
      if (errno != 0) {
        throw TransportError("cannot list the drop folder " + path.string() + ": " + errno_text() +
                                 ". Check its permissions.",
                             false);
      }
      break;
    }
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

Folder LocalDrop::folder_of(const std::string& name) const {
  try {
    return Folder::open(dir_).below(std::string(drop_path_folder(name)), false);
  } catch (const FolderError& e) {
    throw folder_fault(e);
  }
}

void LocalDrop::require_drop_path(const std::string& name) const {
  if (!is_drop_path(name))
    throw TransportError("\"" + name + "\" is not a file name of the drop " + where(), false);
}

std::uint64_t LocalDrop::read(const std::string& name, std::uint64_t max_bytes,
                              const ByteSink& sink) {
  require_drop_path(name);
  const std::filesystem::path path = dir_ / name;
  // O_NONBLOCK: a FIFO put in the drop must not block the open; it is then refused below.
  const int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK;
  const int fd =
      drop_path_folder(name).empty()
          ? ::open(path.c_str(), flags)
          : ::openat(folder_of(name).fd(), std::string(drop_path_file(name)).c_str(), flags);
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
  if (!is_drop_path(name)) return std::nullopt;
  struct stat st {};
  if (drop_path_folder(name).empty()) {
    if (::lstat((dir_ / name).c_str(), &st) != 0) return std::nullopt;
  } else {
    std::optional<Folder> folder;
    try {
      folder.emplace(folder_of(name));
    } catch (const TransportError& e) {
      if (e.retryable()) throw;
      return std::nullopt;  // its folder is gone, or no longer a folder: the file is not there
    }
    if (::fstatat(folder->fd(), std::string(drop_path_file(name)).c_str(), &st,
                  AT_SYMLINK_NOFOLLOW) != 0)
      return std::nullopt;
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  return DropEntry{name, static_cast<std::uint64_t>(st.st_size),
                   static_cast<std::int64_t>(st.st_mtime)};
}

void LocalDrop::remove(const std::string& name) {
  require_drop_path(name);
  const std::filesystem::path path = dir_ / name;
  const int rc =
      drop_path_folder(name).empty()
          ? ::unlink(path.c_str())
          : ::unlinkat(folder_of(name).fd(), std::string(drop_path_file(name)).c_str(), 0);
  if (rc != 0) throw TransportError("cannot delete " + path.string() + ": " + errno_text(), false);
}

bool LocalDrop::remove_empty_folder(const std::string& folder) {
  if (!is_plain_file_name(folder))
    throw TransportError("\"" + folder + "\" is not a folder name of the drop", false);
  std::optional<Folder> drop;
  try {
    drop.emplace(Folder::open(dir_));
  } catch (const FolderError& e) {
    throw folder_fault(e);
  }
  // rmdir never follows a link: a link there fails with ENOTDIR.
  if (::unlinkat(drop->fd(), folder.c_str(), AT_REMOVEDIR) == 0 || errno == ENOENT) {
    drop->sync();
    return true;
  }
  if (errno == ENOTEMPTY || errno == EEXIST) return false;
  throw TransportError("cannot delete the folder " + (dir_ / folder).string() + ": " + errno_text(),
                       false);
}

std::string LocalDrop::move(const std::string& name, const std::string& to_dir) {
  require_drop_path(name);
  // Both folders held by descriptor and move_to walked without following links: the district can
  // write into its drop, and a `processed` turned into a link must not make rosterd rename a
  // file whose name and bytes it chose into a folder of rosterd's (docs/drops.md). A file of
  // one of the drop's folders keeps that folder below move_to.
  const std::string file(drop_path_file(name));
  const std::string_view folder = drop_path_folder(name);
  try {
    const Folder drop = Folder::open(dir_);
    const std::optional<Folder> inside =
        folder.empty() ? std::nullopt
                       : std::optional<Folder>(drop.below(std::string(folder), false));
    const Folder& from = inside ? *inside : drop;
    const Folder dest =
        drop.below(folder.empty() ? std::filesystem::path(to_dir)
                                  : std::filesystem::path(to_dir) / std::string(folder),
                   true);
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
