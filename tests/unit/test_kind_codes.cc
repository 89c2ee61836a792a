// The platform's codes for the other kinds (reference.staff_roles, reference.courses): a staff
// member's role and an enrollment's staff role translated or refused, a section's course matched
// to one or several platform courses or told as matched to none; the tables and maps refused at
// start-up with their file and line.
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "config/config.h"
#include "core/discrepancy.h"
#include "core/error.h"
#include "tests/support/temp_dir.h"
#include "validators/kind_check.h"

using namespace rosterd;

namespace {

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// Roles: the platform's teacher, aide and counselor; the district writes T for teacher.
// Courses: the platform's MATH6, MATH6-LAB and ART; the district's M6 is taught as both math
// courses, its ART is the platform's own code.
struct Tables {
  testing::TempDir dir;
  ReferenceSet reference;

  Tables() {
    write(dir / "roles.txt", "Code|Name\nteacher|Teacher\naide|Aide\ncounselor|Counselor\n");
    write(dir / "role_map.txt", "DistrictCode|PlatformCode\nT|teacher\n");
    write(dir / "courses.txt", "Code|Name\nMATH6|Math 6\nMATH6-LAB|Math 6 lab\nART|Art\n");
    write(dir / "course_map.txt", "DistrictCode|PlatformCode\nM6|MATH6\nM6|MATH6-LAB\n");
    reference.staff_roles.emplace("staff role", ReferenceTable::load(dir / "roles.txt"),
                                  CodeMap::load(dir / "role_map.txt"));
    reference.courses = CourseMatch::load(dir / "courses.txt", dir / "course_map.txt");
  }
};

KindCheckResult check(EntityKind kind, const std::string& text, const ReferenceSet* reference) {
  return check_kind_bytes(kind, KindFormat::default_layout(kind), "file.txt", text, reference);
}

std::size_t field(EntityKind kind, std::string_view name) {
  return *entity_field(kind_info(kind), name);
}

std::string error_for(const std::filesystem::path& dir, const std::string& feed) {
  try {
    parse_config("feeds:\n  a:\n" + feed, "rosterd.yaml", dir);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

const std::string kStaffHeader =
    "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status\n";
const std::string kSectionsHeader =
    "SectionID|CampusID|CourseCode|TermID|Name|Period|TeacherIDs|Status\n";

}  // namespace

TEST_CASE("kind codes: a staff member's role is translated to the platform's, or rejected") {
  const Tables t;
  const KindCheckResult r = check(EntityKind::staff,
                                  kStaffHeader +
                                      "T1||Jo|Park|||T|101|A\n"       // mapped
                                      "T2||Ann|Lee|||aide|101|A\n"    // the platform's own
                                      "T3||Al|Bo|||janitor|101|A\n",  // neither
                                  &t.reference);
  const std::size_t role = field(EntityKind::staff, "role");
  REQUIRE(r.rows.size() == 3);
  CHECK(r.rows.get(0, role) == "teacher");
  CHECK(r.rows.get(1, role) == "aide");
  CHECK_FALSE(r.rows.rejected(0));
  CHECK(r.rows.rejected(2));
  CHECK(r.counts.rows_rejected == 1);
  REQUIRE(r.discrepancies.size() == 1);
  const Discrepancy& d = r.discrepancies[0];
  CHECK(d.code == DiscrepancyCode::unknown_role);
  CHECK(d.line == 4);
  CHECK(d.kind_field == role);
  CHECK(discrepancy_message(d) ==
        "Field staff.role has \"janitor\", which is not a platform role and the feed's staff role "
        "map does not translate it. Add it to the map, or correct it in the student information "
        "system.");

  // Without a table a role is the district's word, as a grade without one is.
  const KindCheckResult plain =
      check(EntityKind::staff, kStaffHeader + "T3||Al|Bo|||janitor|101|A\n", nullptr);
  CHECK(plain.discrepancies.empty());
  CHECK(plain.rows.get(0, role) == "janitor");
}

TEST_CASE("kind codes: an enrollment's staff role is translated; a student's is the word itself") {
  const Tables t;
  const KindCheckResult r = check(EntityKind::enrollments,
                                  "SectionID|PersonID|Role|StartDate|EndDate\n"
                                  "S1|1001|Student||\n"
                                  "S1|T1|T||\n"
                                  "S1|T2|coach||\n",
                                  &t.reference);
  const std::size_t role = field(EntityKind::enrollments, "role");
  REQUIRE(r.rows.size() == 3);
  CHECK(r.rows.get(0, role) == "Student");
  CHECK(r.rows.get(1, role) == "teacher");
  CHECK(r.counts.rows_rejected == 1);
  REQUIRE(r.discrepancies.size() == 1);
  CHECK(r.discrepancies[0].code == DiscrepancyCode::unknown_role);
  CHECK(r.discrepancies[0].line == 4);
  CHECK(r.discrepancies[0].value == "coach");
}

TEST_CASE("kind codes: a section's course is matched to its platform courses, or told unmatched") {
  const Tables t;
  const KindCheckResult r = check(EntityKind::sections,
                                  kSectionsHeader +
                                      "S1|101|M6|F|Math 6||T1|A\n"   // two platform courses
                                      "S2|101|ART|F|Art||T1|A\n"     // the platform's own
                                      "S3|101|WOOD|F|Shop||T1|A\n",  // neither: a warning
                                  &t.reference);
  const std::size_t courses = field(EntityKind::sections, "platform_courses");
  const std::size_t course = field(EntityKind::sections, "course_code");
  REQUIRE(r.rows.size() == 3);
  CHECK(r.rows.get(0, courses) == "MATH6;MATH6-LAB");
  CHECK(r.rows.get(0, course) == "M6");  // the district's code stays: the courses file's key
  CHECK(r.rows.get(1, courses) == "ART");
  CHECK(r.rows.get(2, courses) == "");
  CHECK(r.counts.rows_rejected == 0);
  CHECK(r.counts.rows_warned == 1);
  REQUIRE(r.discrepancies.size() == 1);
  const Discrepancy& d = r.discrepancies[0];
  CHECK(d.code == DiscrepancyCode::unmatched_course);
  CHECK(d.severity() == Severity::warning);
  CHECK(d.line == 4);
  CHECK(d.kind_field == course);
  CHECK(discrepancy_message(d) ==
        "The section's course \"WOOD\" is matched to no platform course, so nobody on the "
        "platform sees the section. Match the course in the feed's course map (the section is "
        "still taken).");

  // No course table: a section's platform course is its own course code.
  const KindCheckResult plain =
      check(EntityKind::sections, kSectionsHeader + "S3|101|WOOD|F|Shop||T1|A\n", nullptr);
  CHECK(plain.discrepancies.empty());
  CHECK(plain.rows.get(0, courses) == "WOOD");
}

TEST_CASE("kind codes: a platform courses column in a section file is not read") {
  const Tables t;
  // A column that happens to carry the field's name is an extra column, nothing more.
  const KindCheckResult r = check(EntityKind::sections,
                                  kSectionsHeader.substr(0, kSectionsHeader.size() - 1) +
                                      "|platform_courses\nS1|101|ART|F|Art||T1|A|MATH6\n",
                                  &t.reference);
  CHECK(r.discrepancies.empty());
  CHECK(r.rows.get(0, field(EntityKind::sections, "platform_courses")) == "ART");
}

TEST_CASE("kind codes: the tables and maps are checked at start-up, with the file and line") {
  const Tables t;
  const std::filesystem::path& dir = t.dir.path();
  const std::string kinds =
      "    kinds: {staff: {}, courses: {}, terms: {}, sections: {}, enrollments: {}}\n";
  CHECK(error_for(dir,
                  "    reference:\n"
                  "      staff_roles: {table: roles.txt, map: role_map.txt}\n"
                  "      courses: {table: courses.txt, map: course_map.txt}\n" +
                      kinds) == "");

  write(dir / "bad_map.txt", "DistrictCode|PlatformCode\nM6|MATH6\nSC|SCIENCE\n");
  CHECK(error_for(dir,
                  "    reference:\n      courses: {table: courses.txt, map: bad_map.txt}\n" + kinds)
            .find("bad_map.txt:3: district course \"SC\" maps to \"SCIENCE\", which is not a "
                  "course of the platform table") != std::string::npos);
  write(dir / "twice.txt", "DistrictCode|PlatformCode\nM6|MATH6\nM6|MATH6\n");
  CHECK(
      error_for(dir,
                "    reference:\n      courses: {table: courses.txt, map: twice.txt}\n" + kinds)
          .find("twice.txt:3: district course \"M6\" is already matched to \"MATH6\" on line 2") !=
      std::string::npos);
  write(dir / "role_twice.txt", "DistrictCode|PlatformCode\nT|teacher\nT|aide\n");
  CHECK(error_for(
            dir,
            "    reference:\n      staff_roles: {table: roles.txt, map: role_twice.txt}\n" + kinds)
            .find("role_twice.txt:3: district code \"T\" is already mapped on line 2") !=
        std::string::npos);

  // A table for kinds the feed does not take would check nothing.
  const std::string courses_alone =
      error_for(dir,
                "    reference:\n      courses: {table: courses.txt}\n"
                "    kinds: {staff: {}}\n");
  CHECK(courses_alone.find("rosterd.yaml:4") != std::string::npos);
  CHECK(courses_alone.find("the feed takes no sections") != std::string::npos);
  CHECK(error_for(dir, "    reference:\n      staff_roles: {table: roles.txt}\n")
            .find("takes neither staff nor enrollments") != std::string::npos);
  CHECK(error_for(dir, "    reference:\n      courses: {map: course_map.txt}\n" + kinds)
            .find("needs a `table:`") != std::string::npos);

  // The platform courses are rosterd's to fill, never a column of the file.
  const std::string column =
      error_for(dir,
                "    kinds:\n      sections: {columns: {platform_courses: Courses}}\n"
                "      courses: {}\n      terms: {}\n");
  CHECK(column.find("sections.platform_courses is not read from the file") != std::string::npos);
}
