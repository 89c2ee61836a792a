// A failed test's folders are kept, and named in the output (as ccache's unit tests do): the
// folder a test ran in holds its logs, stores and drops. A passed test's are removed. Included
// once, by a test program's main.cc: a doctest listener settles the folders as each test case
// ends.
#pragma once

#include <doctest/doctest.h>

#include <filesystem>
#include <iostream>
#include <mutex>
#include <vector>

#include "tests/support/temp_dir.h"

namespace rosterd::testing {
namespace {

std::mutex g_kept_mutex;
std::vector<std::filesystem::path> g_pending_dirs;  // folders of the test case running now

void remove_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// TempDir's hook: a folder made in a test case waits for the case to end.
void defer_until_case_ends(const std::filesystem::path& dir) {
  if (!doctest::is_running_in_test) {
    remove_dir(dir);
    return;
  }
  const std::lock_guard<std::mutex> lock(g_kept_mutex);
  g_pending_dirs.push_back(dir);
}

class KeptDirs : public doctest::IReporter {
 public:
  explicit KeptDirs(const doctest::ContextOptions&) { g_finish_temp_dir = &defer_until_case_ends; }
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats& stats) override {
    std::vector<std::filesystem::path> dirs;
    {
      const std::lock_guard<std::mutex> lock(g_kept_mutex);
      dirs.swap(g_pending_dirs);
    }
    const bool failed = stats.failure_flags != doctest::TestCaseFailureReason::None;
    for (const auto& dir : dirs) {
      if (failed && std::filesystem::exists(dir)) {
        std::cerr << "[rosterd] the failed test's folder is kept: " << dir.string() << '\n';
      } else {
        remove_dir(dir);
      }
    }
  }
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

REGISTER_LISTENER("kept_dirs", 1, KeptDirs);

}  // namespace
}  // namespace rosterd::testing
