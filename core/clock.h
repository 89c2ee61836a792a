// The time rosterd goes by, behind one seam (as leveldb's Env): the store's stamps, the mailer's
// retries and deadlines, the intake's stable_for and the poll's deadlines all read a Clock, so a
// test moves time on instead of sleeping for it.
#pragma once

#include <atomic>
#include <cstdint>

namespace rosterd {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the epoch (UTC). Thread-safe.
  virtual std::int64_t now() const = 0;
};

// The system's clock.
class SystemClock : public Clock {
 public:
  std::int64_t now() const override;
};

// A clock a test sets and moves on; thread-safe.
class ManualClock : public Clock {
 public:
  explicit ManualClock(std::int64_t start) : now_(start) {}
  std::int64_t now() const override { return now_.load(); }
  void set(std::int64_t t) { now_.store(t); }
  void advance(std::int64_t seconds) { now_.fetch_add(seconds); }

 private:
  std::atomic<std::int64_t> now_;
};

// The clock of this process, which every "now" defaults to: the system's, unless the environment
// variable ROSTERD_TEST_CLOCK names a file, whose content (seconds since the epoch) is the time,
// read at every call. A test moves a rosterd process's time on by rewriting the file; a file
// that cannot be read gives the system's time. Not for production: it says so in the log at start.
const Clock& process_clock();

}  // namespace rosterd
