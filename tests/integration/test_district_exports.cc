// Real district exports through the built `rosterd check`: each preset on its sample files
// (tests/data/exports/*/SOURCE.md says where each comes from and under which licence).
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/integration/district_exports.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

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

TEST_CASE(
    "integration: suggest-format names the preset of each sample, and its config checks clean") {
  TempDir dir;
  const Suggested clever = suggest(kExports / "clever/students.csv");
  CHECK(clever.exit_status == 0);
  CHECK(clever.yaml.find("      preset: clever\n") != std::string::npos);
  const auto c = check_with(dir.path(), clever, kExports / "clever/students.csv", "2026-11-23");
  CHECK(c["counts"]["rows_read"] == 8);
  CHECK(c["counts"]["rows_rejected"] == 0);
  CHECK(c["rows"].empty());

  // School Data Sync's sample: its State ID holds "WA" on every row, which the suggestion sees
  // and says, keying students by SIS ID.
  const Suggested sds = suggest(kExports / "sds-classic/100-users/Student.csv");
  CHECK(sds.exit_status == 1);  // something to check by hand
  CHECK(sds.yaml.find("      preset: sds-classic\n") != std::string::npos);
  CHECK(sds.yaml.find("# Check: column \"State ID\" has 1 distinct value in 86 rows") !=
        std::string::npos);
  const auto s =
      check_with(dir.path(), sds, kExports / "sds-classic/100-users/Student.csv", "2015-09-01");
  CHECK(s["counts"]["rows_read"] == 86);
  CHECK(s["counts"]["rows_rejected"] == 0);
  CHECK(s["discrepancies"] == nlohmann::json{{"implausible_birth_date", 6}});  // the data's own
}

TEST_CASE("integration: suggest-format on a tab-separated windows-1252 file with day-first dates") {
  TempDir dir;
  write(dir / "pupils.txt",
        "SSID\tSurname\tGiven Name\tDOB\tYear Group\tSchool Code\tEnrolment Status\r\n"
        "1000000001\tM\xFCller\tJos\xE9\t31/01/2015\t5\tLES\tActive\r\n"
        "1000000002\tO'Brien\tSi\xE2n\t04/02/2014\t6\tLES\tActive\r\n"
        "1000000003\tD\xED"
        "az\tIn\xE9s\t12/11/2012\t7\tWMS\tLeft\r\n"
        "1000000004\tNg\tAnh\t01/09/2016\t4\tLES\tActive\r\n");
  const Suggested s = suggest(dir / "pupils.txt");
  INFO(s.yaml);
  CHECK(s.exit_status == 0);
  CHECK(s.yaml.find("      delimiter: tab\n") != std::string::npos);
  CHECK(s.yaml.find("      encoding: windows-1252\n") != std::string::npos);
  CHECK(s.yaml.find("      date_format: \"%d/%m/%Y\"\n") != std::string::npos);
  CHECK(s.yaml.find("status_values: {active: [\"Active\"], inactive: [\"Left\"]}") !=
        std::string::npos);
  CHECK(s.yaml.find("        grade: \"Year Group\"\n") != std::string::npos);
  const auto j = check_with(dir.path(), s, dir / "pupils.txt", "2026-11-23");
  CHECK(j["counts"]["rows_read"] == 4);
  CHECK(j["counts"]["rows_rejected"] == 0);
  CHECK(j["rows"].empty());
}

TEST_CASE("integration: suggest-format on quoted commas: names, addresses and a diagnosis list") {
  TempDir dir;
  write(dir / "roster.csv",
        "\"Student State ID\",\"Student ID\",\"Last Name\",\"First Name\",\"Address\","
        "\"Birth Date\",\"Grade\",\"School\",\"Disabilities\"\n"
        "\"1000000001\",\"L1\",\"Garcia, Jr.\",\"Luis\",\"12 Oak St, Apt 3\",\"2012-07-04\","
        "\"08\",\"WMS\",\"AU, SLD\"\n"
        "\"1000000002\",\"L2\",\"Lee\",\"Ava \"\"Avi\"\"\",\"4 Elm St\",\"2016-03-14\",\"04\","
        "\"LES\",\"\"\n"
        "\"1000000003\",\"L3\",\"Kim\",\"Ji-woo\",\"\",\"2009-12-25\",\"11\",\"RHS\",\"ED\"\n");
  const Suggested s = suggest(dir / "roster.csv");
  INFO(s.yaml);
  CHECK(s.exit_status == 0);
  CHECK(s.yaml.find("      quote: double\n") != std::string::npos);
  CHECK(s.yaml.find("      list_separator: \",\"\n") == std::string::npos);  // the delimiter
  CHECK(s.yaml.find("        diagnoses: \"Disabilities\"\n") != std::string::npos);
  CHECK(s.yaml.find("        local_id: \"Student ID\"\n") != std::string::npos);
  const auto j = check_with(dir.path(), s, dir / "roster.csv", "2026-11-23");
  CHECK(j["counts"]["rows_read"] == 3);
  CHECK(j["counts"]["rows_rejected"] == 0);
  CHECK(j["rows"].empty());
}

TEST_CASE("integration: suggest-format on renamed columns, a birth date found by its values") {
  TempDir dir;
  write(dir / "export.txt",
        "State_StudentNumber|Last_Name|First_Name|Fecha Nac|Birth Place|Grade_Level|SchoolID|"
        "Enroll_Status\n"
        "1000000001|Alvarez|Maya|4/2/2020|Springfield|K|101|A\n"
        "1000000002|Brooks|Jordan|11/1/2018|Decatur|1|101|A\n"
        "1000000003|Okafor|Emeka|1/31/2013|Lagos|7|102|I\n");
  const Suggested s = suggest(dir / "export.txt");
  INFO(s.yaml);
  CHECK(s.exit_status == 0);
  CHECK(s.yaml.find("      delimiter: \"|\"\n") != std::string::npos);
  CHECK(s.yaml.find("        state_id: \"State_StudentNumber\"\n") != std::string::npos);
  CHECK(s.yaml.find("        birth_date: \"Fecha Nac\"\n") != std::string::npos);
  CHECK(s.yaml.find("      date_format: \"%m/%d/%Y\"\n") != std::string::npos);
  CHECK(s.yaml.find("Not read by rosterd: Birth Place") != std::string::npos);
  const auto j = check_with(dir.path(), s, dir / "export.txt", "2026-11-23");
  CHECK(j["counts"]["rows_read"] == 3);
  CHECK(j["counts"]["rows_rejected"] == 0);
  CHECK(j["rows"].empty());
}

TEST_CASE("integration: suggest-format refuses what cannot be a roster, and says why") {
  TempDir dir;
  write(dir / "utf16.csv", std::string("\xFF\xFE"
                                       "a\0,\0b\0",
                                       8));
  const ProcessResult r =
      run_process(ROSTERD_BIN, {"suggest-format", (dir / "utf16.csv").string()});
  CHECK(r.exit_status == 3);
  CHECK(r.out.find("Not a roster rosterd can read: the file is UTF-16 text") != std::string::npos);
  CHECK(r.out.find("    format:\n") == std::string::npos);
  const ProcessResult missing =
      run_process(ROSTERD_BIN, {"suggest-format", (dir / "nope.csv").string()});
  CHECK(missing.exit_status != 0);
  CHECK(missing.err.find("nope.csv is not a regular file") != std::string::npos);
}

TEST_CASE("integration: layout prints the district's file spec from the feed's configuration") {
  TempDir dir;
  write(dir / "ref/campuses.txt", "Code|Name\n101|Lincoln Elementary\n102|Washington Middle\n");
  write(dir / "ref/campus_map.txt", "DistrictCode|PlatformCode\n7|101\n8|102\n");
  std::filesystem::create_directories(dir / "drop");
  const auto config = write_config(
      dir.path(), "{preset: clever}",
      "      campuses: {table: ref/campuses.txt, map: ref/campus_map.txt}\n"
      "    source: {local: {dir: drop, pattern: \"students*.csv\", ready_when: marker}}\n"
      "    schedule: {expect_by: \"06:30\", timezone: America/Chicago, "
      "expect_days: [mon, tue, wed, thu, fri]}\n");
  const ProcessResult text =
      run_process(ROSTERD_BIN, {"layout", "--config", config.string(), "--feed", "x"});
  INFO(text.err);
  CHECK(text.exit_status == 0);
  for (const char* part :
       {"The layout is Clever SFTP CSV (students.csv)",
        "  State_id: Student's state ID, required; unique to the student.",
        "  DOB: Birth date, required; a date, for 4 February 2015: 02/04/2015 (%m/%d/%Y), "
        "02/04/15 (%m/%d/%y) or 2015-02-04 (%Y-%m-%d).",
        "  Values separated by a comma.", "  Kindergarten (K): Kindergarten or K",
        "  7 (07): 7 or 07", "  Lincoln Elementary (101): 7 or 101",
        "  Name the file to match students*.csv.",
        "upload an empty file of the same name ending in .done or .ok",
        "By 06:30 America/Chicago on Monday, Tuesday, Wednesday, Thursday and Friday"}) {
    INFO(std::string(part));
    CHECK(text.out.find(part) != std::string::npos);
  }
  // Columns the preset reads from no file are not asked for.
  CHECK(text.out.find("Diagnoses") == std::string::npos);

  const ProcessResult md =
      run_process(ROSTERD_BIN, {"layout", "--config", config.string(), "--format", "markdown"});
  CHECK(md.exit_status == 0);
  CHECK(md.out.find("# What to send for feed x\n") == 0);
  CHECK(md.out.find("| `School_id` | School | yes | one of the school codes below |") !=
        std::string::npos);
  CHECK(md.out.find("| Lincoln Elementary (101) | `7` or `101` |") != std::string::npos);

  const ProcessResult bad =
      run_process(ROSTERD_BIN, {"layout", "--config", config.string(), "--format", "pdf"});
  CHECK(bad.exit_status == 2);
  CHECK(bad.err.find("--format must be text or markdown") != std::string::npos);
}

TEST_CASE("integration: OneRoster 1.1, the Ed-Fi sample set: every student read, none rejected") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: oneroster-1.1}");
  const auto set = copy_oneroster(dir.path(), "grand-bend");
  const auto j = check(config, set, "2014-09-01", 1);
  CHECK(j["file"]["name"] == "grand-bend/users.csv");
  CHECK(j["counts"]["rows_read"] == 8);  // the students; the two teachers are not read
  CHECK(j["counts"]["rows_rejected"] == 0);
  // The sample's grade 9 students were born in 1997: 17 in 2014, which the data itself says.
  CHECK(j["discrepancies"] == nlohmann::json{{"implausible_birth_date", 6}});
  CHECK(j["campuses"][0]["campus"] == "255901001");
  CHECK(j["campuses"][0]["rows"] == 8);

  const ProcessResult one_file = run_process(
      ROSTERD_BIN, {"check", "--config", config.string(), (set / "users.csv").string()});
  CHECK(one_file.exit_status == 2);
  CHECK(one_file.err.find("is a set of files: name the folder that holds them") !=
        std::string::npos);
}

TEST_CASE(
    "integration: a OneRoster student missing from, or twice in, another file is reported on "
    "its own line") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: oneroster-1.1}");
  const auto set = copy_oneroster(dir.path(), "set", [](const std::string& file, std::string t) {
    if (file == "demographics.csv") {
      t = replace(t, "604874,,,1997-07-31", "604875,,,1997-07-31");  // Kyle: no row
      t += "\n604918,,,1997-01-19,male,false,true,false,false,false,false,true,,,,";  // Peter: two
    }
    if (file == "users.csv") t = replace(t, "604927,,,true,255901001,", "604927,,,true,999,");
    return t;
  });
  const auto j = check(config, set, "2014-09-01", 1);
  CHECK(j["counts"]["rows_read"] == 8);
  CHECK(j["counts"]["rows_rejected"] == 3);
  std::map<int, nlohmann::json> by_line = errors_by_line(j);
  REQUIRE(by_line.size() == 3);
  CHECK(by_line[3]["code"] == "related_row_missing");
  CHECK(by_line[3]["field"] == "birth_date");
  CHECK(by_line[3]["student_id"] == "604874");
  CHECK(by_line[3]["message"].get<std::string>().find("no row in demographics.csv") !=
        std::string::npos);
  CHECK(by_line[4]["code"] == "related_row_twice");
  CHECK(by_line[4]["message"].get<std::string>().find("demographics.csv (lines 4 and 10)") !=
        std::string::npos);
  CHECK(by_line[5]["code"] == "related_row_missing");
  CHECK(by_line[5]["field"] == "campus");
  CHECK(by_line[5]["message"].get<std::string>().find("orgs.csv (org 999)") != std::string::npos);
}

TEST_CASE(
    "integration: a OneRoster set missing a file is refused with the file named, and "
    "deactivates nobody") {
  TempDir dir;
  const auto config =
      write_config(dir.path(), "{preset: oneroster-1.1}", "    policy: {commit: auto}\n");
  write(dir / "rosterd.yaml", "store: {sqlite: roster.db}\n" + read_file(config));
  const auto whole = copy_oneroster(dir.path(), "night1");
  const ProcessResult first =
      run_process(ROSTERD_BIN, {"ingest", "--config", config.string(), "--format", "json",
                                "--as-of", "2014-09-01", whole.string()});
  INFO(first.err);
  REQUIRE(first.exit_status <= 1);
  CHECK(nlohmann::json::parse(first.out)["counts"]["added"] == 8);

  const auto partial = copy_oneroster(
      dir.path(), "night2",
      [](const std::string& file, std::string t) { return file == "demographics.csv" ? "" : t; });
  const ProcessResult second =
      run_process(ROSTERD_BIN, {"ingest", "--config", config.string(), "--format", "json",
                                "--as-of", "2014-09-01", partial.string()});
  CHECK(second.exit_status == 3);  // refused
  const auto j = nlohmann::json::parse(second.out);
  CHECK(j["refusal"]["code"] == "missing_member");
  CHECK(j["refusal"]["message"].get<std::string>().find("no \"demographics.csv\"") !=
        std::string::npos);

  const ProcessResult exported = run_process(ROSTERD_BIN, {"export", "--config", config.string()});
  CHECK(exported.exit_status == 0);
  INFO(exported.out);
  CHECK(std::count(exported.out.begin(), exported.out.end(), '\n') == 9);  // header + 8

  // Whole users with only the changed orgs: the schools cannot be known, so it is refused.
  const auto delta =
      copy_oneroster(dir.path(), "delta", [](const std::string& file, std::string t) {
        return file == "manifest.csv" ? replace(t, "file.orgs,bulk", "file.orgs,delta") : t;
      });
  const ProcessResult third =
      run_process(ROSTERD_BIN, {"ingest", "--config", config.string(), "--format", "json",
                                "--as-of", "2014-09-01", delta.string()});
  CHECK(third.exit_status == 3);
  CHECK(nlohmann::json::parse(third.out)["refusal"]["message"].get<std::string>().find(
            "manifest.csv says file.orgs is delta") != std::string::npos);
}

TEST_CASE("integration: a OneRoster set as a zip reads the same students as the loose files") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: oneroster-1.1}");
  const auto loose = copy_oneroster(dir.path(), "loose");
  zip_folder(loose, dir / "export.zip", "OneRoster Export/");
  const auto from_folder = check(config, loose, "2014-09-01", 1);
  const auto from_zip = check(config, dir / "export.zip", "2014-09-01", 1);
  CHECK(from_zip["file"]["name"] == "export.zip/users.csv");
  CHECK(from_zip["counts"] == from_folder["counts"]);
  CHECK(from_zip["rows"] == from_folder["rows"]);
  CHECK(from_zip["campuses"] == from_folder["campuses"]);
  // The set's identity is its files' names and bytes, however they came.
  CHECK(from_zip["file"]["sha256"] == from_folder["file"]["sha256"]);
  CHECK(from_zip["file"]["bytes"] == from_folder["file"]["bytes"]);
}

TEST_CASE("integration: a hostile zip is refused with its reason, and nothing of it is read") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: oneroster-1.1}");
  const auto loose = copy_oneroster(dir.path(), "loose");
  const ProcessResult made = run_process(
      "/usr/bin/python3", {"-c",
                           "import os, sys, zipfile\n"
                           "with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:\n"
                           "    for n in sorted(os.listdir(sys.argv[1])):\n"
                           "        z.write(os.path.join(sys.argv[1], n), n)\n"
                           "    z.writestr('../../etc/cron.d/x', 'evil')\n",
                           loose.string(), (dir / "evil.zip").string()});
  REQUIRE(made.exit_status == 0);
  const auto j = check(config, dir / "evil.zip", "2014-09-01", 3);
  CHECK(j["refusal"]["code"] == "refused_zip");
  CHECK(j["refusal"]["message"].get<std::string>().find(
            "member \"../../etc/cron.d/x\" reaches outside its folder") != std::string::npos);
  CHECK(j["counts"]["rows_read"] == 0);
  CHECK(j["file"]["sha256"].get<std::string>().size() == 64);
}

TEST_CASE("integration: suggest-format on the OneRoster sample folder names the set preset") {
  TempDir dir;
  const auto set = copy_oneroster(dir.path(), "grand-bend");
  const Suggested s = suggest(set);
  INFO(s.yaml);
  CHECK(s.exit_status == 0);
  CHECK(s.yaml.find("      preset: oneroster-1.1\n") != std::string::npos);
  const auto j = check_with(dir.path(), s, set, "2014-09-01");
  CHECK(j["counts"]["rows_read"] == 8);
  CHECK(j["counts"]["rows_rejected"] == 0);
  CHECK(j["discrepancies"] == nlohmann::json{{"implausible_birth_date", 6}});  // the data's own
}

TEST_CASE(
    "integration: a OneRoster set from the drop, as loose files or as a zip, commits the same "
    "students as the folder ingested by hand") {
  TempDir dir;
  const std::string extra =
      "    policy: {commit: auto}\n"
      "    source: {local: {dir: drop, stable_for: 0s, after: delete}}\n";
  const auto setup = [&](const std::string& name) {
    const std::filesystem::path at = dir / name;
    const auto config = write_config(at, "{preset: oneroster-1.1}", extra);
    write(config, "store: {sqlite: roster.db}\n" + read_file(config));
    std::filesystem::create_directories(at / "drop");
    return config;
  };
  const auto exported = [](const std::filesystem::path& config) {
    const ProcessResult r = run_process(ROSTERD_BIN, {"export", "--config", config.string()});
    INFO(r.err);
    CHECK(r.exit_status == 0);
    return r.out;
  };
  const auto run_once = [](const std::filesystem::path& config) {
    const ProcessResult r = run_process(
        ROSTERD_BIN, {"run", "--once", "--config", config.string(), "--as-of", "2014-09-01"});
    INFO(r.out);
    INFO(r.err);
    CHECK(r.exit_status <= 1);  // 1: the sample's six implausible birth dates are warnings
    return r;
  };

  // By hand: the folder, with its manifest.
  const auto by_hand = setup("by-hand");
  const auto folder = copy_oneroster(dir.path(), "folder");
  const ProcessResult ingested = run_process(
      ROSTERD_BIN,
      {"ingest", "--config", by_hand.string(), "--as-of", "2014-09-01", folder.string()});
  INFO(ingested.err);
  REQUIRE(ingested.exit_status <= 1);
  const std::string students = exported(by_hand);
  CHECK(std::count(students.begin(), students.end(), '\n') == 9);  // header + 8

  // Loose files in the drop, named with the night's date.
  const auto loose = setup("loose");
  copy_oneroster(dir / "loose", "drop", [](const std::string&, std::string t) { return t; });
  for (const auto& e : std::filesystem::directory_iterator(dir / "loose/drop"))
    std::filesystem::rename(e.path(),
                            e.path().parent_path() / ("20140901-" + e.path().filename().string()));
  const ProcessResult l = run_once(loose);
  CHECK(l.out.find("20140901-{academicSessions.csv,") != std::string::npos);
  CHECK(exported(loose) == students);
  CHECK(std::filesystem::is_empty(dir / "loose/drop"));  // after: delete, every file
  // Taken once: the next poll finds nothing new.
  const ProcessResult again = run_once(loose);
  CHECK(again.out.find("20140901-{") == std::string::npos);

  // A zip in the drop.
  const auto zipped = setup("zipped");
  zip_folder(folder, dir / "zipped/drop/oneroster-20140901.zip");
  run_once(zipped);
  CHECK(exported(zipped) == students);
}

TEST_CASE(
    "integration: a OneRoster delta set is applied to the committed roster as changes, "
    "safeguards included") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: oneroster-1.1}",
                                   "    policy: {commit: auto, max_deactivate_pct: 20}\n");
  write(dir / "rosterd.yaml", "store: {sqlite: roster.db}\n" + read_file(config));
  // Exit 1: the sample's implausible birth dates are warnings; 4: held.
  const auto ingest = [&](const std::filesystem::path& set, int exit_status = 1) {
    const ProcessResult r =
        run_process(ROSTERD_BIN, {"ingest", "--config", config.string(), "--format", "json",
                                  "--as-of", "2014-09-01", set.string()});
    INFO(r.err);
    INFO(r.out);
    REQUIRE(r.exit_status == exit_status);
    return nlohmann::json::parse(r.out);
  };
  const auto exported = [&] {
    const ProcessResult r = run_process(ROSTERD_BIN, {"export", "--config", config.string()});
    REQUIRE(r.exit_status == 0);
    return r.out;
  };
  REQUIRE(ingest(copy_oneroster(dir.path(), "night1"))["counts"]["added"] == 8);

  // Night 2's delta: Mary's name changed (her demographics did not, so demographics.csv has no
  // row for her), Kyle is to be deleted (a row with only his ID and status), a new student comes
  // with her demographics; a deletion of someone never on the roster is nothing to do. The
  // other six are not in the set: unchanged.
  const std::string header =
      "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
      "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
      "password\n";
  write(dir / "delta/manifest.csv",
        "propertyName,value\nmanifest.version,1\noneroster.version,1.1\nfile.users,delta\n"
        "file.orgs,absent\nfile.demographics,delta\n");
  write(dir / "delta/users.csv",
        header +
            "604863,active,2014-09-02T10:00:00Z,true,255901001,student,,,Marie,Archer,,,,,,,"
            "09,\n"
            "604874,tobedeleted,2014-09-02T10:00:00Z,,,student,,,,,,,,,,,,\n"
            "700001,active,2014-09-02T10:00:00Z,true,255901001,student,,,Ana,Lopez,,,,,,,09,\n"
            "999999,tobedeleted,2014-09-02T10:00:00Z,,,student,,,,,,,,,,,,\n");
  write(dir / "delta/demographics.csv",
        "sourcedId,status,dateLastModified,birthDate\n700001,active,2014-09-02,2000-03-04\n");
  const auto j = ingest(dir / "delta", 0);  // Mary's kept birth date was reported in night 1
  CHECK(j["decision"] == "committed");
  CHECK(j["file"]["delta"] == true);
  CHECK(j["counts"]["rows_read"] == 3);
  CHECK(j["counts"]["rows_rejected"] == 0);
  CHECK(j["counts"]["added"] == 1);
  CHECK(j["counts"]["updated"] == 1);
  CHECK(j["counts"]["deactivated"] == 1);
  CHECK(j["counts"]["unchanged"] == 6);
  const std::string roster = exported();
  CHECK(std::count(roster.begin(), roster.end(), '\n') == 10);  // header + 9
  INFO(roster);
  CHECK(roster.find("Marie") != std::string::npos);
  CHECK(roster.find("1997-05-30") != std::string::npos);  // Mary's birth date, kept
  CHECK(roster.find("Lopez") != std::string::npos);
  CHECK(roster.find("604874,,Kyle,,Hughes,1997-07-31,09,255901001,tobedeleted") !=
        std::string::npos);  // withdrawn, every other value kept

  // A delta deleting two more of eight active students (25%): held, as a whole file would be.
  write(dir / "delta2/manifest.csv",
        "propertyName,value\nfile.users,delta\nfile.orgs,absent\nfile.demographics,absent\n");
  write(dir / "delta2/users.csv", header +
                                      "604918,tobedeleted,,,,student,,,,,,,,,,,,\n"
                                      "604863,tobedeleted,,,,student,,,,,,,,,,,,\n");
  const auto held = ingest(dir / "delta2", 4);
  CHECK(held["decision"] == "held");
  CHECK(held["counts"]["deactivated"] == 2);
  CHECK(held["counts"]["unchanged"] == 7);
  REQUIRE(held["safeguards"].size() == 1);  // not the short file: a delta is short
  CHECK(held["safeguards"][0]["name"] == "max_deactivate_pct");
}

TEST_CASE(
    "integration: School Data Sync v2.1, Microsoft's sample set: every K-12 student read, flags "
    "as diagnoses, loose or zipped") {
  TempDir dir;
  const std::filesystem::path sample = kExports / "sds-v2.1";
  write(dir / "ref/diagnoses.txt", "Code|Name\nIEP|Individualized education program\nS504|504\n");
  write(dir / "ref/diagnosis_map.txt", "DistrictCode|PlatformCode\niep|IEP\n504|S504\n");
  const auto config = write_config(
      dir.path(), "{preset: sds-v2.1}",
      "      diagnoses: {table: ref/diagnoses.txt, map: ref/diagnosis_map.txt}\n"
      "    policy: {commit: auto, max_reject_pct: 30}\n");  // the college student's row
  write(config, "store: {sqlite: roster.db}\n" + read_file(config));
  const auto j = check(config, sample, "2016-09-01", 1);
  CHECK(j["file"]["name"] == "sds-v2.1/users.csv");
  // Four users have a student role: three K-12 students of school 110003, and one college
  // student (114008, grade "ps1") whom the platform's K-12 grade table does not know. The two
  // guardians, the professor and the teacher are not read.
  CHECK(j["counts"]["rows_read"] == 4);
  CHECK(j["counts"]["rows_rejected"] == 1);
  CHECK(j["discrepancies"] == nlohmann::json{{"unknown_grade", 1}});
  CHECK(j["rows"][0]["student_id"] == "114008");
  CHECK(j["rows"][0]["value"] == "ps1");

  zip_folder(sample, dir / "sds.zip");
  const auto zipped = check(config, dir / "sds.zip", "2016-09-01", 1);
  CHECK(zipped["counts"] == j["counts"]);
  CHECK(zipped["file"]["sha256"] == j["file"]["sha256"]);

  const ProcessResult ingested = run_process(
      ROSTERD_BIN,
      {"ingest", "--config", config.string(), "--as-of", "2016-09-01", sample.string()});
  INFO(ingested.err);
  REQUIRE(ingested.exit_status == 1);
  const ProcessResult exported = run_process(ROSTERD_BIN, {"export", "--config", config.string()});
  INFO(exported.out);
  CHECK(exported.out ==
        "sourcedId,givenName,familyName,birthDate,grade,orgSourcedId,flag\n"
        "114001,Jack,Craig,2001-07-02,10,110003,IEP\n"
        "114003,Fred,Hutch,2002-03-02,10,110003,\n"  // freeLunch: not special education
        "114004,Alice,Smithee,2001-09-02,10,110003,S504\n");

  // A set without its userFlags.csv is refused: read without it, every flag would be cleared.
  TempDir partial;
  for (const char* f : {"users.csv", "roles.csv", "orgs.csv", "demographics.csv"})
    std::filesystem::copy_file(sample / f, partial / f);
  const auto refused = check(config, partial.path(), "2016-09-01", 3);
  CHECK(refused["refusal"]["code"] == "missing_member");
  CHECK(refused["refusal"]["message"].get<std::string>().find("userFlags.csv") !=
        std::string::npos);

  // The district's spec names the file each column is in.
  const ProcessResult layout = run_process(ROSTERD_BIN, {"layout", "--config", config.string()});
  INFO(layout.out);
  CHECK(layout.exit_status == 0);
  CHECK(layout.out.find("  birthDate (in demographics.csv, the row whose userSourcedId is the "
                        "user's): Birth date, required") != std::string::npos);
  CHECK(layout.out.find("  flag (in userFlags.csv, a row per flag): ") != std::string::npos);
  CHECK(layout.out.find("A set of files, every one of them every time: users.csv, roles.csv, "
                        "orgs.csv, demographics.csv and userFlags.csv.") != std::string::npos);

  // suggest-format recognises the set.
  const Suggested s = suggest(sample);
  INFO(s.yaml);
  CHECK(s.yaml.find("      preset: sds-v2.1\n") != std::string::npos);
  CHECK(check_with(dir.path(), s, sample, "2016-09-01")["counts"]["rows_read"] == 4);
}
