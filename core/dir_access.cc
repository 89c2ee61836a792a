#include "core/dir_access.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/os_error.h"

namespace rosterd {

WriteAccess check_write_access(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return {std::filesystem::exists(dir, ec) ? "is not a folder" : "does not exist"};
  }
  // A name of its own each time: a probe left by a killed process (in a container rosterd may be
  // PID 1 at every start) must not answer for this one, since Linux tells EEXIST before EROFS.
  static std::atomic<unsigned> counter{0};
  int fd = -1;
  int err = EEXIST;
  for (int attempt = 0; attempt < 8 && fd < 0 && err == EEXIST; ++attempt) {
    const auto ns = std::chrono::steady_clock::now().time_since_epoch().count();
    const std::filesystem::path probe =
        dir / (".rosterd-write-test." + std::to_string(::getpid()) + "." +
               std::to_string(counter++) + "." + std::to_string(ns));
    fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    err = errno;
    if (fd >= 0) {
      ::close(fd);
      ::unlink(probe.c_str());
      return {};
    }
  }
  // Out of descriptors says nothing about the folder: it is told as what it is, not as a reason
  // to change the folder's permissions.
  if (out_of_descriptors(err)) return {"cannot be checked: " + os_error_text(err), false};
  switch (err) {
    case EROFS:
      return {"is on a read-only file system"};
    case EACCES:
    case EPERM:
      return {"is not writable by this user (uid " + std::to_string(::geteuid()) + ")"};
    case ENOSPC:
    case EDQUOT:
      return {"is on a full disk"};
    default:
      return {std::string("cannot be written (") + std::strerror(err) + ")"};
  }
}

std::optional<std::string> other_owner_for_root(const std::filesystem::path& dir) {
  if (::geteuid() != 0) return std::nullopt;
  // A folder not made yet would be made by root: its nearest existing ancestor decides.
  std::filesystem::path at = dir.empty() ? std::filesystem::path(".") : dir;
  struct stat st {};
  while (::stat(at.c_str(), &st) != 0) {
    if (!at.has_parent_path() || at.parent_path() == at) return std::nullopt;
    at = at.parent_path();
  }
  if (st.st_uid == 0) return std::nullopt;
  passwd entry{};
  passwd* found = nullptr;
  char buffer[1024];
  if (::getpwuid_r(st.st_uid, &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr)
    return std::string(found->pw_name);
  return "uid " + std::to_string(st.st_uid);
}

}  // namespace rosterd
