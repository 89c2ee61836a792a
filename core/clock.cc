#include "core/clock.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/log.h"

namespace rosterd {
namespace {

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ROSTERD_TEST_CLOCK: the time a test set, in a file it rewrites (tests only).
class FileClock : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}
  std::int64_t now() const override {
    std::ifstream in(path_);
    long long t = 0;
    if (in >> t) return t;
    return system_now();
  }

 private:
  std::string path_;
};

}  // namespace

std::int64_t SystemClock::now() const {
  return system_now();
}

const Clock& process_clock() {
  static const char* const file = std::getenv("ROSTERD_TEST_CLOCK");
  static const Clock* const clock = []() -> const Clock* {
    if (file != nullptr && *file != '\0') return new FileClock(file);  // lives with the process
    return new SystemClock;
  }();
  // Said once, after the clock exists: the log line reads the clock too.
  static std::atomic<bool> told{false};
  if (file != nullptr && *file != '\0' && !told.exchange(true))
    log::warning("clock.from_file", {{"file", file}, {"what_to_do", "tests only: unset it"}});
  return *clock;
}

}  // namespace rosterd
