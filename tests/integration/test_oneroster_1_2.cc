// OneRoster 1.2 sets through the built `rosterd`: the sample converted from Ed-Fi's 1.1 set
// (tests/data/exports/oneroster-1.2/SOURCE.md), where roles.csv gives each user's role and orgs.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "tests/integration/district_exports.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

std::filesystem::path copy_oneroster_1_2(const std::filesystem::path& dir, const std::string& name,
                                         const SampleEdit& edit = {}) {
  return copy_sample(dir, name, "oneroster-1.2", edit);
}

}  // namespace

TEST_CASE(
    "integration: OneRoster 1.2, the converted sample: every student read, the same students as "
    "the 1.1 set, loose or zipped") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: oneroster-1.2}");
  const auto set = copy_oneroster_1_2(dir.path(), "grand-bend");
  const auto j = check(config, set, "2014-09-01", 1);
  CHECK(j["file"]["name"] == "grand-bend/users.csv");
  CHECK(j["counts"]["rows_read"] == 8);  // the students; the two teachers are not read
  CHECK(j["counts"]["rows_rejected"] == 0);
  CHECK(j["discrepancies"] == nlohmann::json{{"implausible_birth_date", 6}});  // the data's own
  CHECK(j["campuses"][0]["campus"] == "255901001");
  CHECK(j["campuses"][0]["rows"] == 8);

  // The same students, values and findings as the 1.1 set they were converted from.
  const auto v11 = check(write_config(dir / "v11", "{preset: oneroster-1.1}"),
                         copy_oneroster(dir.path(), "v11-set"), "2014-09-01", 1);
  CHECK(j["counts"] == v11["counts"]);
  CHECK(j["rows"] == v11["rows"]);
  CHECK(j["campuses"] == v11["campuses"]);

  zip_folder(set, dir / "export.zip", "OneRoster 1.2/");
  const auto zipped = check(config, dir / "export.zip", "2014-09-01", 1);
  CHECK(zipped["counts"] == j["counts"]);
  CHECK(zipped["rows"] == j["rows"]);
  CHECK(zipped["file"]["sha256"] == j["file"]["sha256"]);
}

TEST_CASE("integration: a set of the other OneRoster version is refused with the preset to use") {
  TempDir dir;
  const auto as_11 = check(write_config(dir / "a", "{preset: oneroster-1.1}"),
                           copy_oneroster_1_2(dir.path(), "v12"), "2014-09-01", 3);
  CHECK(as_11["refusal"]["code"] == "unreadable");
  CHECK(as_11["refusal"]["message"].get<std::string>().find(
            "manifest.csv says oneroster.version 1.2, but the feed's preset is oneroster-1.1: set "
            "the feed's format to {preset: oneroster-1.2}") != std::string::npos);
  CHECK(as_11["counts"]["rows_read"] == 0);

  const auto as_12 = check(write_config(dir / "b", "{preset: oneroster-1.2}"),
                           copy_oneroster(dir.path(), "v11"), "2014-09-01", 3);
  CHECK(as_12["refusal"]["message"].get<std::string>().find("{preset: oneroster-1.1}") !=
        std::string::npos);

  // A 1.2 set without its roles.csv: refused with the file named, never read as no students.
  const auto no_roles = check(write_config(dir / "c", "{preset: oneroster-1.2}"),
                              copy_oneroster_1_2(dir.path(), "no-roles",
                                                 [](const std::string& file, std::string t) {
                                                   return file == "roles.csv" ? std::string() : t;
                                                 }),
                              "2014-09-01", 3);
  CHECK(no_roles["refusal"]["code"] == "missing_member");
  CHECK(no_roles["refusal"]["message"].get<std::string>().find("no \"roles.csv\"") !=
        std::string::npos);
}

TEST_CASE(
    "integration: OneRoster 1.2 roles: the primary student role's school, a second primary role "
    "reported, a user with no student role not read") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: oneroster-1.2}");
  const auto set =
      copy_oneroster_1_2(dir.path(), "set", [](const std::string& file, std::string t) {
        if (file == "orgs.csv") t += "255901002,,,Grand Bend Middle School,school,,255901\n";
        if (file == "roles.csv") {
          // Mary: a secondary role at the middle school, her primary one at the high school.
          t += "role-604863-b,,,604863,secondary,student,,,255901002,\n";
          // Kyle: two primary student roles at two schools.
          t += "role-604874-b,,,604874,primary,student,,,255901002,\n";
          // Peter: his role is a guardian's, not a student's.
          t = replace(t, "604918,primary,student", "604918,primary,guardian");
          // Larry: the primary role at the district; the school comes from the secondary one.
          t = replace(t, "604927,primary,student,,,255901001", "604927,primary,student,,,255901");
          t += "role-604927-b,,,604927,secondary,student,,,255901002,\n";
          // Roland: no role at all, which the layout does not allow.
          t = replace(t, "role-604938,,,604938,primary,student,,,255901001,\n", "");
        }
        return t;
      });
  const auto j = check(config, set, "2014-09-01", 1);
  CHECK(j["counts"]["rows_read"] == 7);  // Peter is no student here
  CHECK(j["counts"]["rows_rejected"] == 2);
  std::map<int, nlohmann::json> errors = errors_by_line(j);
  REQUIRE(errors.size() == 2);
  // A user with no role is reported on their line, not left out as if they had gone.
  CHECK(errors[6]["student_id"] == "604938");
  CHECK(errors[6]["code"] == "related_row_missing");
  CHECK(errors[6]["message"].get<std::string>().find(
            "The student's school is not found: no row in roles.csv (the user has no role at "
            "all: give them one there, or leave them out of users.csv)") == 0);
  CHECK(errors[3]["student_id"] == "604874");
  CHECK(errors[3]["code"] == "related_row_twice");
  CHECK(errors[3]["field"] == "campus");
  CHECK(errors[3]["message"].get<std::string>().find(
            "roles.csv (primary student roles on lines 3 and 12, at orgs 255901001 and "
            "255901002)") != std::string::npos);
  std::map<std::string, int> campuses;
  for (const auto& c : j["campuses"])
    campuses[c["campus"].get<std::string>()] = c["rows"].get<int>();
  // Mary stays at her primary role's school; Larry is at the middle school.
  CHECK(campuses == std::map<std::string, int>{{"255901001", 4}, {"255901002", 1}, {"", 2}});
}

TEST_CASE("integration: suggest-format on the OneRoster 1.2 sample names the 1.2 preset") {
  TempDir dir;
  const auto set = copy_oneroster_1_2(dir.path(), "grand-bend");
  const Suggested s = suggest(set);
  INFO(s.yaml);
  CHECK(s.exit_status == 0);
  CHECK(s.yaml.find("      preset: oneroster-1.2\n") != std::string::npos);
  CHECK(s.yaml.find("Check:") == std::string::npos);  // nothing left to check by hand
  const auto j = check_with(dir.path(), s, set, "2014-09-01");
  CHECK(j["counts"]["rows_read"] == 8);
  CHECK(j["counts"]["rows_rejected"] == 0);
}

TEST_CASE(
    "integration: a OneRoster 1.2 delta set changes the committed roster; a student whose roles "
    "did not change keeps the school") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: oneroster-1.2}",
                                   "    policy: {commit: auto, max_deactivate_pct: 20}\n");
  write(dir / "rosterd.yaml", "store: {sqlite: roster.db}\n" + read_file(config));
  const auto ingest_set = [&](const std::filesystem::path& set, int exit_status) {
    return ingest(config, set, "2014-09-01", exit_status);
  };
  REQUIRE(ingest_set(copy_oneroster_1_2(dir.path(), "night1"), 1)["counts"]["added"] == 8);

  // Mary's name changed (no roles or demographics rows: both unchanged); Kyle is withdrawn; a
  // new student comes with her role and demographics; a teacher's change is not a student's.
  const std::string header = std::string(
      "sourcedId,status,dateLastModified,enabledUser,username,userIds,"
      "givenName,familyName,middleName,identifier,email,sms,phone,"
      "agentSourcedIds,grades,password,userMasterIdentifier,"
      "resourceSourcedIds,preferredGivenName,preferredMiddleName,"
      "preferredFamilyName,primaryOrgSourcedId,pronouns\n");
  write(dir / "delta/manifest.csv",
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\nfile.users,delta\n"
        "file.roles,delta\nfile.orgs,delta\nfile.demographics,delta\n");
  write(dir / "delta/orgs.csv",
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
        "255901002,active,2014-09-02T10:00:00Z,Grand Bend Middle School,school,,255901\n");
  write(dir / "delta/users.csv",
        header +
            "604863,active,2014-09-02T10:00:00Z,true,,,Marie,Archer,,,,,,,09,,,,,,,255901,\n"
            "604874,tobedeleted,2014-09-02T10:00:00Z,,,,,,,,,,,,,,,,,,,,\n"
            "700001,active,2014-09-02T10:00:00Z,true,,,Ana,Lopez,,,,,,,09,,,,,,,,\n"
            "207270,active,2014-09-02T10:00:00Z,true,,,Kelley,Christian,,,,,,,,,,,,,,,\n");
  write(dir / "delta/roles.csv",
        "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,"
        "orgSourcedId,userProfileSourcedId\n"
        "role-700001,active,2014-09-02T10:00:00Z,700001,primary,student,,,255901001,\n"
        // Mary also joins the middle school: her primary role, and her school, do not change
        // (nor does her primaryOrgSourcedId, the district, move her).
        "role-604863-b,active,2014-09-02T10:00:00Z,604863,secondary,student,,,255901002,\n"
        // Kyle's role goes with him.
        "role-604874,tobedeleted,2014-09-02T10:00:00Z,604874,primary,student,,,255901001,\n");
  write(dir / "delta/demographics.csv",
        "sourcedId,status,dateLastModified,birthDate\n700001,active,2014-09-02,2000-03-04\n");
  const auto j = ingest_set(dir / "delta", 0);
  CHECK(j["decision"] == "committed");
  CHECK(j["file"]["delta"] == true);
  CHECK(j["counts"]["rows_read"] == 3);
  CHECK(j["counts"]["rows_rejected"] == 0);
  CHECK(j["counts"]["added"] == 1);
  CHECK(j["counts"]["updated"] == 1);
  CHECK(j["counts"]["deactivated"] == 1);
  CHECK(j["counts"]["unchanged"] == 6);
  const ProcessResult exported = run_process(ROSTERD_BIN, {"export", "--config", config.string()});
  REQUIRE(exported.exit_status == 0);
  const std::string& roster = exported.out;
  INFO(roster);
  CHECK(std::count(roster.begin(), roster.end(), '\n') == 10);  // header + 9
  CHECK(roster.find("604863,,Marie,,Archer,1997-05-30,09,255901001,active") != std::string::npos);
  CHECK(roster.find("700001,,Ana,,Lopez,2000-03-04,09,255901001,active") != std::string::npos);
  CHECK(roster.find("604874,,Kyle,,Hughes,1997-07-31,09,255901001,tobedeleted") !=
        std::string::npos);
}

TEST_CASE(
    "integration: a school the platform does not know is named as the district's orgs.csv "
    "names it") {
  TempDir dir;
  write(dir / "ref/campuses.txt", "Code|Name\n900|Another school\n");
  const auto config = write_config(dir.path(), "{preset: oneroster-1.2}",
                                   "      campuses: {table: ref/campuses.txt}\n");
  const auto j = check(config, copy_oneroster_1_2(dir.path(), "set"), "2014-09-01", 1);
  CHECK(j["counts"]["rows_rejected"] == 8);
  CHECK(j["discrepancies"]["unknown_campus"] == 8);
  bool named = false;
  for (const auto& row : j["rows"]) {
    if (row["code"] != "unknown_campus") continue;
    named = row["message"].get<std::string>().find(
                "The campus \"255901001\" (Grand Bend High School in orgs.csv) is not a "
                "platform campus code") == 0;
    break;
  }
  CHECK(named);
}

TEST_CASE(
    "integration: a OneRoster 1.2 student whose role row is missing is rejected, never "
    "deactivated") {
  TempDir dir;
  const auto config = write_config(dir.path(), "{preset: oneroster-1.2}",
                                   "    policy: {commit: auto, max_reject_pct: 50}\n");
  write(dir / "rosterd.yaml", "store: {sqlite: roster.db}\n" + read_file(config));
  // Exit 1: rows with discrepancies, committed.
  const auto ingest_set = [&](const std::filesystem::path& set) {
    return ingest(config, set, "2014-09-01", 1);
  };
  REQUIRE(ingest_set(copy_oneroster_1_2(dir.path(), "night1"))["counts"]["added"] == 8);
  const auto j = ingest_set(
      copy_oneroster_1_2(dir.path(), "night2", [](const std::string& file, std::string t) {
        return file == "roles.csv"
                   ? replace(t, "role-604938,,,604938,primary,student,,,255901001,\n", "")
                   : t;
      }));
  CHECK(j["decision"] == "committed");
  CHECK(j["counts"]["rows_rejected"] == 1);
  CHECK(j["counts"]["deactivated"] == 0);
  const ProcessResult exported = run_process(ROSTERD_BIN, {"export", "--config", config.string()});
  CHECK(exported.out.find("604938,,Roland,,Phillips,1997-10-30,09,255901001,active") !=
        std::string::npos);
}
