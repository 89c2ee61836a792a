// A poll's sign of life. The service's watchdog calls a poll stuck when nothing of it has moved
// for service.stuck_after, not when it is long: a three-hour download that keeps receiving bytes
// within transfer_timeout is alive. The transfers (bytes read) and the roster reader (rows
// parsed) note progress on the poll they work for.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace rosterd {

class PollProgress {
 public:
  PollProgress() { note(); }
  // Thread-safe; cheap (one relaxed store).
  void note() {
    last_.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                std::memory_order_relaxed);
  }
  std::chrono::steady_clock::time_point last() const {
    return std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(last_.load(std::memory_order_relaxed)));
  }

 private:
  std::atomic<std::chrono::steady_clock::rep> last_{0};
};

// The progress of the poll this thread works for, or nullptr. The service sets it on the worker
// that runs a poll; a thread the work starts (the reader's parts) takes it over from its starter.
PollProgress* current_progress();

// Sets this thread's poll progress for its lifetime, then puts the one before back.
class ProgressScope {
 public:
  explicit ProgressScope(PollProgress* progress);
  ~ProgressScope();
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;

 private:
  PollProgress* before_;
};

// Notes progress on this thread's poll, if it works for one.
inline void note_progress() {
  if (PollProgress* p = current_progress()) p->note();
}

}  // namespace rosterd
