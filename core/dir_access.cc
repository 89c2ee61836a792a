#include "core/dir_access.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rosterd {

std::string why_not_writable(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return std::filesystem::exists(dir, ec) ? "is not a folder" : "does not exist";
  }
  const std::filesystem::path probe = dir / (".rosterd-write-test." + std::to_string(::getpid()));
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  const int err = errno;
  if (fd >= 0) {
    ::close(fd);
    ::unlink(probe.c_str());
    return "";
  }
  switch (err) {
    case EEXIST:  // a probe left by a killed process of the same PID: writing worked
      ::unlink(probe.c_str());
      return "";
    case EROFS:
      return "is on a read-only file system";
    case EACCES:
    case EPERM:
      return "is not writable by this user (uid " + std::to_string(::geteuid()) + ")";
    case ENOSPC:
    case EDQUOT:
      return "is on a full disk";
    default:
      return std::string("cannot be written (") + std::strerror(err) + ")";
  }
}

}  // namespace rosterd
