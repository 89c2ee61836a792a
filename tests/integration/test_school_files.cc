// One-file layouts that may come with their file of schools (Clever's schools.csv, School Data
// Sync classic's School.csv), through the built `rosterd`: read alone as before, or as a set
// whose schools are looked up and named.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "tests/integration/district_exports.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

TEST_CASE(
    "integration: Clever's students.csv with schools.csv, as a folder or a zip, reads the same "
    "students as the file alone") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: clever}");
  const auto alone = check(config, kExports / "clever/students.csv", "2026-11-23", 0);
  const auto folder = copy_sample(dir.path(), "night", "clever");
  const auto set = check(config, folder, "2026-11-23", 0);
  CHECK(set["file"]["name"] == "night/students.csv");
  CHECK(set["counts"] == alone["counts"]);
  CHECK(set["counts"]["rows_read"] == 8);
  CHECK(set["rows"].empty());
  CHECK(set["campuses"] == alone["campuses"]);
  // The set's identity covers both files; the lone file's is its own.
  CHECK(set["file"]["sha256"] != alone["file"]["sha256"]);

  zip_folder(folder, dir / "clever.zip");
  const auto zipped = check(config, dir / "clever.zip", "2026-11-23", 0);
  CHECK(zipped["counts"] == set["counts"]);
  CHECK(zipped["file"]["sha256"] == set["file"]["sha256"]);

  // A folder without students.csv is refused, naming it.
  const auto no_students =
      copy_sample(dir.path(), "schools-only", "clever", [](const std::string& file, std::string t) {
        return file == "students.csv" ? std::string() : t;
      });
  const auto refused = check(config, no_students, "2026-11-23", 3);
  CHECK(refused["refusal"]["code"] == "missing_member");
  CHECK(refused["refusal"]["message"].get<std::string>().find("no \"students.csv\"") !=
        std::string::npos);
}

TEST_CASE(
    "integration: a Clever student whose school schools.csv lacks, or lists twice, is reported on "
    "the student's line") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: clever}");
  const auto folder =
      copy_sample(dir.path(), "night", "clever", [](const std::string& file, std::string t) {
        if (file == "schools.csv") {
          t = replace(t, "\n9,", "\n10,");  // school 9 is no longer listed
          t += "8,Washington Middle (annex),102,IL-102,6,8,,,,,,,\n";
        }
        return t;
      });
  const auto j = check(config, folder, "2026-11-23", 1);
  CHECK(j["counts"]["rows_read"] == 8);
  CHECK(j["counts"]["rows_rejected"] == 4);
  const auto errors = errors_by_line(j);
  REQUIRE(errors.size() == 4);
  CHECK(errors.at(6)["code"] == "related_row_twice");
  CHECK(errors.at(6)["field"] == "campus");
  CHECK(errors.at(6)["message"].get<std::string>().find(
            "schools.csv (school 8 on lines 3 and 5)") != std::string::npos);
  CHECK(errors.at(8)["code"] == "related_row_missing");
  CHECK(errors.at(8)["student_id"] == "1000000007");
  CHECK(errors.at(8)["message"].get<std::string>().find("schools.csv (school 9)") !=
        std::string::npos);
}

TEST_CASE(
    "integration: a school the platform does not know is named as the district's schools.csv "
    "names it") {
  TempDir dir;
  write(dir / "ref/campuses.txt", "Code|Name\n7|Lincoln Elementary\n8|Washington Middle\n");
  const auto config =
      write_config(dir.path(), "{preset: clever}", "      campuses: {table: ref/campuses.txt}\n");
  const auto j = check(config, copy_sample(dir.path(), "night", "clever"), "2026-11-23", 1);
  CHECK(j["discrepancies"] == nlohmann::json{{"unknown_campus", 2}});
  const auto errors = errors_by_line(j);
  REQUIRE(errors.count(8) == 1);
  CHECK(errors.at(8)["message"].get<std::string>().find(
            "The campus \"9\" (Roosevelt High in schools.csv) is not a platform campus "
            "code") == 0);
  // The file alone has no names to give.
  const auto alone = check(config, kExports / "clever/students.csv", "2026-11-23", 1);
  CHECK(errors_by_line(alone).at(8)["message"].get<std::string>().find("The campus \"9\" is not") ==
        0);
}

TEST_CASE(
    "integration: School Data Sync classic's Student.csv with School.csv, Microsoft's sample "
    "folder") {
  TempDir dir;
  const auto config = write_config(dir.path(),
                                   "{preset: sds-classic, columns: {state_id: SIS ID, local_id: "
                                   "Student Number}}");
  const auto folder = copy_sample(dir.path(), "sds", "sds-classic/100-users");
  const auto j = check(config, folder, "2015-09-01", 1);
  CHECK(j["file"]["name"] == "sds/Student.csv");
  CHECK(j["counts"]["rows_read"] == 86);
  CHECK(j["counts"]["rows_rejected"] == 0);
  CHECK(j["discrepancies"] == nlohmann::json{{"implausible_birth_date", 6}});  // the data's own

  // A school School.csv does not list.
  const auto without = copy_sample(
      dir.path(), "sds2", "sds-classic/100-users", [](const std::string& file, std::string t) {
        return file == "School.csv" ? replace(t, "\n10002,", "\n10003,") : t;
      });
  const auto k = check(config, without, "2015-09-01", 1);
  CHECK(k["counts"]["rows_rejected"] == 26);
  CHECK(k["discrepancies"]["related_row_missing"] == 26);
}

TEST_CASE(
    "integration: Clever's files from the drop: students.csv with its other files is one "
    "delivery, a lone roster file one file") {
  TempDir dir;
  const auto config =
      write_config(dir.path(), "{preset: clever}",
                   "    policy: {commit: auto}\n"
                   "    source: {local: {dir: drop, stable_for: 0s, after: delete}}\n");
  write(config, "store: {sqlite: roster.db}\n" + read_file(config));
  copy_sample(dir.path(), "drop", "clever");
  write(dir / "drop/teachers.csv", "School_id,Teacher_id,First_name,Last_name\n7,T1,Dana,Park\n");
  const auto run_once = [&] {
    const ProcessResult r = run_process(
        ROSTERD_BIN, {"run", "--once", "--config", config.string(), "--as-of", "2026-11-23"});
    INFO(r.out);
    INFO(r.err);
    CHECK(r.exit_status == 0);
    return r;
  };
  const ProcessResult first = run_once();
  CHECK(first.out.find("{schools.csv,students.csv,teachers.csv}") != std::string::npos);
  CHECK(std::filesystem::is_empty(dir / "drop"));  // after: delete, every file of the set
  const ProcessResult exported = run_process(ROSTERD_BIN, {"export", "--config", config.string()});
  CHECK(std::count(exported.out.begin(), exported.out.end(), '\n') == 9);  // header + 8

  // The next night, a roster file under another name, alone: taken as one file, as ever.
  std::filesystem::copy_file(kExports / "clever/students.csv", dir / "drop/roster-20261124.csv");
  const ProcessResult second = run_once();
  CHECK(second.out.find("roster-20261124.csv") != std::string::npos);
  CHECK(second.out.find("{") == std::string::npos);
}

TEST_CASE(
    "integration: schools.csv without names still lists the schools; a feed reading its school "
    "from another column does not look it up") {
  TempDir dir;
  // No School_name column: the schools are still checked, and nothing is refused.
  const auto unnamed =
      copy_sample(dir.path(), "unnamed", "clever", [](const std::string& file, std::string t) {
        return file == "schools.csv" ? std::string("School_id,School_number\n7,101\n8,102\n") : t;
      });
  const auto j = check(write_config(dir / "a", "{preset: clever}"), unnamed, "2026-11-23", 1);
  CHECK(j["counts"]["rows_rejected"] == 2);  // school 9's students
  CHECK(j["discrepancies"] == nlohmann::json{{"related_row_missing", 2}});

  // Schools read from Student_number (any other column): schools.csv is keyed otherwise.
  const auto other =
      check(write_config(dir / "b", "{preset: clever, columns: {campus: Student_number}}"),
            copy_sample(dir.path(), "other", "clever"), "2026-11-23", 0);
  CHECK(other["counts"]["rows_rejected"] == 0);
  CHECK(other["discrepancies"].empty());
}
