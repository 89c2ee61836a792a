// Feed rules end to end: `check` shows what the scope leaves out; `ingest` keeps to it; an
// opted-out student leaves no trace in any table the feed writes.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd::testing;

namespace {

using Row = std::vector<std::string>;

std::string id_of(int n) {
  return std::to_string(1000000000 + n);
}

Row kid(int n, const std::string& campus) {
  char dob[40];
  std::snprintf(dob, sizeof dob, "2015-%02d-%02d", 1 + n % 8, 1 + n % 28);
  return {id_of(n),
          "L" + std::to_string(n),
          "Kid",
          "",
          "Family" + std::to_string(n),
          dob,
          "05",
          campus,
          "",
          "A",
          "50",
          "60"};
}

ProcessResult run(const std::string& cfg, std::vector<std::string> args) {
  args.insert(args.begin() + 1, {"--config", cfg});
  return run_process(ROSTERD_BIN, args);
}

std::string sql(const TempDir& dir, const std::string& q) {
  const ProcessResult r = run_process("/usr/bin/sqlite3", {(dir / "roster.db").string(), q});
  REQUIRE(r.exit_status == 0);
  return r.out;
}

}  // namespace

TEST_CASE("feed rules: a school-by-school go-live, and an opt-out removed from every table") {
  TempDir dir;
  std::ofstream(dir / "optout.txt") << "";
  const std::string cfg =
      write_test_feed(dir.path(),
                      "    policy: {max_deactivate_pct: 50}\n"
                      "    scope: {exclude_campuses: [\"103\"], exclude_students: optout.txt}\n",
                      "live")
          .string();
  std::vector<Row> rows;
  for (int n = 1; n <= 9; ++n)
    rows.push_back(kid(n, n <= 3 ? "101" : n <= 6 ? "102" : "103"));
  std::ofstream(dir / "night1.txt") << roster_text(rows);

  // check shows what the scope does, without committing.
  const ProcessResult checked = run(
      cfg, {"check", "--format", "json", "--as-of", kGeneratorAsOf, (dir / "night1.txt").string()});
  REQUIRE(checked.exit_status == 0);
  CHECK(nlohmann::json::parse(checked.out)["counts"]["rows_out_of_scope"] == 3);

  const ProcessResult first = run(cfg, {"ingest", "--format", "json", "--as-of", kGeneratorAsOf,
                                        (dir / "night1.txt").string()});
  REQUIRE(first.exit_status == 0);
  const auto j1 = nlohmann::json::parse(first.out);
  CHECK(j1["counts"]["added"] == 6);
  CHECK(j1["counts"]["rows_out_of_scope"] == 3);
  // Each school finds its part: per-campus counts.
  REQUIRE(j1["campuses"].size() == 3);
  CHECK(j1["campuses"][0]["campus"] == "101");
  CHECK(j1["campuses"][0]["rows"] == 3);
  CHECK(j1["campuses"][0]["added"] == 3);
  CHECK(j1["campuses"][2]["campus"] == "103");
  CHECK(j1["campuses"][2]["rows"] == 3);
  CHECK(j1["campuses"][2]["added"] == 0);
  CHECK(sql(dir, "SELECT count(*) FROM students WHERE campus = '103'") == "0\n");

  // Night 2: student 2 gets a changed score (history) and a warning (a discrepancy row), then
  // opts out; campus 103 goes live.
  rows[1][10] = "99";
  rows[1][11] = "abc";
  std::ofstream(dir / "night2.txt") << roster_text(rows);
  REQUIRE(
      run(cfg, {"ingest", "--as-of", kGeneratorAsOf, (dir / "night2.txt").string()}).exit_status ==
      1);  // 1: the warning
  CHECK(sql(dir, "SELECT count(*) FROM run_changes WHERE state_id = '" + id_of(2) + "'") == "1\n");
  CHECK(sql(dir, "SELECT count(*) FROM run_discrepancies WHERE student_id = '" + id_of(2) + "'") ==
        "1\n");
  // The opt-out list as a Windows editor saves it: a byte-order mark and CRLF line ends.
  std::ofstream(dir / "optout.txt", std::ios::binary) << "\xEF\xBB\xBF" << id_of(2) << "\r\n";
  {
    // Campus 103 goes live: its exclusion leaves the config (each command reads it anew).
    std::string text = read_file(dir / "rosterd.yaml");
    const std::string from = "exclude_campuses: [\"103\"], ";
    text.replace(text.find(from), from.size(), "");
    write_file(dir / "rosterd.yaml", text);
  }
  const ProcessResult third = run(cfg, {"ingest", "--format", "json", "--as-of", kGeneratorAsOf,
                                        (dir / "night2.txt").string()});
  INFO(third.out << third.err);
  REQUIRE(third.exit_status == 0);
  const auto j3 = nlohmann::json::parse(third.out);
  CHECK(j3["counts"]["added"] == 3);  // campus 103 is live
  // The config change says what it does, on the first run after it.
  const std::string change = j3["rules_change"];
  CHECK(change.find("The feed's rules changed since run 2") != std::string::npos);
  CHECK(change.find("3 students enter the scope (added), 0 leave it") != std::string::npos);
  CHECK(j3["counts"]["opted_out"] == 1);
  CHECK(j3["counts"]["rows_opted_out"] == 1);
  // Student 2 is gone from every table the feed writes; only the removal itself is recorded.
  const std::string id = "'" + id_of(2) + "'";
  CHECK(sql(dir, "SELECT count(*) FROM students WHERE state_id = " + id) == "0\n");
  CHECK(sql(dir, "SELECT kind || ' ' || coalesce(before, '-') FROM run_changes WHERE state_id = " +
                     id) == "removed -\n");
  CHECK(sql(dir, "SELECT count(*) FROM run_discrepancies WHERE student_id = " + id) == "0\n");
  CHECK(sql(dir, "SELECT count(*) FROM students") == "8\n");
  // And it is never added back, nor restored by a rollback of the removal.
  REQUIRE(run(cfg, {"rollback", std::to_string(j3["run_id"].get<int>())}).exit_status == 0);
  CHECK(sql(dir, "SELECT count(*) FROM students WHERE state_id = " + id) == "0\n");
}

TEST_CASE("feed rules: an opt-out in a held run is removed when the run is approved") {
  TempDir dir;
  std::ofstream(dir / "optout.txt") << "";
  const std::string cfg = write_test_feed(dir.path(),
                                          "    policy: {commit: manual}\n"
                                          "    scope: {exclude_students: optout.txt}\n",
                                          "live")
                              .string();
  std::vector<Row> rows;
  for (int n = 1; n <= 4; ++n)
    rows.push_back(kid(n, "101"));
  std::ofstream(dir / "night.txt") << roster_text(rows);
  const auto ingest = [&] {
    return run(cfg, {"ingest", "--format", "json", "--as-of", kGeneratorAsOf,
                     (dir / "night.txt").string()});
  };
  ProcessResult r = ingest();
  REQUIRE(r.exit_status == 4);
  REQUIRE(run(cfg, {"approve", "1"}).exit_status == 0);
  std::ofstream(dir / "optout.txt") << id_of(3) << "\n";
  r = ingest();
  INFO(r.out << r.err);
  REQUIRE(r.exit_status == 4);  // held (commit: manual), and not a crash
  CHECK(nlohmann::json::parse(r.out)["counts"]["opted_out"] == 1);
  CHECK(sql(dir, "SELECT count(*) FROM students WHERE state_id = '" + id_of(3) + "'") == "1\n");
  REQUIRE(run(cfg, {"approve", "2"}).exit_status == 0);
  CHECK(sql(dir, "SELECT count(*) FROM students WHERE state_id = '" + id_of(3) + "'") == "0\n");
  CHECK(sql(dir, "SELECT count(*) FROM students") == "3\n");
}
