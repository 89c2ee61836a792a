// Checks across a set's files (validators/set_references.h): a small set of every kind with one
// planted error of each sort, each found on its line and field, and the rows naming a rejected
// row rejected in turn.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

#include "validators/set_references.h"

using namespace rosterd;

namespace {

KindCheckResult read(EntityKind kind, const std::string& text) {
  KindCheckResult r = check_kind_bytes(kind, KindFormat::default_layout(kind), "x.txt", text);
  REQUIRE_FALSE(r.refused());
  return r;
}

// Every finding of a kind's result as "line code field".
std::multiset<std::string> found(const KindCheckResult& r) {
  std::multiset<std::string> out;
  for (const Discrepancy& d : r.discrepancies) {
    out.insert(
        std::to_string(d.line) + " " + std::string(code_name(d.code)) +
        (d.kind_field ? " " + std::string(kind_info(r.kind).fields[*d.kind_field].name) : ""));
  }
  return out;
}

const std::set<std::string> kStudents = {"1000000001", "1000000002", "1000000003"};

std::vector<KindCheckResult> planted_set() {
  std::vector<KindCheckResult> set;
  set.push_back(read(EntityKind::staff,
                     "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status\n"
                     "T1||Jo|Park|||teacher|101|A\n"
                     "T2||Al|Bo|||teacher|101;999|A\n"));  // 3: school 999 unknown
  set.push_back(read(EntityKind::courses,
                     "CourseCode|Name|CampusID|Grades|Subject\n"
                     "C1|Algebra I|101||\n"
                     "C2|Biology|101||\n"));
  set.push_back(read(EntityKind::terms,
                     "TermID|Name|StartDate|EndDate|ParentTermID\n"
                     "Y26|Year|2026-08-15|2027-06-01|\n"
                     "S1|Fall|2026-08-15|2026-12-19|Y26\n"
                     "S2|Spring|2027-01-05|2027-06-01|Y99\n"));  // 4: parent unknown
  set.push_back(read(EntityKind::sections,
                     "SectionID|CampusID|CourseCode|TermID|Name|Period|TeacherIDs|Status\n"
                     "SEC1|101|C1|S1|Algebra I|1|T1|A\n"
                     "SEC2|101|C9|S1|Chemistry|2|T1|A\n"   // 3: course unknown
                     "SEC3|101|C2|S1|Biology|3||A\n"       // 4: no teacher, no student
                     "SEC4|101|C2|S2|Biology|4|T1;T7|A\n"  // 5: T7 unknown, S2 rejected
                     "SEC5|101|C2|S1|Biology|5|T2|A\n"));  // 6: T2 rejected (school)
  set.push_back(read(EntityKind::enrollments,
                     "SectionID|PersonID|Role|StartDate|EndDate\n"
                     "SEC1|1000000001|student||\n"
                     "SEC2|1000000002|student||\n"  // 3: its section rejected
                     "SEC1|T1|student||\n"          // 4: a teacher as a student
                     "SEC1|1000000003|teacher||\n"  // 5: a student as a teacher
                     "SEC1|1000000099|student||\n"  // 6: no such student
                     "SEC3|T1|teacher||\n"));       // 7: SEC3 now has a teacher
  set.push_back(read(EntityKind::guardians,
                     "GuardianID|FirstName|LastName|Email|Phone|Status\n"
                     "G1|Maria|Núñez|||A\n"));
  set.push_back(read(EntityKind::guardian_links,
                     "GuardianID|StudentStateID|Relationship|Primary|ReceivesMail\n"
                     "G1|1000000001|mother|Y|Y\n"
                     "G9|1000000001|father|N|Y\n"     // 3: no such guardian
                     "G1|1000000077|mother|Y|Y\n"));  // 4: no such student
  return set;
}

}  // namespace

TEST_CASE("set references: every planted error on its line and field, and nothing else") {
  std::vector<KindCheckResult> set = planted_set();
  SetKeys keys;
  keys.student = [](std::string_view id) { return kStudents.count(std::string(id)) != 0; };
  keys.school = [](std::string_view code) { return code == "101"; };
  check_set_references(set, keys);
  for (const Discrepancy& d : set[0].discrepancies) {
    CHECK(discrepancy_message(d) ==
          "Field staff.campus_ids has \"999\", which the set cannot use: the platform has no such "
          "school (add it to the feed's campus map, or correct it). The row is rejected; correct "
          "the file, or the record in the SIS, so that the set's files agree.");
  }
  const auto& staff = set[0];
  const auto& terms = set[2];
  const auto& sections = set[3];
  const auto& enrollments = set[4];
  const auto& links = set[6];
  CHECK(found(staff) == std::multiset<std::string>{"3 unknown_reference campus_ids"});
  CHECK(found(set[1]).empty());
  CHECK(found(terms) == std::multiset<std::string>{"4 unknown_reference parent_term_id"});
  CHECK(found(sections) ==
        std::multiset<std::string>{"3 unknown_reference course_code", "4 section_without_students",
                                   "5 unknown_reference term_id", "5 unknown_reference teacher_ids",
                                   "6 unknown_reference teacher_ids"});
  CHECK(found(enrollments) ==
        std::multiset<std::string>{"3 unknown_reference section_id", "4 role_conflict person_id",
                                   "5 role_conflict person_id", "6 unknown_reference person_id"});
  CHECK(found(set[5]).empty());
  CHECK(found(links) == std::multiset<std::string>{"3 unknown_reference guardian_id",
                                                   "4 unknown_reference student_state_id"});
  // Rejected and counted; warnings leave a row accepted.
  CHECK(staff.counts.rows_rejected == 1);
  CHECK(sections.counts.rows_rejected == 3);
  CHECK(sections.counts.rows_warned == 1);
  CHECK_FALSE(sections.rows.rejected(2));
  CHECK(enrollments.counts.rows_rejected == 4);
  CHECK(links.counts.rows_rejected == 2);
  // The messages say which file lacks the row, and why a row there does not count.
  for (const Discrepancy& d : enrollments.discrepancies) {
    if (d.line == 3) {
      CHECK(discrepancy_message(d) ==
            "Field enrollments.section_id has \"SEC2\", which the set cannot use: its row in the "
            "sections file (line 3) is rejected. The row is rejected; correct the file, or the "
            "record in the SIS, so that the set's files agree.");
    }
    if (d.line == 4) {
      CHECK(discrepancy_message(d) ==
            "Field enrollments.person_id has \"T1\", which is a staff member's ID, enrolled as a "
            "student; the row is rejected. Correct the enrollment's role in the SIS.");
    }
  }
  for (const auto& r : set) {
    for (std::size_t i = 1; i < r.discrepancies.size(); ++i)
      CHECK(r.discrepancies[i - 1].line <= r.discrepancies[i].line);
  }
}

TEST_CASE("set references: a kind the set has no file of, and schools, are not checked") {
  std::vector<KindCheckResult> set = planted_set();
  set.erase(set.begin() + 1);  // no courses file: course codes only the platform knows
  set.erase(set.begin());      // no staff file: teachers cannot be told
  SetKeys keys;
  keys.student = [](std::string_view id) { return kStudents.count(std::string(id)) != 0; };
  check_set_references(set, keys);  // no school check
  const auto& sections = set[1];
  CHECK(found(sections) ==
        std::multiset<std::string>{"4 section_without_students", "5 unknown_reference term_id",
                                   "6 section_without_students"});  // SEC5: no student
  const auto& enrollments = set[2];
  // A student as a teacher cannot be told without the staff file; a teacher as a student can.
  CHECK(found(enrollments) == std::multiset<std::string>{"4 unknown_reference person_id",
                                                         "6 unknown_reference person_id"});
}

TEST_CASE("set references: a term under a rejected term is rejected, and what uses it, in turn") {
  std::vector<KindCheckResult> set;
  set.push_back(read(EntityKind::terms,
                     "TermID|Name|StartDate|EndDate|ParentTermID\n"
                     "S1|Fall|2026-08-15|2026-12-19|Y26\n"   // 2: under Y26, rejected below
                     "Y26|Year|2026-08-15|2027-06-01|Y99\n"  // 3: Y99 unknown
                     "Q1|Q1|2026-08-15|2026-10-01|S1\n"));   // 4: under S1
  set.push_back(read(EntityKind::sections,
                     "SectionID|CampusID|CourseCode|TermID|Name|Period|TeacherIDs|Status\n"
                     "SEC1|101|C1|Q1|Algebra I|1|;|A\n"));  // 2: its term rejected
  SetKeys keys;
  keys.student = [](std::string_view) { return true; };
  check_set_references(set, keys);
  CHECK(found(set[0]) == std::multiset<std::string>{"2 unknown_reference parent_term_id",
                                                    "3 unknown_reference parent_term_id",
                                                    "4 unknown_reference parent_term_id"});
  CHECK(set[0].counts.rows_rejected == 3);
  CHECK(found(set[1]) == std::multiset<std::string>{"2 unknown_reference term_id"});
}

TEST_CASE("set references: a file refused whole names nothing; lists split by their format") {
  std::vector<KindCheckResult> set;
  set.push_back(check_kind_bytes(EntityKind::sections,
                                 KindFormat::default_layout(EntityKind::sections), "sections.txt",
                                 "SectionID|Name\nSEC1|Algebra\n"));  // no CourseCode: refused
  REQUIRE(set[0].refused());
  KindFormat commas = KindFormat::default_layout(EntityKind::staff);
  commas.list_separator = ',';
  set.push_back(
      check_kind_bytes(EntityKind::staff, commas, "staff.txt",
                       "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status\n"
                       "T1||Jo|Park|||teacher|101,102|A\n"));
  set.push_back(read(EntityKind::enrollments,
                     "SectionID|PersonID|Role|StartDate|EndDate\n"
                     "SEC1|1000000001|student||\n"));
  SetKeys keys;
  keys.student = [](std::string_view) { return true; };
  keys.school = [](std::string_view code) { return code == "101" || code == "102"; };
  check_set_references(set, keys);
  CHECK(found(set[1]).empty());  // "101,102": two schools, both known
  CHECK(found(set[2]) == std::multiset<std::string>{"2 unknown_reference section_id"});
  CHECK(set[2].discrepancies[0].detail == "the sections file was refused whole");
}
