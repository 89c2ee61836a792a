// The platform's codes for the other kinds through the built rosterd (docs/whole-roster.md,
// "Courses and staff roles"): each section is matched to the platform's courses through the
// feed's course map (several a course), read by the platform in roster_current_sections; a
// section matched to none is told and still taken; the map's next version updates exactly the
// sections it matches anew; staff and enrollment roles are translated, an unknown one refused.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/district_exports.h"
#include "tests/integration/whole_district.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

const std::string kReference =
    "      staff_roles: {table: ref/roles.txt, map: ref/role_map.txt}\n"
    "      courses: {table: ref/courses.txt, map: ref/course_map.txt}\n";

std::string sql(const std::filesystem::path& dir, const std::string& query) {
  const ProcessResult r = run_process("/usr/bin/sqlite3", {(dir / "roster.db").string(), query});
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  return r.out;
}

std::map<std::string, nlohmann::json> by_kind(const nlohmann::json& j) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& k : j["kinds"])
    out[k["kind"].get<std::string>()] = k;
  return out;
}

}  // namespace

TEST_CASE("integration: sections matched to the platform's courses, roles to its roles") {
  TempDir dir;
  const auto config = config_in(dir.path(), kReference);
  write(dir / "ref/roles.txt", "Code|Name\nteacher|Teacher\naide|Aide\n");
  write(dir / "ref/role_map.txt", "DistrictCode|PlatformCode\nTCH|teacher\n");
  write(dir / "ref/courses.txt",
        "Code|Name\nALG1|Algebra I\nALG1-LAB|Algebra I lab\nBIO|Biology\n");
  // The district's C1 is taught as two platform courses; its C2 is matched to none yet.
  write(dir / "ref/course_map.txt", "DistrictCode|PlatformCode\nC1|ALG1\nC1|ALG1-LAB\n");

  // Sections 2 and 4 are C1's, 1 and 3 C2's. Teacher 4 is written TCH, as staff and enrolled.
  District night1 = first_night();
  night1.rows["staff.txt"][3] = "T4||Jo|Park4|t4@district.org||TCH|102|A";
  night1.rows["enrollments.txt"].back() = "SEC4|T4|TCH|2026-08-15|";
  night1.write_to(dir / "night1");
  // Warnings of other kinds: ingest exits 1, and commits.
  const nlohmann::json j1 = ingest(config, dir / "night1", "2026-09-01", 1);
  REQUIRE(j1["decision"] == "committed");
  auto kinds = by_kind(j1);
  CHECK(kinds["sections"]["discrepancies"] == nlohmann::json{{"unmatched_course", 2}});
  CHECK(kinds["sections"]["counts"]["rows_warned"] == 2);
  CHECK(kinds["staff"]["discrepancies"].empty());
  REQUIRE(kinds["sections"]["rows"].size() == 2);
  const nlohmann::json& row = kinds["sections"]["rows"][0];
  CHECK(row["line"] == 2);
  CHECK(row["key"] == "SEC1");
  CHECK(row["field"] == "course_code");
  CHECK(row["value"] == "C2");
  CHECK(sql(dir.path(),
            "SELECT section_id, course_code, platform_courses FROM roster_current_sections "
            "ORDER BY section_id") ==
        "SEC1|C2|\nSEC2|C1|ALG1;ALG1-LAB\nSEC3|C2|\n"
        "SEC4|C1|ALG1;ALG1-LAB\n");
  // The platform's role, as staff and as enrolled; a student's role stays the word itself.
  CHECK(sql(dir.path(), "SELECT role FROM roster_current_staff WHERE staff_id = 'T4'") ==
        "teacher\n");
  CHECK(sql(dir.path(),
            "SELECT role, count(*) FROM roster_current_enrollments GROUP BY role ORDER BY role") ==
        "student|40\nteacher|4\n");

  // The map's next version matches C2: its two sections are updated, nothing else.
  write(dir / "ref/course_map.txt", "DistrictCode|PlatformCode\nC1|ALG1\nC1|ALG1-LAB\nC2|BIO\n");
  night1.write_to(dir / "night2");
  const nlohmann::json j2 = ingest(config, dir / "night2", "2026-09-02", 0);
  REQUIRE(j2["decision"] == "committed");
  kinds = by_kind(j2);
  CHECK(kinds["sections"]["discrepancies"].empty());
  CHECK(kinds["sections"]["counts"]["updated"] == 2);
  CHECK(kinds["sections"]["counts"]["unchanged"] == 2);
  CHECK(kinds["staff"]["counts"]["unchanged"] == 4);
  CHECK(kinds["enrollments"]["counts"]["unchanged"] == 44);
  CHECK(sql(dir.path(),
            "SELECT platform_courses FROM roster_current_sections WHERE section_id = "
            "'SEC1'") == "BIO\n");
  const ProcessResult record =
      run_process(ROSTERD_BIN, {"record", "--config", config.string(), "sections", "SEC1"});
  INFO(record.err);
  REQUIRE(record.exit_status == 0);
  CHECK(record.out.find("  platform_courses: BIO\n") != std::string::npos);
  CHECK(record.out.find(": updated (platform_courses)\n") != std::string::npos);
  // The export is the district's file as it was sent: no platform column.
  const ProcessResult exported =
      run_process(ROSTERD_BIN, {"export", "--config", config.string(), "--kind", "sections"});
  REQUIRE(exported.exit_status == 0);
  CHECK(exported.out.substr(0, exported.out.find('\n')) == night1.header.at("sections.txt"));

  // A role neither mapped nor the platform's rejects the staff member, naming line and field.
  District night3 = night1;
  night3.rows["staff.txt"][2] = "T3||Jo|Park3|t3@district.org||coach|102|A";
  night3.write_to(dir / "night3");
  const nlohmann::json c = check(config, dir / "night3", "2026-09-03", 1);
  kinds = by_kind(c);
  REQUIRE(kinds["staff"]["rows"].size() == 1);
  CHECK(kinds["staff"]["rows"][0]["code"] == "unknown_role");
  CHECK(kinds["staff"]["rows"][0]["line"] == 4);
  CHECK(kinds["staff"]["rows"][0]["field"] == "role");
  CHECK(kinds["staff"]["counts"]["rows_rejected"] == 1);
}
