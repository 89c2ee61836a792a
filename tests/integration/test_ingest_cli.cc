// `rosterd ingest`, `export`, `history`, `show` as a user runs them, and a kill -9 crash test.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd::testing;

namespace {

using Row = std::vector<std::string>;

Row student(int n) {
  char id[16];
  std::snprintf(id, sizeof id, "%010d", 1000000000 + n);
  const std::string campus = n % 3 == 0 ? "101" : n % 3 == 1 ? "102" : "103";
  const std::string diagnoses = n % 7 == 0 ? "AU;SI" : "";
  return {id,
          "L" + std::to_string(n),
          "Ava",
          "",
          "Lee" + std::to_string(n),
          "2015-12-15",
          "05",
          campus,
          diagnoses,
          "A",
          std::to_string(n % 100),
          std::to_string((n * 7) % 100)};
}

std::string text(const std::vector<Row>& rows) {
  return roster_text(rows);
}

void write(const std::filesystem::path& p, const std::string& t) {
  std::ofstream(p, std::ios::binary) << t;
}

ProcessResult run_rosterd(const std::vector<std::string>& args) {
  return run_process(ROSTERD_BIN, args);
}

std::string export_of(const std::filesystem::path& config) {
  const ProcessResult r = run_rosterd({"export", "--config", config.string(), "--feed", "gen"});
  REQUIRE(r.exit_status == 0);
  return r.out;
}

}  // namespace

TEST_CASE(
    "integration: two nights end to end, with exact counts and the exported roster line for line") {
  TempDir dir;
  const auto config = write_test_feed(dir.path(), "", "live");
  const std::string cfg = config.string();
  constexpr int kStudents = 400;

  std::map<std::string, Row> expected;  // what the roster must hold after night 2
  std::vector<Row> night1;
  for (int n = 1; n <= kStudents; ++n)
    night1.push_back(student(n));
  night1[10][9] = "I";  // inactive on night 1, active again on night 2
  for (const Row& r : night1)
    expected[r[0]] = r;
  write(dir / "night1.txt", text(night1));
  const ProcessResult first = run_rosterd({"ingest", "--config", cfg, "--format", "json", "--as-of",
                                           kGeneratorAsOf, (dir / "night1.txt").string()});
  INFO(first.err);
  REQUIRE(first.exit_status == 0);
  const auto j1 = nlohmann::json::parse(first.out);
  CHECK(j1["decision"] == "committed");
  CHECK(j1["counts"]["added"] == kStudents);

  std::vector<Row> night2;
  std::map<int, Row> by_n;
  for (int n = 1; n <= kStudents; ++n)
    by_n[n] = night1[static_cast<std::size_t>(n - 1)];
  // 4 withdrawals: absent from the file.
  for (int n : {20, 21, 22, 23}) {
    by_n.erase(n);
    expected[student(n)[0]][9] = "I";
  }
  // 3 inactive rows.
  for (int n : {30, 31, 32}) {
    by_n[n][9] = "I";
    expected[by_n[n][0]] = by_n[n];
  }
  // 1 reactivation.
  by_n[11][9] = "A";
  expected[by_n[11][0]] = by_n[11];
  // 7 updates.
  for (int n : {40, 41, 42, 43, 44, 45, 46}) {
    by_n[n][4] = "Changed" + std::to_string(n);
    if (n % 2 == 0) by_n[n][7] = "103";
    expected[by_n[n][0]] = by_n[n];
  }
  // A warning that changes a student: an invalid score is not taken, so the score is cleared.
  by_n[50][10] = "abc";
  expected[by_n[50][0]][10] = "";
  // One rejected row of every code for an existing student, who stays as committed.
  by_n[60][9] = "Z";                     // invalid_status
  by_n[61][6] = "13";                    // unknown_grade
  by_n[62][7] = "ZZZ";                   // unknown_campus
  by_n[63][8] = "QQ";                    // unknown_diagnosis
  by_n[64][2] = "";                      // missing_required
  by_n[65][5] = "2015-02-30";            // invalid_date
  by_n[66][1] = std::string(5000, 'x');  // field_too_long
  by_n[67][4] = "Mart\xFFnez";           // encoding
  by_n[68][4] = "\"Lee\"x";              // bad_quote
  by_n[69].pop_back();                   // column_count
  for (auto& [n, r] : by_n)
    night2.push_back(r);
  night2.push_back(by_n[70]);  // duplicate_id: both rows of student 70 rejected
  Row bad_id = student(900);   // invalid_id: a new student with a malformed ID
  bad_id[0] = "X000000900";
  night2.push_back(bad_id);
  // 5 adds.
  for (int n = 401; n <= 405; ++n) {
    night2.push_back(student(n));
    expected[student(n)[0]] = student(n);
  }
  write(dir / "night2.txt", text(night2));

  const ProcessResult second =
      run_rosterd({"ingest", "--config", cfg, "--format", "json", "--as-of", kGeneratorAsOf,
                   (dir / "night2.txt").string()});
  INFO(second.err);
  CHECK(second.exit_status == 1);  // committed, with rejected rows
  const auto j2 = nlohmann::json::parse(second.out);
  CHECK(j2["decision"] == "committed");
  CHECK(j2["counts"]["rows_read"] == night2.size());
  CHECK(j2["counts"]["rows_rejected"] == 13);
  CHECK(j2["counts"]["rows_warned"] == 1);
  CHECK(j2["counts"]["added"] == 5);
  CHECK(j2["counts"]["updated"] == 8);
  CHECK(j2["counts"]["deactivated"] == 7);
  CHECK(j2["counts"]["reactivated"] == 1);
  CHECK(j2["counts"]["kept_rejected"] == 11);
  CHECK(j2["counts"]["unchanged"] == kStudents - 8 - 7 - 1 - 11);
  for (const char* code : {"invalid_status", "unknown_grade", "unknown_campus", "unknown_diagnosis",
                           "missing_required", "invalid_date", "field_too_long", "encoding",
                           "bad_quote", "column_count", "invalid_id", "invalid_score"}) {
    CAPTURE(code);
    CHECK(j2["discrepancies"][code] == 1);
  }
  CHECK(j2["discrepancies"]["duplicate_id"] == 2);

  std::string want =
      "StudentStateID|LocalStudentID|LegalFirstName|LegalMiddleName|LegalLastName|DateOfBirth|"
      "Grade|"
      "CampusID|Diagnoses|Status|ELAScore|MathScore\n";
  for (const auto& [id, r] : expected) {
    for (std::size_t i = 0; i < r.size(); ++i)
      want += (i ? "|" : "") + r[i];
    want += '\n';
  }
  const std::string got = export_of(config);
  CHECK(got == want);

  const ProcessResult history = run_rosterd({"history", "--config", cfg});
  CHECK(history.exit_status == 0);
  CHECK(history.out.find("run 2 ") == 0);
  CHECK(history.out.find("run 1 ") != std::string::npos);
  const ProcessResult show = run_rosterd({"show", "--config", cfg, "--format", "json", "2"});
  const auto j3 = nlohmann::json::parse(show.out);
  CHECK(j3["counts"] == j2["counts"]);
  CHECK(j3["discrepancies"] == j2["discrepancies"]);
  CHECK(j3["rows"].size() == j2["rows"].size());

  // The same file again changes nothing.
  const ProcessResult again = run_rosterd({"ingest", "--config", cfg, "--format", "json", "--as-of",
                                           kGeneratorAsOf, (dir / "night2.txt").string()});
  const auto j4 = nlohmann::json::parse(again.out);
  CHECK(j4["counts"]["added"] == 0);
  CHECK(j4["counts"]["updated"] == 0);
  CHECK(j4["counts"]["deactivated"] == 0);
  CHECK(export_of(config) == want);
}

TEST_CASE("integration: a held run exits 4 and approve commits it") {
  TempDir dir;
  const auto config = write_test_feed(dir.path(), "    policy: {commit: manual}\n", "live");
  std::vector<Row> rows;
  for (int n = 1; n <= 5; ++n)
    rows.push_back(student(n));
  write(dir / "r.txt", text(rows));
  const ProcessResult held =
      run_rosterd({"ingest", "--config", config.string(), (dir / "r.txt").string()});
  CHECK(held.exit_status == 4);
  CHECK(held.out.find("rosterd approve --config") != std::string::npos);
  CHECK(export_of(config).find('\n') == export_of(config).size() - 1);  // header only
  const ProcessResult ok = run_rosterd({"approve", "--config", config.string(), "1"});
  CHECK(ok.exit_status == 0);
  const std::string exported = export_of(config);
  CHECK(std::count(exported.begin(), exported.end(), '\n') == 6);
  const ProcessResult twice = run_rosterd({"approve", "--config", config.string(), "1"});
  CHECK(twice.exit_status == 2);
  CHECK(twice.err.find("not held") != std::string::npos);
}

TEST_CASE("integration: kill -9 at each step of a large ingest leaves the store before or after") {
  TempDir dir;
  const auto config = write_test_feed(dir.path(), "", "live");
  const std::string cfg = config.string();
  constexpr int kStudents = 150000;
  {
    std::string t =
        "StudentStateID|LocalStudentID|LegalFirstName|LegalMiddleName|LegalLastName|DateOfBirth|"
        "Grade|"
        "CampusID|Diagnoses|Status|ELAScore|MathScore\n";
    std::string t2 = t;
    for (int n = 1; n <= kStudents; ++n) {
      Row r = student(n);
      for (std::size_t i = 0; i < r.size(); ++i)
        t += (i ? "|" : "") + r[i];
      t += '\n';
      if (n % 25 == 0) r[4] = "Renamed" + std::to_string(n);  // 4% of students change
      if (n % 1000 != 0) {                                    // 0.1% withdraw
        for (std::size_t i = 0; i < r.size(); ++i)
          t2 += (i ? "|" : "") + r[i];
        t2 += '\n';
      }
    }
    for (int n = kStudents + 1; n <= kStudents + 2000; ++n) {
      const Row r = student(n);
      for (std::size_t i = 0; i < r.size(); ++i)
        t2 += (i ? "|" : "") + r[i];
      t2 += '\n';
    }
    write(dir / "night1.txt", t);
    write(dir / "night2.txt", t2);
  }
  const std::vector<std::string> ingest2 = {
      "ingest", "--config", cfg, "--as-of", kGeneratorAsOf, (dir / "night2.txt").string()};
  REQUIRE(run_rosterd(
              {"ingest", "--config", cfg, "--as-of", kGeneratorAsOf, (dir / "night1.txt").string()})
              .exit_status == 0);
  const std::string before = export_of(config);
  const auto db = dir / "roster.db";
  // A consistent copy of the store to restore before each try (the WAL is checkpointed into it).
  REQUIRE(run_process("/usr/bin/sqlite3", {db.string(), "PRAGMA wal_checkpoint(TRUNCATE);"})
              .exit_status == 0);
  std::filesystem::copy_file(db, dir / "snapshot.db");

  REQUIRE(run_rosterd(ingest2).exit_status == 0);
  const std::string after = export_of(config);
  REQUIRE(before != after);

  // SIGKILL at each step of the run (ROSTERD_FAULT_AT, core/fault_point.h): just begun; every
  // write of its transaction made (a 150,000-student WAL) but COMMIT not sent; committed.
  struct Step {
    const char* name;
    bool committed;
  };
  for (const Step step :
       {Step{"run.started", false}, Step{"store.committing", false}, Step{"run.finished", true}}) {
    CAPTURE(step.name);
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(db.string() + suffix);
    std::filesystem::copy_file(dir / "snapshot.db", db);
    const ProcessResult killed =
        run_process(ROSTERD_BIN, ingest2, {std::string("ROSTERD_FAULT_AT=") + step.name});
    CHECK(killed.exit_status == -1);  // killed by its signal, not exited
    const ProcessResult integrity =
        run_process("/usr/bin/sqlite3", {db.string(), "PRAGMA integrity_check;"});
    CHECK(integrity.out == "ok\n");
    CHECK(export_of(config) == (step.committed ? after : before));  // opening marks it failed
    const ProcessResult h = run_rosterd({"history", "--config", cfg, "--last", "1"});
    CHECK(h.out.find("night2.txt") != std::string::npos);
    CHECK(h.out.find(step.committed ? "committed" : "failed") != std::string::npos);
    if (!step.committed) {
      // The file is run again and commits.
      CHECK(run_rosterd(ingest2).exit_status == 0);
      CHECK(export_of(config) == after);
    }
  }
}

TEST_CASE(
    "integration: a store that cannot grow (disk full) fails the run cleanly; later it commits") {
  TempDir tmp;
  const auto config = write_test_feed(tmp.path(), "", "live");
  write_generated_roster(50, tmp / "small.txt");
  write_generated_roster(20000, tmp / "large.txt");
  REQUIRE(run_rosterd({"ingest", "--config", config.string(), "--as-of", kGeneratorAsOf,
                       (tmp / "small.txt").string()})
              .exit_status == 0);
  const std::string before = export_of(config);
  // A file size limit (prlimit --fsize, in bytes) just over the store's size now: the large
  // night's commit cannot write its pages (its write-ahead log), as on a full disk.
  const auto db_size = std::filesystem::file_size(tmp / "roster.db");
  const ProcessResult full =
      run_process("/usr/bin/prlimit", {"--fsize=" + std::to_string(db_size + 64 * 1024),
                                       ROSTERD_BIN, "ingest", "--config", config.string(),
                                       "--as-of", kGeneratorAsOf, (tmp / "large.txt").string()});
  INFO(full.out << full.err);
  CHECK(full.exit_status > 0);  // an error, not killed by SIGXFSZ
  CHECK(full.err.find("nothing was committed") != std::string::npos);
  CHECK(export_of(config) == before);
  const ProcessResult integrity =
      run_process("/usr/bin/sqlite3", {(tmp / "roster.db").string(), "PRAGMA integrity_check;"});
  CHECK(integrity.out == "ok\n");
  // With room again the same file commits, and the failed attempt is in the history.
  const ProcessResult again = run_rosterd({"ingest", "--config", config.string(), "--as-of",
                                           kGeneratorAsOf, (tmp / "large.txt").string()});
  CHECK(again.exit_status == 0);
  const std::string history = run_rosterd({"history", "--config", config.string()}).out;
  CHECK(history.find("failed") != std::string::npos);
  CHECK(history.find("committed  large.txt") != std::string::npos);
}

TEST_CASE("integration: a store locked by another writer makes the run wait, then commit") {
  TempDir tmp;
  const auto config = write_test_feed(tmp.path(), "", "live");
  write_generated_roster(50, tmp / "first.txt");
  REQUIRE(run_rosterd({"ingest", "--config", config.string(), "--as-of", kGeneratorAsOf,
                       (tmp / "first.txt").string()})
              .exit_status == 0);
  // Another process takes the write lock and keeps it for 3 s (a long commit elsewhere).
  const std::string hold =
      "import sqlite3, sys, time\n"
      "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
      "c.execute('BEGIN IMMEDIATE')\n"
      "open(sys.argv[2], 'w').close()\n"
      "time.sleep(3)\n"
      "c.execute('COMMIT')\n";
  ChildProcess holder("/usr/bin/python3",
                      {"-c", hold, (tmp / "roster.db").string(), (tmp / "locked").string()}, {},
                      (tmp / "holder.log").string());
  for (int i = 0; i < 100 && !std::filesystem::exists(tmp / "locked"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(std::filesystem::exists(tmp / "locked"));
  write_generated_roster(60, tmp / "second.txt");
  const auto started = std::chrono::steady_clock::now();
  const ProcessResult r = run_rosterd({"ingest", "--config", config.string(), "--as-of",
                                       kGeneratorAsOf, (tmp / "second.txt").string()});
  const auto waited = std::chrono::steady_clock::now() - started;
  INFO(r.out << r.err);
  CHECK(r.exit_status == 0);
  CHECK(waited >= std::chrono::seconds(2));  // it waited for the lock rather than failing
  CHECK(holder.wait(10000) == 0);
  CHECK(run_rosterd({"history", "--config", config.string()}).out.find("committed  second.txt") !=
        std::string::npos);
}

TEST_CASE("integration: a run committed while a file is checked is planned on, not found stale") {
  TempDir tmp;
  const auto config = write_test_feed(tmp.path(), "", "live");
  const std::string cfg = config.string();
  std::vector<Row> night1;
  for (int n = 1; n <= 200; ++n)
    night1.push_back(student(n));
  std::vector<Row> night2 = night1;  // student 5's last name changes
  night2[4][4] = "Changed";
  std::vector<Row> night3 = night1;  // a new student, 999
  night3.push_back(student(999));
  write(tmp / "night1.txt", text(night1));
  write(tmp / "night2.txt", text(night2));
  write(tmp / "night3.txt", text(night3));
  REQUIRE(run_rosterd({"ingest", "--config", cfg, (tmp / "night1.txt").string()}).exit_status == 0);
  // Night 2 stops once it has read the committed roster ahead of its check; night 3 commits.
  ChildProcess night2_run(ROSTERD_BIN, {"ingest", "--config", cfg, (tmp / "night2.txt").string()},
                          {"ROSTERD_FAULT_AT=ingest.read_ahead:STOP", "ROSTERD_LOG_LEVEL=info"},
                          (tmp / "night2.log").string());
  bool stopped = false;
  for (int waited = 0; waited < 20000 && !stopped; waited += 50) {
    stopped = read_file(tmp / "night2.log").find("fault_point.reached") != std::string::npos;
    if (!stopped) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(stopped);
  const ProcessResult third =
      run_process(ROSTERD_BIN, {"ingest", "--config", cfg, (tmp / "night3.txt").string()},
                  {"ROSTERD_LOG_LEVEL=info"});
  INFO(third.out << third.err);
  REQUIRE(third.exit_status == 0);
  CHECK(third.err.find("run.start") != std::string::npos);  // its info lines are there
  CHECK(third.err.find("ingest.read_ahead_dropped") == std::string::npos);  // nothing moved
  night2_run.signal(SIGCONT);
  INFO(read_file(tmp / "night2.log"));
  CHECK(night2_run.wait(30000) == 0);
  CHECK(read_file(tmp / "night2.log").find("ingest.read_ahead_dropped") != std::string::npos);

  // Night 2 was planned on the roster night 3 left: student 999, not in night 2, is withdrawn.
  const std::string exported = export_of(config);
  CHECK(exported.find("|Changed|") != std::string::npos);
  const std::string s999 = student(999)[0];
  const auto at = exported.find(s999 + "|");
  REQUIRE(at != std::string::npos);
  const std::string line = exported.substr(at, exported.find('\n', at) - at);
  CHECK(line.find("|I|") != std::string::npos);
  const std::string history = run_rosterd({"history", "--config", cfg}).out;
  CHECK(history.find("failed") == std::string::npos);
}

TEST_CASE("integration: a damaged store file is never read as a short roster") {
  TempDir dir;
  const auto config = write_test_feed(dir.path(), "", "live");
  const std::string cfg = config.string();
  std::vector<Row> rows;
  for (int n = 1; n <= 50000; ++n)
    rows.push_back(student(n));
  write(dir / "r.txt", text(rows));
  REQUIRE(run_rosterd({"ingest", "--config", cfg, (dir / "r.txt").string()}).exit_status == 0);
  CHECK(run_rosterd({"store-check", "--config", cfg}).exit_status == 0);
  const std::filesystem::path db = dir / "roster.db";
  const ProcessResult root =
      run_process("/usr/bin/sqlite3", {db.string(),
                                       "SELECT rootpage FROM sqlite_master WHERE name = "
                                       "'students'; PRAGMA page_size;"});
  REQUIRE(root.exit_status == 0);
  std::istringstream in(root.out);
  long page = 0, page_size = 0;
  in >> page >> page_size;
  REQUIRE(page > 1);
  // One flipped bit in the cell count of the students table's root page: SQLite's range scan
  // then ends early without an error (24,268 of 50,000 students, read as a whole roster).
  const auto flip = [&](long offset, unsigned char bit) {
    std::fstream f(db, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg((page - 1) * page_size + offset);
    char b = 0;
    f.read(&b, 1);
    b = static_cast<char>(b ^ bit);
    f.seekp((page - 1) * page_size + offset);
    f.write(&b, 1);
  };
  flip(4, 0x10);

  const ProcessResult exported = run_rosterd({"export", "--config", cfg, "--feed", "gen"});
  CHECK(exported.exit_status == 6);
  CHECK(exported.err.find("the export written so far is incomplete: do not use it") !=
        std::string::npos);
  CHECK(exported.err.find("feed gen has 50,000 committed students, but ") != std::string::npos);
  CHECK(exported.err.find("restore the store's last backup") != std::string::npos);

  const ProcessResult check = run_rosterd({"store-check", "--config", cfg, "--quick"});
  CHECK(check.exit_status == 6);
  CHECK(check.out.find("damaged: feed gen has 50,000 committed students") != std::string::npos);

  // The next night is not planned against it (it would deactivate half the district).
  const ProcessResult night = run_rosterd({"ingest", "--config", cfg, (dir / "r.txt").string()});
  CHECK(night.exit_status == 6);
  CHECK(night.err.find("restore the store's last backup") != std::string::npos);
  const ProcessResult history = run_rosterd({"history", "--config", cfg});
  CHECK(history.out.find("committed  r.txt") != std::string::npos);
  CHECK(history.out.find("failed") != std::string::npos);

  // A byte SQLite does notice ("database disk image is malformed") comes with the same advice.
  flip(4, 0x10);
  flip(0, 0xFF);  // the page type
  const ProcessResult malformed = run_rosterd({"export", "--config", cfg, "--feed", "gen"});
  CHECK(malformed.exit_status == 6);
  CHECK(malformed.err.find("malformed") != std::string::npos);
  CHECK(malformed.err.find("restore the store's last backup") != std::string::npos);
}

TEST_CASE("ingest: the first live set far from the count the district confirmed is held") {
  TempDir dir;
  const std::filesystem::path config =
      write_test_feed(dir.path(), "    expect: {students: \"100±5%\"}\n", "live");
  const auto ingest = [&](std::size_t students, const std::string& name) {
    write_generated_roster(students, dir / name);
    return run_process(ROSTERD_BIN, {"ingest", "--config", config.string(), "--format", "json",
                                     "--as-of", kGeneratorAsOf, (dir / name).string()});
  };
  // Half the district (a school's export sent for the district's): held, the counts side by side.
  const ProcessResult half = ingest(50, "half.txt");
  INFO(half.out, half.err);
  CHECK(half.exit_status == 4);
  const auto j = nlohmann::json::parse(half.out);
  CHECK(j["decision"] == "held");
  REQUIRE(j["safeguards"].size() == 1);
  CHECK(j["safeguards"][0]["name"] == "expect.students");
  CHECK(j["safeguards"][0]["message"] ==
        "the first file adds 50 students, outside the 95 to 105 the district confirmed (100 ±5%)");
  // The whole district: the first set commits (the held one is superseded)...
  const ProcessResult whole = ingest(98, "whole.txt");
  INFO(whole.out, whole.err);
  CHECK(whole.exit_status == 0);
  // Rolled back, the roster is empty again: the next set is a first set, gated again.
  const ProcessResult back = run_process(
      ROSTERD_BIN, {"rollback", "--config", config.string(),
                    std::to_string(nlohmann::json::parse(whole.out)["run_id"].get<int>())});
  INFO(back.out, back.err);
  REQUIRE(back.exit_status == 0);
  CHECK(ingest(50, "half-again.txt").exit_status == 4);
  REQUIRE(ingest(98, "whole-again.txt").exit_status == 0);
  // ... and the count gates no later set: the roster's own safeguards take over.
  const ProcessResult later = ingest(150, "later.txt");
  CHECK(later.exit_status == 0);
  CHECK(nlohmann::json::parse(later.out)["safeguards"].empty());
}
