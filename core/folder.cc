#include "core/folder.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdio.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <string_view>
#include <utility>

#include "core/os_error.h"

namespace rosterd {
namespace {

[[noreturn]] void fail(const std::string& what, int err) {
  throw FolderError(what + ": " + os_error_text(err), FolderError::Kind::other);
}

// Opens the folder `name` in `at` without following a link, as an O_PATH descriptor (which needs
// search permission only, as a rename by path did); creates it first when asked.
int open_step(int at, const std::string& name, const std::filesystem::path& shown, bool create) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int fd = ::openat(at, name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) return fd;
    const int err = errno;
    if (err == ELOOP || err == ENOTDIR) {
      struct stat st {};
      const bool link =
          ::fstatat(at, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
      throw FolderError(shown.string() + (link ? " is a symbolic link" : " is not a folder") +
                            "; rosterd never follows a link where a folder should be. Replace it "
                            "with a real folder (or name the real folder in the configuration)",
                        FolderError::Kind::link);
    }
    if (err != ENOENT) fail("cannot open the folder " + shown.string(), err);
    if (!create) {
      throw FolderError("the folder " + shown.string() + " does not exist",
                        FolderError::Kind::missing);
    }
    // 0777 less the umask, as mkdir(1) makes it. EEXIST: made meanwhile by another process (or
    // it is a link: the next open says so).
    if (::mkdirat(at, name.c_str(), 0777) != 0 && errno != EEXIST)
      fail("cannot create the folder " + shown.string(), errno);
  }
  fail("cannot open the folder " + shown.string(), ENOENT);
}

// Walks `relative` from `start` (held, not owned) one name at a time; returns the last folder
// opened for reading (to list and fsync it), or as O_PATH when this user may not read it.
int walk(int start, const std::filesystem::path& base, const std::filesystem::path& relative,
         bool create) {
  int fd = ::fcntl(start, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) fail("cannot hold the folder " + base.string(), errno);
  std::filesystem::path shown = base;
  for (const auto& part : relative) {
    const std::string name = part.string();
    if (name.empty() || name == "." || name == "/") continue;
    shown /= part;
    int next = -1;
    try {
      next = open_step(fd, name, shown, create);
    } catch (...) {
      ::close(fd);
      throw;
    }
    ::close(fd);
    fd = next;
  }
  const int readable = ::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (readable < 0) return fd;
  ::close(fd);
  return readable;
}

}  // namespace

Folder Folder::open(const std::filesystem::path& path) {
  const int fd = ::open(path.empty() ? "." : path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      throw FolderError("the folder " + path.string() + " does not exist",
                        FolderError::Kind::missing);
    fail("cannot open the folder " + path.string(), errno);
  }
  return Folder(fd, path);
}

Folder Folder::open_without_links(const std::filesystem::path& path, bool create) {
  const Folder root = open("/");
  return root.below(path.relative_path(), create);
}

Folder Folder::below(const std::filesystem::path& relative, bool create) const {
  if (relative.is_absolute()) return open_without_links(relative, create);
  return Folder(walk(fd_, path_, relative, create), (path_ / relative).lexically_normal());
}

Folder::Folder(Folder&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

Folder& Folder::operator=(Folder&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

Folder::~Folder() {
  if (fd_ >= 0) ::close(fd_);
}

bool Folder::move_no_replace(const std::string& name, const Folder& to,
                             const std::string& to_name) const {
  if (::renameat2(fd_, name.c_str(), to.fd_, to_name.c_str(), RENAME_NOREPLACE) == 0) return true;
  if (errno == EEXIST) return false;
  fail("cannot move " + (path_ / name).string() + " to " + (to.path_ / to_name).string(), errno);
}

void Folder::move_replacing(const std::string& name, const Folder& to,
                            const std::string& to_name) const {
  if (::renameat(fd_, name.c_str(), to.fd_, to_name.c_str()) == 0) return;
  if (errno == ENOENT) {
    throw FolderError("cannot rename " + (path_ / name).string() + ": it is gone",
                      FolderError::Kind::missing);
  }
  fail("cannot rename " + (path_ / name).string() + " to " + (to.path_ / to_name).string(), errno);
}

int Folder::create_file(const std::string& name, unsigned mode) const {
  const int fd = ::openat(fd_, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                          static_cast<mode_t>(mode));
  if (fd < 0) fail("cannot create " + (path_ / name).string(), errno);
  return fd;
}

bool Folder::remove_file(const std::string& name) const {
  if (::unlinkat(fd_, name.c_str(), 0) == 0) return true;
  if (errno == ENOENT) return false;
  fail("cannot delete " + (path_ / name).string(), errno);
}

std::vector<std::pair<FolderFile, unsigned>> Folder::listing() const {
  // fdopendir takes the descriptor it is given: hand it a copy, and read the folder from its start.
  const int copy = ::openat(fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (copy < 0) fail("cannot list the folder " + path_.string(), errno);
  DIR* dir = ::fdopendir(copy);
  if (dir == nullptr) {
    const int err = errno;
    ::close(copy);
    fail("cannot list the folder " + path_.string(), err);
  }
  std::vector<std::pair<FolderFile, unsigned>> out;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    struct stat st {};
    if (::fstatat(fd_, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
    const unsigned type = st.st_mode & S_IFMT;
    out.push_back({{e->d_name, type == S_IFREG ? static_cast<std::uint64_t>(st.st_size) : 0,
                    static_cast<std::int64_t>(st.st_mtime)},
                   type});
  }
  ::closedir(dir);
  return out;
}

std::vector<FolderFile> Folder::entries(unsigned type) const {
  std::vector<FolderFile> out;
  for (auto& [entry, kind] : listing())
    if (kind == type) out.push_back(std::move(entry));
  return out;
}

Folder Folder::create_folder(const std::string& name) const {
  if (::mkdirat(fd_, name.c_str(), 0700) != 0)
    fail("cannot create the folder " + (path_ / name).string(), errno);
  return below(name, false);
}

std::vector<FolderFile> Folder::files() const {
  return entries(S_IFREG);
}

std::vector<FolderFile> Folder::folders() const {
  return entries(S_IFDIR);
}

bool Folder::remove_folder(const std::string& name) const {
  std::optional<Folder> inside;
  try {
    inside.emplace(below(name, false));
  } catch (const FolderError& e) {
    if (e.kind() == FolderError::Kind::missing) return false;
    throw;
  }
  // One listing: whatever is in it goes (files, and links, unlinked, never followed), unless it
  // holds a folder.
  const auto inside_entries = inside->listing();
  if (std::any_of(inside_entries.begin(), inside_entries.end(),
                  [](const auto& e) { return e.second == S_IFDIR; })) {
    throw FolderError("cannot delete " + (path_ / name).string() +
                          ": it holds a folder, which rosterd never puts there. Look at what is "
                          "in it, and delete it by hand",
                      FolderError::Kind::other);
  }
  for (const auto& [entry, kind] : inside_entries)
    inside->remove_file(entry.name);
  if (::unlinkat(fd_, name.c_str(), AT_REMOVEDIR) == 0) return true;
  if (errno == ENOENT) return false;
  fail("cannot delete the folder " + (path_ / name).string(), errno);
}

void Folder::sync() const {
  ::fsync(fd_);
}

}  // namespace rosterd
