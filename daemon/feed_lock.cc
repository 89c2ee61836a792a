#include "daemon/feed_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/error.h"

namespace rosterd {

std::optional<FeedLock> FeedLock::try_acquire(const std::filesystem::path& state_dir,
                                              const std::string& feed) {
  const std::filesystem::path dir = state_dir / "locks";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::filesystem::path path = dir / (feed + ".lock");
  // Read-only and 0644: flock needs no write access, and a lock file root created by running
  // a command by hand must not lock the service's own user out.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    throw Error("cannot open the lock file " + path.string() + ": " + std::strerror(errno) +
                ". Check state_dir in the configuration and its permissions.");
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  return FeedLock(fd);
}

FeedLock::FeedLock(FeedLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

FeedLock::~FeedLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace rosterd
