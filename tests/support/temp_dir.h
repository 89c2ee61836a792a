// A throwaway directory for one test: removed once the test case passed, kept and named when it
// failed, kept always with ROSTERD_KEEP_TEST_DIRS set (tests/support/kept_dirs.h).
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace rosterd::testing {

// How a TempDir's folder is settled when it goes out of scope: a test program's main sets it
// (kept_dirs.h: kept when the test failed); elsewhere (benchmarks) it is removed at once.
inline void (*g_finish_temp_dir)(const std::filesystem::path&) = nullptr;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rosterd-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    if (std::getenv("ROSTERD_KEEP_TEST_DIRS") != nullptr) return;
    if (g_finish_temp_dir != nullptr) {
      g_finish_temp_dir(path_);
    } else {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace rosterd::testing
