#include "pipeline/feed_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "core/error.h"
#include "core/folder.h"
#include "core/os_error.h"

namespace rosterd {

std::optional<FeedLock> FeedLock::try_acquire(const std::filesystem::path& state_dir,
                                              const std::string& feed) {
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);  // the configured root; Folder says why not
  const std::string name = feed + ".lock";
  int fd = -1;
  try {
    // locks/ is opened without following a link, like every folder rosterd writes below state_dir.
    const Folder locks = Folder::open(state_dir).below("locks", true);
    // Read-only and 0644: flock needs no write access, and a lock file root created by running
    // a command by hand must not lock the service's own user out.
    fd = ::openat(locks.fd(), name.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
      throw UnavailableError("cannot open the lock file " + (locks.path() / name).string() + ": " +
                             os_error_text(errno) +
                             ". Check state_dir in the configuration and its permissions.");
    }
  } catch (const FolderError& e) {
    throw UnavailableError(std::string(e.what()) + ". Check state_dir in the configuration.");
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
