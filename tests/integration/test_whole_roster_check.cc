// A whole roster — students with staff, courses, terms, sections, enrollments, guardians and
// their links — through the built `rosterd check` and `ingest` (docs/whole-roster.md): the
// planted set of tests/data/whole-roster gives exact counts per kind and code, from a folder and
// from a zip alike; a set missing a kind's file, or with one that is no file of its kind, is
// refused whole.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tests/integration/district_exports.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

const std::filesystem::path kSet =
    std::filesystem::path(ROSTERD_SOURCE_DIR) / "tests/data/whole-roster";

// A test feed taking every kind of the default layout, with campuses 101 and 102.
std::filesystem::path whole_roster_config(
    const std::filesystem::path& dir, const std::string& kinds =
                                          "{staff: {}, courses: {}, terms: {}, sections: {}, "
                                          "enrollments: {}, guardians: {}, guardian_links: {}}") {
  write(dir / "ref/campuses.txt", "Code|Name\n101|Lincoln\n102|Washington\n");
  write(dir / "ref/grades.txt", "Code|Name\n05|5\n08|8\n");
  write(dir / "rosterd.yaml",
        "store: {sqlite: state/rosterd.db}\n"
        "feeds:\n  k:\n    mode: test\n"
        "    reference:\n      grades: {table: ref/grades.txt}\n"
        "      campuses: {table: ref/campuses.txt}\n"
        "    kinds: " +
            kinds + "\n");
  return dir / "rosterd.yaml";
}

std::filesystem::path copy_set(const std::filesystem::path& dir, const std::string& name) {
  const std::filesystem::path to = dir / name;
  std::filesystem::create_directories(to);
  for (const auto& e : std::filesystem::directory_iterator(kSet))
    if (e.path().extension() == ".txt")
      std::filesystem::copy_file(e.path(), to / e.path().filename());
  return to;
}

using Codes = std::map<std::string, int>;

// Each kind's counts by code, from a report's `kinds`.
std::map<std::string, Codes> codes_by_kind(const nlohmann::json& j) {
  std::map<std::string, Codes> out;
  for (const auto& k : j["kinds"]) {
    Codes& c = out[k["kind"].get<std::string>()];
    for (const auto& [code, n] : k["discrepancies"].items())
      c[code] = n.get<int>();
  }
  return out;
}

// Each kind's discrepancies as "line code field".
std::map<std::string, std::multiset<std::string>> findings(const nlohmann::json& j) {
  std::map<std::string, std::multiset<std::string>> out;
  for (const auto& k : j["kinds"]) {
    auto& f = out[k["kind"].get<std::string>()];
    for (const auto& row : k["rows"])
      f.insert(std::to_string(row["line"].get<int>()) + " " + row["code"].get<std::string>() + " " +
               row["field"].get<std::string>());
  }
  return out;
}

const std::map<std::string, Codes> kPlanted = {
    {"staff", {{"duplicate_id", 2}, {"invalid_email", 1}, {"unknown_reference", 1}}},
    {"courses", {}},
    {"terms", {{"invalid_date", 1}}},
    {"sections",
     {{"unknown_reference", 2}, {"section_without_teacher", 1}, {"section_without_students", 1}}},
    {"enrollments", {{"unknown_reference", 2}, {"role_conflict", 1}}},
    {"guardians", {{"invalid_phone", 1}, {"guardian_no_contact", 1}}},
    {"guardian_links", {{"unknown_reference", 1}, {"invalid_flag", 1}}},
};

}  // namespace

TEST_CASE("integration: a whole roster's planted errors, exact per kind and code, folder or zip") {
  TempDir dir;
  const auto config = whole_roster_config(dir.path());
  const auto set = copy_set(dir.path(), "district");
  const auto j = check(config, set, "2026-09-01", 1);
  CHECK(j["counts"]["rows_read"] == 3);
  CHECK(j["counts"]["rows_rejected"] == 0);
  CHECK(j["file"]["name"] == "district/students.txt");
  CHECK(codes_by_kind(j) == kPlanted);

  // Where each is: its own file's line and the kind's field.
  const auto f = findings(j);
  CHECK(f.at("staff") ==
        std::multiset<std::string>{"3 duplicate_id staff_id", "4 duplicate_id staff_id",
                                   "5 invalid_email email", "6 unknown_reference campus_ids"});
  CHECK(f.at("terms") == std::multiset<std::string>{"4 invalid_date end_date"});
  CHECK(f.at("sections") ==
        std::multiset<std::string>{"3 unknown_reference course_code", "5 unknown_reference term_id",
                                   "4 section_without_teacher ", "4 section_without_students "});
  CHECK(f.at("enrollments") == std::multiset<std::string>{"5 unknown_reference person_id",
                                                          "6 role_conflict person_id",
                                                          "7 unknown_reference section_id"});
  CHECK(f.at("guardians") ==
        std::multiset<std::string>{"3 invalid_phone phone", "3 guardian_no_contact "});
  CHECK(f.at("guardian_links") ==
        std::multiset<std::string>{"3 unknown_reference guardian_id", "4 invalid_flag primary"});
  std::map<std::string, int> rejected;
  for (const auto& k : j["kinds"])
    rejected[k["kind"].get<std::string>()] = k["counts"]["rows_rejected"].get<int>();
  CHECK(rejected == std::map<std::string, int>{{"staff", 3},
                                               {"courses", 0},
                                               {"terms", 1},
                                               {"sections", 2},
                                               {"enrollments", 3},
                                               {"guardians", 0},
                                               {"guardian_links", 2}});

  // The same set zipped: the same findings, and the same identity (the files, not the wrapping).
  zip_folder(set, dir / "district.zip");
  const auto zipped = check(config, dir / "district.zip", "2026-09-01", 1);
  CHECK(zipped["kinds"] == j["kinds"]);
  CHECK(zipped["file"]["sha256"] == j["file"]["sha256"]);

  // The text report says it per kind too.
  const ProcessResult text = run_process(
      ROSTERD_BIN, {"check", "--config", config.string(), "--as-of", "2026-09-01", set.string()});
  CHECK(text.exit_status == 1);
  CHECK(text.out.find("guardian_links        3         2        0  guardian_links.txt") !=
        std::string::npos);
  CHECK(text.out.find("line 6 (SEC1/T3/student): Field enrollments.person_id has \"T3\", which is "
                      "a staff member's ID") != std::string::npos);
}

TEST_CASE(
    "integration: a whole roster missing a kind's file, or with a wrong one, is refused whole") {
  TempDir dir;
  const auto config = whole_roster_config(dir.path());
  const auto set = copy_set(dir.path(), "district");
  std::filesystem::remove(set / "enrollments.txt");
  const auto missing = check(config, set, "2026-09-01", 3);
  CHECK(missing["decision"] == "refused");
  CHECK(missing["refusal"]["code"] == "missing_member");
  CHECK(missing["refusal"]["value"] == "enrollments.txt");
  CHECK(missing["refusal"]["message"].get<std::string>().find("never read as if") !=
        std::string::npos);
  CHECK_FALSE(missing.contains("kinds"));

  // A staff file whose header is a sections file's.
  write(set / "enrollments.txt", read_file(kSet / "enrollments.txt"));
  write(set / "staff.txt", read_file(kSet / "sections.txt"));
  const auto wrong = check(config, set, "2026-09-01", 3);
  CHECK(wrong["refusal"]["code"] == "missing_column");
  CHECK(wrong["refusal"]["message"].get<std::string>().find("staff.txt") != std::string::npos);

  // One file alone is not a set.
  const ProcessResult lone = run_process(
      ROSTERD_BIN, {"check", "--config", config.string(), (kSet / "students.txt").string()});
  CHECK(lone.exit_status != 0);
  CHECK(lone.err.find("the feed takes a set of files (students.txt, staff.txt, courses.txt") !=
        std::string::npos);
}

TEST_CASE(
    "integration: a test feed's ingest of a whole roster reports every kind, commits nothing") {
  TempDir dir;
  const auto config = whole_roster_config(dir.path(), "{staff: {}, sections: {}, enrollments: {}}");
  const auto set = copy_set(dir.path(), "district");
  // Exit 1: the kinds' files have discrepancies (as `check` says of them).
  const auto j = ingest(config, set, "2026-09-01", 1);
  CHECK(j["decision"] == "dry-run");
  REQUIRE(j["kinds"].size() == 3);
  CHECK(j["kinds"][0]["kind"] == "staff");
  CHECK(j["kinds"][1]["kind"] == "sections");
  // Without courses and terms files, sections' courses and terms are not checked: SEC2's course
  // C9 and SEC4's rejected term pass, and with them the enrollment in SEC2; SEC4 has no
  // student.
  CHECK(codes_by_kind(j)["sections"] ==
        Codes{{"section_without_teacher", 1}, {"section_without_students", 2}});
  CHECK(codes_by_kind(j)["enrollments"] == Codes{{"unknown_reference", 1}, {"role_conflict", 1}});
  // A test feed commits nothing: no row of any kind in the store.
  const ProcessResult rows = run_process(
      "/usr/bin/sqlite3", {(dir / "state/rosterd.db").string(),
                           "SELECT (SELECT count(*) FROM roster_staff) + (SELECT count(*) FROM "
                           "roster_sections) + (SELECT count(*) FROM roster_enrollments)"});
  INFO(rows.err);
  CHECK(rows.out == "0\n");
}

TEST_CASE("integration: an opted-out student's rows of other kinds go with them, unreported") {
  TempDir dir;
  // 1000000001 is in the students' file; 1000000098 only in an enrollment the district left.
  write(dir / "optouts.txt", "1000000001\n1000000098\n");
  const auto config = whole_roster_config(dir.path(),
                                          "{staff: {}, sections: {}, enrollments: {}, "
                                          "guardians: {}, guardian_links: {}}\n"
                                          "    scope: {exclude_students: optouts.txt}");
  const auto set = copy_set(dir.path(), "district");
  write(set / "enrollments.txt",
        read_file(kSet / "enrollments.txt") + "SEC1|1000000098|student||\n");
  // Student 1000000002's row is rejected (a birth date that is no date).
  write(set / "students.txt",
        replace(read_file(kSet / "students.txt"), "2015-07-02", "2015-13-02"));
  const auto j = check(config, set, "2026-09-01", 1);
  std::map<std::string, nlohmann::json> kinds;
  for (const auto& k : j["kinds"])
    kinds[k["kind"].get<std::string>()] = k;
  // Nothing names the opted-out student: not a row, not a value, not a key.
  CHECK(j["kinds"].dump().find("1000000001") == std::string::npos);
  CHECK(j["kinds"].dump().find("1000000098") == std::string::npos);
  CHECK(kinds["enrollments"]["counts"]["rows_out_of_scope"] == 2);
  CHECK(kinds["guardian_links"]["counts"]["rows_out_of_scope"] == 1);
  // A rejected student's enrollment says so, with the line.
  bool said = false;
  for (const auto& row : kinds["enrollments"]["rows"]) {
    if (row["key"] == "SEC1/1000000002/student") {
      said = row["message"].get<std::string>().find(
                 "its row in the students' file (line 3) is rejected") != std::string::npos;
    }
  }
  CHECK(said);
}

TEST_CASE("integration: a section out of the feed's scope goes with its enrollments, unreported") {
  TempDir dir;
  const auto config = whole_roster_config(dir.path(),
                                          "{staff: {}, courses: {}, terms: {}, sections: {}, "
                                          "enrollments: {}}\n"
                                          "    scope: {exclude_courses: [C1]}");
  const auto j = check(config, copy_set(dir.path(), "district"), "2026-09-01", 1);
  std::map<std::string, nlohmann::json> kinds;
  for (const auto& k : j["kinds"])
    kinds[k["kind"].get<std::string>()] = k;
  // SEC1 (course C1) and its five enrollments are left out, their findings with them (the
  // unknown student, the staff member enrolled as a student); the others are told as before.
  CHECK(kinds["sections"]["counts"]["rows_out_of_scope"] == 1);
  CHECK(kinds["sections"]["counts"]["rows_read"] == 3);
  CHECK(kinds["enrollments"]["counts"]["rows_out_of_scope"] == 5);
  CHECK(kinds["enrollments"]["counts"]["rows_read"] == 1);
  const auto f = findings(j);
  CHECK(f.at("enrollments") == std::multiset<std::string>{"7 unknown_reference section_id"});
  CHECK(kinds["courses"]["counts"]["rows_out_of_scope"] == 0);  // a course is not a section
}

TEST_CASE("integration: a folder holding one kind's file twice, in two spellings, is refused") {
  TempDir dir;
  const auto config = whole_roster_config(dir.path());
  const auto set = copy_set(dir.path(), "district");
  write(set / "Staff.TXT", read_file(kSet / "staff.txt"));
  const auto j = check(config, set, "2026-09-01", 3);
  CHECK(j["refusal"]["code"] == "unreadable");
  CHECK(j["refusal"]["message"].get<std::string>().find("which name the same file") !=
        std::string::npos);
}
