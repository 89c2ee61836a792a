// Identity end to end, as a district admin meets it: `ingest` catches an ID change, a re-key
// and the go-live match against imported students; `alerts`, `resolve` and `approve` decide;
// the SQLite file shows one record per student with its history.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd::testing;

namespace {

using Row = std::vector<std::string>;

std::string id_of(int n) {
  return std::to_string(1000000000 + n);
}

Row kid(const std::string& id, const std::string& first, const std::string& last,
        const std::string& dob, const std::string& local) {
  return {id, local, first, "", last, dob, "05", "101", "", "A", "50", "60"};
}

// Twelve students; 3 has a name with accents, an apostrophe and a hyphen.
std::vector<Row> class_of_twelve() {
  std::vector<Row> rows;
  for (int n = 1; n <= 12; ++n) {
    char dob[40];
    std::snprintf(dob, sizeof dob, "2015-%02d-%02d", n <= 8 ? n + 1 : n - 8, 10 + n);
    rows.push_back(
        kid(id_of(n), "Kid", "Family" + std::to_string(n), dob, "L" + std::to_string(n)));
  }
  rows[2][2] = "José";
  rows[2][4] = "O'Neil-Núñez";
  return rows;
}

// Twenty students, each with their own name and birth date.
std::vector<Row> twenty_students() {
  std::vector<Row> rows;
  for (int n = 1; n <= 20; ++n) {
    char dob[40];
    std::snprintf(dob, sizeof dob, "2015-%02d-%02d", 1 + n % 8, n);
    rows.push_back(
        kid(id_of(n), "Kid", "Family" + std::to_string(n), dob, "L" + std::to_string(n)));
  }
  return rows;
}

struct Feed {
  TempDir dir;
  std::string cfg;
  explicit Feed(const std::string& extra = "") {
    cfg = write_test_feed(dir.path(), extra, "live").string();
  }
  ProcessResult run(std::vector<std::string> args) const {
    args.insert(args.begin() + 1, {"--config", cfg});
    return run_process(ROSTERD_BIN, args);
  }
  nlohmann::json ingest(const std::vector<Row>& rows, const std::string& name,
                        int want_exit) const {
    std::ofstream(dir / name, std::ios::binary) << roster_text(rows);
    const ProcessResult r =
        run({"ingest", "--format", "json", "--as-of", kGeneratorAsOf, (dir / name).string()});
    INFO(r.err << r.out);
    REQUIRE(r.exit_status == want_exit);
    return nlohmann::json::parse(r.out);
  }
  std::string exported() const {
    const ProcessResult r = run({"export", "--feed", "gen"});
    REQUIRE(r.exit_status == 0);
    return r.out;
  }
  std::string sql(const std::string& query) const {
    const ProcessResult r = run_process("/usr/bin/sqlite3", {(dir / "roster.db").string(), query});
    REQUIRE(r.exit_status == 0);
    return r.out;
  }
};

bool has_line_starting(const std::string& text, const std::string& prefix) {
  return text.find("\n" + prefix) != std::string::npos || text.starts_with(prefix);
}

}  // namespace

TEST_CASE("identity: an ID change is caught before commit and resolved by match into one record") {
  Feed f;
  std::vector<Row> night = class_of_twelve();
  f.ingest(night, "night1.txt", 0);

  // Night 2: student 3 has a new state ID and is typed without accents, apostrophe or hyphen.
  night[2][0] = id_of(503);
  night[2][2] = "JOSE";
  night[2][4] = "ONEIL NUNEZ";
  const nlohmann::json j = f.ingest(night, "night2.txt", 0);
  CHECK(j["decision"] == "committed");
  CHECK(j["counts"]["added"] == 0);
  CHECK(j["counts"]["held_for_review"] == 1);
  CHECK(j["counts"]["deactivated"] == 0);  // the old record is kept while the alert is open
  CHECK(j["counts"]["kept_for_review"] == 1);
  REQUIRE(j["identity_alerts"].size() == 1);
  const auto& a = j["identity_alerts"][0];
  CHECK(a["kind"] == "possible_match");
  CHECK(a["student_id"] == id_of(503));
  CHECK(a["line"] == 4);
  REQUIRE(a["candidates"].size() == 1);
  CHECK(a["candidates"][0]["id"] == id_of(3));
  CHECK(a["candidates"][0]["score"] == 100);
  CHECK(a["candidates"][0]["values"]["last_name"] == "O'Neil-Núñez");
  CHECK(a["row"]["last_name"] == "ONEIL NUNEZ");
  std::string roster = f.exported();
  CHECK(has_line_starting(roster, id_of(3) + "|"));
  CHECK(!has_line_starting(roster, id_of(503) + "|"));

  // The admin sees both records side by side, and decides.
  const ProcessResult list = f.run({"alerts", "--feed", "gen"});
  REQUIRE(list.exit_status == 0);
  CHECK(list.out.find("possible_match: line 4, state ID " + id_of(503)) != std::string::npos);
  CHECK(list.out.find("~ committed " + id_of(3) + " (score 100): O'Neil-Núñez, José") !=
        std::string::npos);
  const std::string alert = f.sql("SELECT id FROM alerts").substr(0, 1);
  const ProcessResult resolved = f.run({"resolve", alert, "--match", "--apply"});
  INFO(resolved.out << resolved.err);
  REQUIRE(resolved.exit_status == 0);
  CHECK(resolved.out.find("1 given a new state ID") != std::string::npos);

  // One record: the new ID on the student added by run 1, with the new values.
  roster = f.exported();
  CHECK(!has_line_starting(roster, id_of(3) + "|"));
  CHECK(roster.find(id_of(503) + "|L3|JOSE||ONEIL NUNEZ|") != std::string::npos);
  CHECK(f.sql("SELECT count(*) FROM students") == "12\n");
  CHECK(f.sql("SELECT added_run FROM students WHERE state_id = '" + id_of(503) + "'") == "1\n");
  CHECK(f.sql("SELECT old_id || '>' || new_id FROM student_id_changes") ==
        id_of(3) + ">" + id_of(503) + "\n");
  CHECK(f.sql("SELECT kind FROM run_changes WHERE state_id = '" + id_of(503) + "'") == "rekeyed\n");
  CHECK(f.sql("SELECT status FROM alerts") == "applied\n");
  CHECK(f.run({"alerts", "--feed", "gen"}).out.find("No open identity alerts") !=
        std::string::npos);
  // The student's history, across both IDs, as an admin reads it.
  const ProcessResult one = f.run({"student", id_of(503)});
  REQUIRE(one.exit_status == 0);
  CHECK(one.out.find("was " + id_of(3) + " until run 3") != std::string::npos);
  CHECK(one.out.find("run 1: added as " + id_of(3)) != std::string::npos);
  CHECK(one.out.find("run 3: rekeyed " + id_of(3) + " -> " + id_of(503)) != std::string::npos);
  CHECK(f.run({"student", id_of(3)}).exit_status == 2);

  // The next night's file (the same) changes nothing and raises nothing.
  const nlohmann::json j3 = f.ingest(night, "night3.txt", 0);
  CHECK(j3["counts"]["unchanged"] == 12);
  CHECK(j3["identity_alerts"].empty());
}

TEST_CASE("identity: --create adds the row as a new student at the next run") {
  Feed f("    policy: {max_deactivate_pct: 50}\n");  // one of twelve leaves
  std::vector<Row> night = class_of_twelve();
  f.ingest(night, "night1.txt", 0);
  night[5][0] = id_of(506);
  const nlohmann::json j2 = f.ingest(night, "night2.txt", 0);
  REQUIRE(j2["identity_alerts"].size() == 1);
  // Ingesting the same row again keeps one alert, brought up to date.
  f.ingest(night, "night2b.txt", 0);
  CHECK(f.sql("SELECT count(*) FROM alerts WHERE status = 'open'") == "1\n");
  const std::string alert = f.sql("SELECT id FROM alerts").substr(0, 1);
  const ProcessResult r = f.run({"resolve", alert, "--create"});
  REQUIRE(r.exit_status == 0);
  CHECK(r.out.find("create (a new student)") != std::string::npos);
  const nlohmann::json j3 = f.ingest(night, "night3.txt", 0);
  CHECK(j3["counts"]["added"] == 1);
  CHECK(j3["counts"]["deactivated"] == 1);  // the old ID, absent and no longer under review
  CHECK(j3["identity_alerts"].empty());
  CHECK(f.sql("SELECT status FROM alerts") == "applied\n");
  CHECK(f.sql("SELECT state_id || ' ' || status FROM students WHERE state_id IN ('" + id_of(6) +
              "', '" + id_of(506) + "') ORDER BY state_id") ==
        id_of(6) + " I\n" + id_of(506) + " A\n");
}

TEST_CASE("identity: a re-key of 30% of a feed is held with the proposed mapping") {
  Feed f("    identity: {rekey_min_students: 5}\n");
  std::vector<Row> roster = twenty_students();
  f.ingest(roster, "night1.txt", 0);
  const std::string before = f.exported();
  for (int n = 1; n <= 6; ++n)
    roster[static_cast<std::size_t>(n - 1)][0] = id_of(700 + n);
  const nlohmann::json j = f.ingest(roster, "night2.txt", 4);
  CHECK(j["decision"] == "held");
  CHECK(j["counts"]["rekeyed"] == 6);
  CHECK(j["counts"]["added"] == 0);
  CHECK(j["counts"]["deactivated"] == 0);
  REQUIRE(j["safeguards"].size() == 1);
  CHECK(j["safeguards"][0]["name"] == "rekey_min_students");
  CHECK(f.exported() == before);  // nothing committed

  // The mapping, as `show` prints it for the person who approves.
  const std::string run = std::to_string(j["run_id"].get<int>());
  const ProcessResult shown = f.run({"show", "--format", "json", run});
  REQUIRE(shown.exit_status == 0);
  const auto s = nlohmann::json::parse(shown.out);
  int rekeys = 0;
  for (const auto& c : s["changes"]) {
    if (c["kind"] == "rekeyed") {
      ++rekeys;
      if (c["student_id"] == id_of(701)) CHECK(c["fields"]["state_id"]["old"] == id_of(1));
    }
  }
  CHECK(rekeys == 6);
  CHECK(s["identity_alerts"].size() == 6);

  const ProcessResult ok = f.run({"resolve", "--run", run, "--all-match"});
  INFO(ok.out << ok.err);
  REQUIRE(ok.exit_status == 0);
  const std::string after = f.exported();
  CHECK(has_line_starting(after, id_of(701) + "|L1|Kid||Family1|"));
  CHECK(!has_line_starting(after, id_of(1) + "|"));
  CHECK(f.sql("SELECT count(*) FROM students") == "20\n");
  CHECK(f.sql("SELECT count(*) FROM student_id_changes") == "6\n");
  CHECK(f.sql("SELECT count(*) FROM alerts WHERE status = 'applied'") == "6\n");

  // And it can be undone: the old IDs come back on the same records.
  const ProcessResult undo = f.run({"rollback", run});
  INFO(undo.out << undo.err);
  REQUIRE(undo.exit_status == 0);
  CHECK(f.exported() == before);
}

TEST_CASE("identity: a re-key rejected with --all-create is added as new students") {
  Feed f("    identity: {rekey_min_students: 5}\n    policy: {max_deactivate_pct: 50}\n");
  std::vector<Row> roster = twenty_students();
  f.ingest(roster, "night1.txt", 0);
  for (int n = 1; n <= 6; ++n)
    roster[static_cast<std::size_t>(n - 1)][0] = id_of(700 + n);
  const nlohmann::json j = f.ingest(roster, "night2.txt", 4);
  const std::string run = std::to_string(j["run_id"].get<int>());
  const ProcessResult no = f.run({"resolve", "--run", run, "--all-create"});
  REQUIRE(no.exit_status == 0);
  CHECK(no.out.find("6 proposed re-keys will be added") != std::string::npos);
  const nlohmann::json j3 = f.ingest(roster, "night3.txt", 0);
  CHECK(j3["counts"]["added"] == 6);
  CHECK(j3["counts"]["deactivated"] == 6);
  CHECK(j3["counts"]["rekeyed"] == 0);
  CHECK(f.sql("SELECT count(*) FROM students") == "26\n");
}

TEST_CASE("identity: go-live reconciliation links unique matches and reports the rest") {
  Feed f("    identity: {unmatched_existing: deactivate}\n");
  // The platform's students before go-live; state IDs mostly unknown.
  std::ofstream(f.dir / "existing.txt", std::ios::binary)
      << "PlatformID|StudentStateID|LocalStudentID|LegalFirstName|LegalLastName|DateOfBirth\n"
         "P1|" +
             id_of(1) +
             "|||Family1|2015-02-11\n"               // by state ID
             "P2||L2|Kid|Someone Else|2015-03-12\n"  // by local ID
             "P3||X3|Jose|ONeil Nunez|2015-04-13\n"  // by name and birth date
             "P4||X4|Ana|Lopez|2015-06-15\n"         // twins, different first names:
             "P5||X5|Sofia|Lopez|2015-06-15\n"       //   each their own
             "P6||X6|Maria|Garcia|2015-07-16\n"      // one name, two students:
             "P7||X7|Maria|Garcia|2015-07-16\n"      //   ambiguous
             "P8||X8|Gone|Away|2015-01-01\n";        // matched by no row
  const ProcessResult imp =
      f.run({"import-existing", "--feed", "gen", (f.dir / "existing.txt").string()});
  INFO(imp.err);
  REQUIRE(imp.exit_status == 0);
  CHECK(imp.out.find("imported 8 existing students for feed gen (7 without a state ID)") !=
        std::string::npos);

  std::vector<Row> file = class_of_twelve();
  file[3] = kid(id_of(4), "Ana", "Lopez", "2015-06-15", "L4");
  file[4] = kid(id_of(5), "Sofia", "Lopez", "2015-06-15", "L5");
  file[5] = kid(id_of(6), "María", "García", "2015-07-16", "L6");
  const nlohmann::json j = f.ingest(file, "golive.txt", 0);
  CHECK(j["decision"] == "committed");
  CHECK(j["counts"]["linked"] == 5);
  CHECK(j["counts"]["added"] == 11);
  CHECK(j["counts"]["held_for_review"] == 1);
  REQUIRE(j["identity_alerts"].size() == 2);
  CHECK(j["identity_alerts"][0]["kind"] == "existing_match");
  CHECK(j["identity_alerts"][0]["student_id"] == id_of(6));
  CHECK(j["identity_alerts"][0]["candidates"].size() == 2);
  CHECK(j["identity_alerts"][1]["kind"] == "existing_unmatched");
  CHECK(j["identity_alerts"][1]["candidates"][0]["id"] == "P8");
  CHECK(j["identity_alerts"][1]["outcome"] == "inactive");
  CHECK(f.sql("SELECT platform_id || ' ' || outcome || ' ' || linked_state_id FROM "
              "existing_students ORDER BY platform_id") ==
        "P1 linked " + id_of(1) + "\nP2 linked " + id_of(2) + "\nP3 linked " + id_of(3) +
            "\nP4 linked " + id_of(4) + "\nP5 linked " + id_of(5) +
            "\nP6 pending \nP7 pending \n"
            "P8 inactive \n");
  CHECK(f.sql("SELECT platform_id FROM students WHERE state_id = '" + id_of(3) + "'") == "P3\n");

  // Maria: an admin says which one she is, and applies it now.
  const std::string alert = f.sql("SELECT id FROM alerts WHERE kind = 'existing_match'");
  const std::string id = alert.substr(0, alert.size() - 1);
  const ProcessResult vague = f.run({"resolve", id, "--match"});
  CHECK(vague.exit_status == 2);
  CHECK(vague.err.find("2 candidates (P6, P7): name the one") != std::string::npos);
  const ProcessResult done = f.run({"resolve", id, "--match", "--to", "P7", "--apply"});
  INFO(done.out << done.err);
  REQUIRE(done.exit_status == 0);
  CHECK(f.sql("SELECT platform_id FROM students WHERE state_id = '" + id_of(6) + "'") == "P7\n");
  CHECK(f.sql("SELECT outcome FROM existing_students WHERE platform_id = 'P7'") == "linked\n");

  // After go-live, importing again is refused: ID changes are possible matches from now on.
  const ProcessResult again =
      f.run({"import-existing", "--feed", "gen", (f.dir / "existing.txt").string()});
  CHECK(again.exit_status == 2);
  CHECK(again.err.find("already has 12 committed students") != std::string::npos);
}

TEST_CASE("identity: a bad existing-students file is refused whole, with line and column") {
  Feed f;
  std::ofstream(f.dir / "existing.txt", std::ios::binary)
      << "PlatformID|LegalFirstName|LegalLastName|DateOfBirth\n"
         "P1|Ava|Lee|2015-02-11\n"
         "|Bo|Li|2015-02-11\n"
         "P1|Cy|Wu|2015-02-11\n"
         "P4|Di|Xu|11/02/2015\n";
  const ProcessResult r =
      f.run({"import-existing", "--feed", "gen", (f.dir / "existing.txt").string()});
  CHECK(r.exit_status == 2);
  CHECK(r.err.find("nothing was imported: 3 problem(s)") != std::string::npos);
  CHECK(r.err.find("existing.txt:3: PlatformID is empty") != std::string::npos);
  CHECK(r.err.find("\n  ") != std::string::npos);  // one problem a line, not \x0A escapes
  CHECK(r.err.find("\\x0A") == std::string::npos);
  CHECK(r.err.find("existing.txt:4: PlatformID repeats P1 (line 2)") != std::string::npos);
  CHECK(r.err.find("existing.txt:5: DateOfBirth has \"11/02/2015\"") != std::string::npos);
  CHECK(!std::filesystem::exists(f.dir / "roster.db"));  // the store was never touched
}

TEST_CASE("identity: a re-keyed student is never re-created by a rollback, nor by a decision") {
  Feed f("    policy: {max_deactivate_pct: 50}\n");
  std::vector<Row> night = class_of_twelve();
  f.ingest(night, "night1.txt", 0);
  night[2][10] = "99";  // run 2 updates student 3's score
  f.ingest(night, "night2.txt", 0);
  std::vector<Row> moved = night;
  moved[2][0] = id_of(503);
  f.ingest(moved, "night3.txt", 0);
  const std::string alert = f.sql("SELECT id FROM alerts").substr(0, 1);
  REQUIRE(f.run({"resolve", alert, "--match", "--apply"}).exit_status == 0);

  // Rolling back run 2 would restore student 3 under its old ID: refused, the re-key is later.
  const ProcessResult undo = f.run({"rollback", "2"});
  CHECK(undo.exit_status == 2);
  CHECK(undo.err.find("later committed run(s) 4") != std::string::npos);
  // Even forced, the student is not re-created under the old ID.
  REQUIRE(f.run({"rollback", "--force", "2"}).exit_status == 0);
  CHECK(f.sql("SELECT count(*) FROM students") == "12\n");
  CHECK(f.sql("SELECT count(*) FROM students WHERE state_id = '" + id_of(3) + "'") == "0\n");

  // A decision that no longer applies: a match to a student whose old ID is back in the file.
  std::vector<Row> both = moved;
  both[5][0] = id_of(506);  // student 6 gets a new ID; a person matches it...
  const nlohmann::json j = f.ingest(both, "night4.txt", 0);
  REQUIRE(j["identity_alerts"].size() == 1);
  std::string second = f.sql("SELECT max(id) FROM alerts");
  second.pop_back();
  REQUIRE(f.run({"resolve", second, "--match"}).exit_status == 0);
  both.push_back(night[5]);  // ...and the next file has the old ID 6 again as well
  const nlohmann::json j5 = f.ingest(both, "night5.txt", 1);  // 1: same_person_two_ids
  CHECK(j5["discrepancies"]["same_person_two_ids"] == 2);
  CHECK(j5["counts"]["added"] == 0);
  CHECK(j5["counts"]["held_for_review"] == 1);
  CHECK(f.sql("SELECT count(*) FROM students WHERE state_id = '" + id_of(506) + "'") == "0\n");
  CHECK(f.sql("SELECT status FROM alerts WHERE id = " + second) == "open\n");
}

TEST_CASE("identity: a held re-key that can no longer be approved does not linger as open") {
  Feed f("    identity: {rekey_min_students: 5}\n    policy: {max_deactivate_pct: 50}\n");
  std::vector<Row> roster = twenty_students();
  f.ingest(roster, "night1.txt", 0);
  std::vector<Row> rekeyed = roster;
  for (int n = 1; n <= 6; ++n)
    rekeyed[static_cast<std::size_t>(n - 1)][0] = id_of(700 + n);
  const nlohmann::json held = f.ingest(rekeyed, "night2.txt", 4);
  CHECK(f.sql("SELECT count(*) FROM alerts WHERE status = 'proposed'") == "6\n");
  roster[10][10] = "1";  // the old file again, with a change: it commits
  f.ingest(roster, "night3.txt", 0);
  CHECK(f.sql("SELECT count(*) FROM alerts WHERE status = 'proposed'") == "0\n");
  CHECK(f.run({"alerts", "--feed", "gen"}).out.find("No open identity alerts") !=
        std::string::npos);
  const std::string run = std::to_string(held["run_id"].get<int>());
  CHECK(f.run({"approve", run}).exit_status == 2);  // its base changed
}
