#include "core/clock.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>

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
  static const Clock* const clock = []() -> const Clock* {
    if (const char* path = std::getenv("ROSTERD_TEST_CLOCK"); path != nullptr && *path != '\0')
      return new FileClock(path);  // lives as long as the process
    return new SystemClock;
  }();
  return *clock;
}

}  // namespace rosterd
