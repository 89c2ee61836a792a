// One rosterd process at a time per feed: `fetch`, `run --once` from cron and the daemon may
// overlap, and two of them taking the same file would run it twice. An flock(2) on
// state_dir/locks/FEED.lock, released when the holder exits, however it exits.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace rosterd {

class FeedLock {
 public:
  // The lock, or nullopt when another process holds it. Throws Error when the lock file
  // cannot be created.
  static std::optional<FeedLock> try_acquire(const std::filesystem::path& state_dir,
                                             const std::string& feed);

  FeedLock(FeedLock&& other) noexcept;
  FeedLock& operator=(FeedLock&&) = delete;
  FeedLock(const FeedLock&) = delete;
  ~FeedLock();

 private:
  explicit FeedLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace rosterd
