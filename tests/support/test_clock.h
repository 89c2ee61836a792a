// The clock of the rosterd processes a test runs (ROSTERD_TEST_CLOCK, core/clock.h): a file
// holding the time, which the test rewrites to move time on instead of sleeping for it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace rosterd::testing {

class TestClockFile {
 public:
  // Starts at the system's time.
  explicit TestClockFile(std::filesystem::path path)
      : path_(std::move(path)),
        now_(std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count()) {
    write();
  }
  // The environment entry that hands the clock to a rosterd process.
  std::string env() const { return "ROSTERD_TEST_CLOCK=" + path_.string(); }
  std::int64_t now() const { return now_; }
  void advance(std::int64_t seconds) {
    now_ += seconds;
    write();
  }

 private:
  void write() const {
    // Written whole under another name, then renamed: a process never reads half a number.
    const std::filesystem::path tmp = path_.string() + ".tmp";
    std::ofstream(tmp) << now_ << '\n';
    std::filesystem::rename(tmp, path_);
  }

  std::filesystem::path path_;
  std::int64_t now_;
};

}  // namespace rosterd::testing
