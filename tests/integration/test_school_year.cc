// The school year through `rosterd ingest` and `rosterd run`, as a vendor runs them: a generated
// K-12 district's summer rollover (tests/support/district_year.h) within the feed's rollover
// window, outside it, and with withdrawals the rollover does not explain.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/district_year.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

constexpr const char* kRollover =
    "    school_year:\n"
    "      rollover: {window: \"06-15..09-30\"}\n";

// The district's feed "gen" with the rollover window, its first year committed.
struct SchoolYearFeed {
  TempDir dir;
  std::filesystem::path config;
  DistrictYear district{1300, 23};

  explicit SchoolYearFeed(const std::string& extra = "") {
    config = write_test_feed(dir.path(), kRollover + extra, "live");
    const ProcessResult first = ingest(district.file(), kGeneratorAsOf);
    INFO(first.out, first.err);
    REQUIRE(first.exit_status == 0);
  }
  ProcessResult ingest(const std::string& text, const std::string& as_of) {
    const std::filesystem::path file = dir / ("roster-" + as_of + ".txt");
    std::ofstream(file, std::ios::binary) << text;
    return run_process(ROSTERD_BIN, {"ingest", "--config", config.string(), "--format", "json",
                                     "--as-of", as_of, file.string()});
  }
};

std::vector<std::string> trip_names(const nlohmann::json& report) {
  std::vector<std::string> out;
  for (const auto& t : report["safeguards"])
    out.push_back(t["name"]);
  return out;
}

}  // namespace

TEST_CASE("school year: the summer rollover within its window commits, and says what it was") {
  SchoolYearFeed feed;
  feed.district.rollover(/*retained_pct=*/1, /*withdrawn_pct=*/1);
  const ProcessResult r = feed.ingest(feed.district.file(), "2027-08-20");
  INFO(r.out, r.err);
  CHECK(r.exit_status == 0);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["decision"] == "committed");
  const std::string summary = j["school_year"];
  CHECK(summary.starts_with("School year rollover (window 06-15..09-30): "));
  // 1,300 students, 100 a grade: 100 seniors graduate, about 1,170 go up a grade (200 of them
  // to the middle or high school), 12 stay, 12 leave, 100 enter kindergarten.
  CHECK(summary.find(" 100 graduated, 100 new in the entry grades") != std::string::npos);
  CHECK(summary.find("Not explained by it: ") != std::string::npos);
  CHECK(summary.find(" 0 other grade changes, 0 other school changes.") != std::string::npos);
  CHECK(j["counts"]["deactivated"].get<int>() > 100);  // the graduates and the leavers
  // `show` and `history` keep it.
  const ProcessResult show =
      run_process(ROSTERD_BIN, {"show", "--config", feed.config.string(), "--format", "json",
                                std::to_string(j["run_id"].get<int>())});
  CHECK(nlohmann::json::parse(show.out)["school_year"] == summary);
}

TEST_CASE("school year: the rollover outside its window is held, saying it looks like one") {
  SchoolYearFeed feed;
  feed.district.rollover(1, 1);
  const ProcessResult r = feed.ingest(feed.district.file(), "2027-10-15");
  INFO(r.out, r.err);
  CHECK(r.exit_status == 4);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["decision"] == "held");
  const auto names = trip_names(j);
  REQUIRE_FALSE(names.empty());
  CHECK(names[0] == "school_year.rollover");
  CHECK(j["safeguards"][0]["message"].get<std::string>().find(
            "this looks like the new school year's file, outside the rollover window "
            "(06-15..09-30). If it is, approve it, or widen school_year.rollover.window") !=
        std::string::npos);
}

TEST_CASE("school year: within the window, 20% unexplained withdrawals hold it on those") {
  SchoolYearFeed feed;
  feed.district.rollover(1, 20);
  const ProcessResult r = feed.ingest(feed.district.file(), "2027-08-20");
  INFO(r.out, r.err);
  CHECK(r.exit_status == 4);
  const auto j = nlohmann::json::parse(r.out);
  // The leavers, and the shorter file they make: no grade, school or update limit trips.
  CHECK(trip_names(j) == std::vector<std::string>{"max_deactivate_pct", "max_row_drop_pct"});
  CHECK(j["safeguards"][0]["message"].get<std::string>().ends_with(
      "active students would be deactivated besides the 100 graduates (19.1%)"));
  const double share = j["safeguards"][0]["value"];
  CHECK(share > 15);  // the leavers, not the graduates: about 20% of the others
  CHECK(share < 25);
}

TEST_CASE("school year: `rosterd run` takes the rollover from the drop within the window") {
  SchoolYearFeed feed("    source:\n      local:\n        dir: drop\n        stable_for: 0s\n");
  std::filesystem::create_directories(feed.dir / "drop");
  feed.district.rollover(1, 1);
  std::ofstream(feed.dir / "drop/roster-2027-08-20.txt") << feed.district.file();
  const ProcessResult r = run_process(
      ROSTERD_BIN, {"run", "--once", "--config", feed.config.string(), "--as-of", "2027-08-20"});
  INFO(r.out, r.err);
  CHECK(r.exit_status == 0);
  CHECK(r.out.find("committed") != std::string::npos);
  const ProcessResult h =
      run_process(ROSTERD_BIN, {"history", "--config", feed.config.string(), "--format", "json"});
  const auto runs = nlohmann::json::parse(h.out);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["state"] == "committed");
  CHECK(runs[0]["school_year"].get<std::string>().starts_with("School year rollover"));
}

TEST_CASE("school year: a paused feed checks and reports, commits nothing, until resumed") {
  SchoolYearFeed feed;
  const std::string cfg = feed.config.string();
  const auto rosterd = [](const std::vector<std::string>& args) {
    return run_process(ROSTERD_BIN, args);
  };
  // A pause needs a feed, a reason, and a last day not yet past.
  CHECK(rosterd({"pause", "--config", cfg, "--feed", "gen"}).err.find("--reason") !=
        std::string::npos);
  CHECK(rosterd({"pause", "--config", cfg, "--feed", "nope", "--reason", "x"}).exit_status != 0);
  CHECK(
      rosterd({"pause", "--config", cfg, "--feed", "gen", "--until", "2020-01-01", "--reason", "x"})
          .err.find("is before today") != std::string::npos);
  const ProcessResult paused =
      rosterd({"pause", "--config", cfg, "--feed", "gen", "--until", "2099-07-31", "--reason",
               "summer: the SIS is being rebuilt"});
  INFO(paused.out, paused.err);
  REQUIRE(paused.exit_status == 0);
  CHECK(paused.out.find("feed gen paused until the end of 2099-07-31") != std::string::npos);

  // Tonight's file, with the nightly churn: checked, reported, not committed.
  feed.district.night();
  const ProcessResult r = feed.ingest(feed.district.file(), kGeneratorAsOf);
  INFO(r.out, r.err);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["decision"] == "dry-run");
  CHECK(j["reason"].get<std::string>().starts_with("the feed is paused until 2099-07-31 by "));
  CHECK(j["reason"].get<std::string>().find("(summer: the SIS is being rebuilt): its files are "
                                            "checked and reported as test imports") !=
        std::string::npos);
  const int planned_changes =
      j["counts"]["added"].get<int>() + j["counts"]["deactivated"].get<int>();
  const ProcessResult history = rosterd({"history", "--config", cfg, "--format", "json"});
  const auto runs = nlohmann::json::parse(history.out);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["state"] == "dry-run");
  CHECK(runs[0]["reason"].get<std::string>().starts_with("the feed is paused"));
  CHECK(rosterd({"history", "--config", cfg}).out.find("dry-run") != std::string::npos);
  CHECK(rosterd({"history", "--config", cfg}).out.find("    the feed is paused until 2099-07-31") !=
        std::string::npos);

  // Resumed, the same file commits against the roster as it was before the pause.
  CHECK(rosterd({"resume", "--config", cfg, "--feed", "gen", "--reason", "SIS back"}).exit_status ==
        0);
  CHECK(rosterd({"resume", "--config", cfg, "--feed", "gen"}).exit_status == 1);  // not paused
  const auto after = nlohmann::json::parse(feed.ingest(feed.district.file(), kGeneratorAsOf).out);
  CHECK(after["decision"] == "committed");
  CHECK(after["counts"]["added"].get<int>() + after["counts"]["deactivated"].get<int>() ==
        planned_changes);
}

TEST_CASE("school year: in a blackout window the service commits nothing and tells no missing") {
  const auto poll = [](const char* blackout) {
    TempDir dir;
    const auto cfg =
        write_test_feed(dir.path(),
                        std::string("    source:\n      local: {dir: drop, stable_for: 0s}\n"
                                    "    schedule: {expect_by: \"00:00\", timezone: UTC}\n") +
                            blackout,
                        "live");
    std::filesystem::create_directories(dir / "drop");
    // A deadline of 00:00 UTC has always passed, and the drop is empty: the file is late.
    return run_process(ROSTERD_BIN, {"run", "--once", "--config", cfg.string()});
  };
  CHECK(poll("").out.find("MISSING") != std::string::npos);
  const ProcessResult quiet = poll("    school_year: {blackout: [\"01-01..12-31\"]}\n");
  INFO(quiet.out, quiet.err);
  CHECK(quiet.exit_status == 0);
  CHECK(quiet.out.find("MISSING") == std::string::npos);

  // A file in the window is taken and checked as a test import; after it, files commit.
  TempDir dir;
  const auto cfg = write_test_feed(dir.path(),
                                   "    source:\n      local: {dir: drop, stable_for: 0s}\n"
                                   "    school_year: {blackout: [\"08-01..08-31\"]}\n",
                                   "live");
  std::filesystem::create_directories(dir / "drop");
  DistrictYear district(200, 3);
  std::ofstream(dir / "drop/roster-0820.txt") << district.file();
  const ProcessResult in_window = run_process(
      ROSTERD_BIN, {"run", "--once", "--config", cfg.string(), "--as-of", "2026-08-20"});
  INFO(in_window.out, in_window.err);
  CHECK(in_window.out.find("dry-run") != std::string::npos);
  district.night();
  std::ofstream(dir / "drop/roster-0905.txt") << district.file();
  run_process(ROSTERD_BIN, {"run", "--once", "--config", cfg.string(), "--as-of", "2026-09-05"});
  const auto runs = nlohmann::json::parse(
      run_process(ROSTERD_BIN, {"history", "--config", cfg.string(), "--format", "json"}).out);
  REQUIRE(runs.size() == 2);
  CHECK(runs[1]["state"] == "dry-run");
  CHECK(runs[1]["reason"].get<std::string>().starts_with(
      "the school year's blackout 08-01..08-31 (school_year.blackout)"));
  CHECK(runs[0]["state"] == "committed");
}

TEST_CASE("school year: the same bytes after a pause are committed, not taken for a repeat") {
  SchoolYearFeed feed("    source:\n      local: {dir: drop, stable_for: 0s}\n");
  const std::string cfg = feed.config.string();
  std::filesystem::create_directories(feed.dir / "drop");
  REQUIRE(run_process(ROSTERD_BIN,
                      {"pause", "--config", cfg, "--feed", "gen", "--reason", "SIS migration"})
              .exit_status == 0);
  feed.district.night();
  const std::string tonight = feed.district.file();
  std::ofstream(feed.dir / "drop/roster-1.txt") << tonight;
  const std::vector<std::string> once = {"run", "--once",  "--config",
                                         cfg,   "--as-of", kGeneratorAsOf};
  CHECK(run_process(ROSTERD_BIN, once).out.find("dry-run") != std::string::npos);
  REQUIRE(run_process(ROSTERD_BIN, {"resume", "--config", cfg, "--feed", "gen"}).exit_status == 0);
  // The SIS sends the same export again the first night after the pause.
  std::ofstream(feed.dir / "drop/roster-2.txt") << tonight;
  const ProcessResult after = run_process(ROSTERD_BIN, once);
  INFO(after.out, after.err);
  CHECK(after.out.find("repeat") == std::string::npos);
  const auto runs = nlohmann::json::parse(
      run_process(ROSTERD_BIN, {"history", "--config", cfg, "--format", "json"}).out);
  REQUIRE(runs.size() == 3);
  CHECK(runs[0]["state"] == "committed");
  CHECK(runs[0]["file"] == "roster-2.txt");
  CHECK(runs[1]["state"] == "dry-run");
}

TEST_CASE(
    "school year: hold_unsafe commits the new students and holds the withdrawals for approve") {
  SchoolYearFeed feed("    policy: {on_trip: hold_unsafe}\n");
  feed.district.enrol_and_withdraw(40, 30);
  const ProcessResult r = feed.ingest(feed.district.file(), "2026-10-15");
  INFO(r.out, r.err);
  CHECK(r.exit_status == 4);  // a part waits for a person
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["decision"] == "committed");
  CHECK(j["run_id"] == 2);
  CHECK(j["counts"]["added"] == 40);
  CHECK(j["counts"]["deactivated"] == 0);
  CHECK(j["held_part"]["run_id"] == 3);
  CHECK(j["held_part"]["state"] == "held");
  CHECK(j["held_part"]["deactivated"] == 390);
  CHECK(trip_names(j) == std::vector<std::string>{"max_deactivate_pct"});

  const std::string cfg = feed.config.string();
  const std::string history = run_process(ROSTERD_BIN, {"history", "--config", cfg}).out;
  CHECK(history.find("run 3 ") != std::string::npos);
  CHECK(history.find("    the part of run 2's file a safeguard held; run 2 committed the rest\n") !=
        std::string::npos);
  CHECK(history.find("    the changes a safeguard tripped on are held as run 3\n") !=
        std::string::npos);
  const auto runs = nlohmann::json::parse(
      run_process(ROSTERD_BIN, {"history", "--config", cfg, "--format", "json"}).out);
  REQUIRE(runs.size() == 3);
  CHECK(runs[0]["state"] == "held");
  CHECK(runs[0]["split_of"] == 2);
  CHECK(runs[0]["deactivated"] == 390);
  CHECK(runs[1]["held_part"] == 3);
  CHECK(runs[1]["split_of"].is_null());
  const std::string shown = run_process(ROSTERD_BIN, {"show", "--config", cfg, "3"}).out;
  CHECK(shown.find("  Part of:  run 2, which committed the rest of the file") != std::string::npos);
  CHECK(shown.find("To commit this run: rosterd approve") != std::string::npos);

  const ProcessResult approve =
      run_process(ROSTERD_BIN, {"approve", "--config", cfg, "3", "--reason", "withdrawn"});
  INFO(approve.out, approve.err);
  CHECK(approve.exit_status == 0);
  const auto after = nlohmann::json::parse(
      run_process(ROSTERD_BIN, {"show", "--config", cfg, "--format", "json", "2"}).out);
  CHECK(after["held_part"]["state"] == "committed");
  // Both halves are in the roster: the same file again changes nothing.
  const ProcessResult again = feed.ingest(feed.district.file(), "2026-10-16");
  const auto k = nlohmann::json::parse(again.out);
  CHECK(again.exit_status == 0);
  CHECK(k["counts"]["added"] == 0);
  CHECK(k["counts"]["deactivated"] == 0);
  CHECK(k["held_part"].is_null());
}

TEST_CASE("school year: `rosterd run` cuts a file in two under hold_unsafe, as ingest does") {
  SchoolYearFeed feed(
      "    policy: {on_trip: hold_unsafe}\n"
      "    source:\n      local: {dir: drop, stable_for: 0s}\n");
  std::filesystem::create_directories(feed.dir / "drop");
  feed.district.enrol_and_withdraw(40, 30);
  std::ofstream(feed.dir / "drop/roster-1015.txt") << feed.district.file();
  const std::string cfg = feed.config.string();
  const ProcessResult r =
      run_process(ROSTERD_BIN, {"run", "--once", "--config", cfg, "--as-of", "2026-10-15"});
  INFO(r.out, r.err);
  CHECK(r.exit_status == 4);
  CHECK(r.out.find("Held:     390 deactivations held for a person to approve as run 3") !=
        std::string::npos);
  const auto runs = nlohmann::json::parse(
      run_process(ROSTERD_BIN, {"history", "--config", cfg, "--format", "json"}).out);
  REQUIRE(runs.size() == 3);
  CHECK(runs[0]["state"] == "held");
  CHECK(runs[1]["state"] == "committed");
  CHECK(runs[1]["added"] == 40);
  // The file is taken once: another poll finds nothing new.
  const ProcessResult again =
      run_process(ROSTERD_BIN, {"run", "--once", "--config", cfg, "--as-of", "2026-10-15"});
  CHECK(again.exit_status == 0);
  CHECK(nlohmann::json::parse(
            run_process(ROSTERD_BIN, {"history", "--config", cfg, "--format", "json"}).out)
            .size() == 3);
}
