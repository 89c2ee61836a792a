// Real district exports through the built `rosterd check`: each preset on its sample files
// (tests/data/exports/*/SOURCE.md says where each comes from and under which licence).
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

const std::filesystem::path kExports =
    std::filesystem::path(ROSTERD_SOURCE_DIR) / "tests/data/exports";

void write(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// A config with one feed "x" whose `format:` is `format` (YAML flow mapping), with the platform
// grade table K, PK, 01..12 and no campus or diagnosis table.
std::filesystem::path write_config(const std::filesystem::path& dir, const std::string& format,
                                   const std::string& extra = "") {
  write(dir / "ref/grades.txt",
        "Code|Name\nPK|Pre-K\nK|Kindergarten\n01|1\n02|2\n03|3\n04|4\n05|5\n06|6\n07|7\n08|8\n"
        "09|9\n10|10\n11|11\n12|12\n");
  write(dir / "rosterd.yaml", "feeds:\n  x:\n    format: " + format +
                                  "\n    reference:\n"
                                  "      grades: {table: ref/grades.txt}\n" +
                                  extra);
  return dir / "rosterd.yaml";
}

nlohmann::json check(const std::filesystem::path& config, const std::filesystem::path& roster,
                     const std::string& as_of, int expected_exit) {
  const ProcessResult r =
      run_process(ROSTERD_BIN, {"check", "--config", config.string(), "--format", "json", "--as-of",
                                as_of, roster.string()});
  INFO(r.err);
  INFO(r.out);
  CHECK(r.exit_status == expected_exit);
  return nlohmann::json::parse(r.out);
}

}  // namespace

TEST_CASE(
    "integration: Clever's students.csv is read whole: two-digit years, grade words, quotes") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: clever}");
  const auto j = check(config, kExports / "clever/students.csv", "2026-11-23", 0);
  CHECK(j["counts"]["rows_read"] == 8);
  CHECK(j["counts"]["rows_rejected"] == 0);
  CHECK(j["counts"]["rows_warned"] == 0);
  CHECK(j["rows"].empty());
}

TEST_CASE("integration: a Clever file whose State_id is empty says how to key by Student_id") {
  TempDir dir;
  write(dir / "students.csv",
        "School_id,Student_id,State_id,Last_name,First_name,Grade,DOB\n"
        "7,100001,,Alvarez,Maya,Kindergarten,4/2/20\n"
        "7,100002,,Brooks,Jordan,1,11/1/18\n");
  const auto refused =
      check(write_config(dir.path(), "{preset: clever}"), dir / "students.csv", "2026-11-23", 1);
  CHECK(refused["counts"]["rows_rejected"] == 2);
  CHECK(refused["discrepancies"]["missing_required"] == 2);

  // Every key of the preset can be overridden: key students by Clever's SIS ID instead.
  const auto keyed = check(write_config(dir.path(),
                                        "{preset: clever, columns: {state_id: Student_id, "
                                        "local_id: \"\"}}"),
                           dir / "students.csv", "2026-11-23", 0);
  CHECK(keyed["counts"]["rows_read"] == 2);
  CHECK(keyed["counts"]["rows_rejected"] == 0);
}

TEST_CASE("integration: a two-digit year whose century is unclear is reported with its line") {
  TempDir dir;
  write(dir / "students.csv",
        "School_id,Student_id,State_id,Last_name,First_name,Grade,DOB\n"
        "7,100001,S1,Alvarez,Maya,Kindergarten,4/2/20\n"
        "7,100002,S2,Brooks,Jordan,1,11/1/40\n");
  const auto j =
      check(write_config(dir.path(), "{preset: clever}"), dir / "students.csv", "2026-11-23", 1);
  CHECK(j["counts"]["rows_rejected"] == 1);
  REQUIRE(j["rows"].size() == 1);
  CHECK(j["rows"][0]["line"] == 3);
  CHECK(j["rows"][0]["code"] == "unclear_century");
  CHECK(j["rows"][0]["field"] == "birth_date");
}

TEST_CASE("integration: School Data Sync classic Student.csv, Microsoft's 100-user sample") {
  TempDir dir;
  const std::filesystem::path sample = kExports / "sds-classic/100-users/Student.csv";
  // The sample's State ID column holds the state's code ("WA") on every row: keyed by it, every
  // row is one student's duplicate, and the report says so rather than guess another key.
  const auto by_state_id =
      check(write_config(dir.path(), "{preset: sds-classic}"), sample, "2015-09-01", 1);
  CHECK(by_state_id["counts"]["rows_read"] == 86);
  CHECK(by_state_id["discrepancies"]["duplicate_id"] == 86);

  const auto by_sis_id = check(write_config(dir.path(),
                                            "{preset: sds-classic, columns: {state_id: SIS ID, "
                                            "local_id: Student Number}}"),
                               sample, "2015-09-01", 1);
  CHECK(by_sis_id["counts"]["rows_read"] == 86);
  CHECK(by_sis_id["counts"]["rows_rejected"] == 0);
  // The sample's own data: six grade 9 students born in 1997-98 (17 or 18 in 2015). A warning
  // about the data, not the layout: the rows are taken.
  CHECK(by_sis_id["discrepancies"] == nlohmann::json{{"implausible_birth_date", 6}});
}

TEST_CASE("integration: School Data Sync classic, UK headers, by overriding three columns") {
  TempDir dir;
  const auto j = check(write_config(dir.path(),
                                    "{preset: sds-classic, columns: {state_id: ID, local_id: "
                                    "Student Number, campus: School DfE Number}}"),
                       kExports / "sds-classic/uk-100-users/Student.csv", "2015-09-01", 1);
  CHECK(j["counts"]["rows_read"] == 86);
  CHECK(j["counts"]["rows_rejected"] == 0);
  CHECK(j["discrepancies"] == nlohmann::json{{"implausible_birth_date", 6}});
}
