// A small whole district in rosterd's default layout (docs/whole-roster.md), for the tests that
// take it over several nights: 20 students at two schools, four teachers, two courses, a term,
// four sections (each student in two), a guardian each; and the config of a feed that takes
// every kind from a local drop.
#pragma once

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/district_exports.h"

namespace rosterd::testing {

inline const std::vector<std::string> kKinds = {
    "staff", "courses", "terms", "sections", "enrollments", "guardians", "guardian_links"};

// One night's district: its files by name, each a header and rows.
struct District {
  std::map<std::string, std::vector<std::string>> rows;
  std::map<std::string, std::string> header = {
      {"students.txt",
       "StudentStateID|LocalStudentID|LegalFirstName|LegalMiddleName|LegalLastName|DateOfBirth|"
       "Grade|CampusID|Diagnoses|Status|ELAScore|MathScore"},
      {"staff.txt", "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status"},
      {"courses.txt", "CourseCode|Name|CampusID|Grades|Subject"},
      {"terms.txt", "TermID|Name|StartDate|EndDate|ParentTermID"},
      {"sections.txt", "SectionID|CampusID|CourseCode|TermID|Name|Period|TeacherIDs|Status"},
      {"enrollments.txt", "SectionID|PersonID|Role|StartDate|EndDate"},
      {"guardians.txt", "GuardianID|FirstName|LastName|Email|Phone|Status"},
      {"guardian_links.txt", "GuardianID|StudentStateID|Relationship|Primary|ReceivesMail"}};

  void write_to(const std::filesystem::path& dir, const std::string& prefix = "") const {
    for (const auto& [file, lines] : rows) {
      std::string text = header.at(file) + "\n";
      for (const std::string& l : lines)
        text += l + "\n";
      write(dir / (prefix + file), text);
    }
  }
  // What `rosterd export --kind` must print: the header, then the rows (sorted, as compared).
  std::vector<std::string> truth(const std::string& kind) const {
    std::vector<std::string> lines = rows.at(kind + ".txt");
    std::sort(lines.begin(), lines.end());
    return lines;
  }
};

inline std::string sid(int i) {
  return std::to_string(1000000000 + i);
}

// 20 students at two schools, four teachers, two courses, four sections (each student in two),
// a guardian each.
inline District first_night() {
  District d;
  for (int i = 1; i <= 20; ++i) {
    d.rows["students.txt"].push_back(sid(i) + "|L" + std::to_string(i) + "|Ava||Lee" +
                                     std::to_string(i) + "|2015-03-0" + std::to_string(1 + i % 9) +
                                     "|05|" + (i <= 10 ? "101" : "102") + "||A||");
    d.rows["guardians.txt"].push_back("G" + std::to_string(i) + "|Pat|Lee" + std::to_string(i) +
                                      "|pat" + std::to_string(i) + "@example.org|555201" +
                                      std::to_string(1000 + i) + "|A");
    d.rows["guardian_links.txt"].push_back("G" + std::to_string(i) + "|" + sid(i) + "|mother|Y|Y");
    const int a = i <= 10 ? 1 : 3;
    d.rows["enrollments.txt"].push_back("SEC" + std::to_string(a) + "|" + sid(i) + "|student||");
    d.rows["enrollments.txt"].push_back("SEC" + std::to_string(a + 1) + "|" + sid(i) +
                                        "|student||");
  }
  for (int t = 1; t <= 4; ++t) {
    const std::string campus = t <= 2 ? "101" : "102";
    d.rows["staff.txt"].push_back("T" + std::to_string(t) + "||Jo|Park" + std::to_string(t) + "|t" +
                                  std::to_string(t) + "@district.org||teacher|" + campus + "|A");
    d.rows["sections.txt"].push_back("SEC" + std::to_string(t) + "|" + campus + "|C" +
                                     std::to_string(1 + t % 2) + "|Y26|Section " +
                                     std::to_string(t) + "|" + std::to_string(t) + "|T" +
                                     std::to_string(t) + "|A");
    d.rows["enrollments.txt"].push_back("SEC" + std::to_string(t) + "|T" + std::to_string(t) +
                                        "|teacher|2026-08-15|");
  }
  d.rows["courses.txt"] = {"C1|Algebra I|101|05|Math", "C2|Biology|102|05|Science"};
  d.rows["terms.txt"] = {"Y26|2026-27|2026-08-15|2027-06-01|"};
  return d;
}

// `reference` adds keys under the feed's reference: (each line indented six spaces).
inline std::filesystem::path config_in(const std::filesystem::path& dir,
                                       const std::string& reference = "") {
  write(dir / "ref/campuses.txt", "Code|Name\n101|Lincoln\n102|Washington\n");
  write(dir / "ref/grades.txt", "Code|Name\n05|5\n");
  std::filesystem::create_directories(dir / "drop");
  write(dir / "rosterd.yaml",
        "store: {sqlite: roster.db}\n"
        "feeds:\n  k:\n"
        "    reference:\n      grades: {table: ref/grades.txt}\n"
        "      campuses: {table: ref/campuses.txt}\n" +
            reference +
            "    source: {local: {dir: drop, pattern: \"*.txt\", stable_for: 0s, after: delete}}\n"
            "    kinds: {staff: {}, courses: {}, terms: {}, sections: {}, enrollments: {}, "
            "guardians: {}, guardian_links: {}}\n");
  return dir / "rosterd.yaml";
}

}  // namespace rosterd::testing
