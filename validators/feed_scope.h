// What of a district's file a feed takes: the `scope:` section (docs/feed-rules.md). A district
// often shares more than the platform should see, or goes live school by school.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace rosterd {

// What happens to a committed student whose row falls out of scope (a move to an excluded
// campus, or a campus excluded by a config change).
enum class OutOfScope { deactivate, keep };

struct FeedScope {
  // Platform codes (after the code maps). An empty include list takes every code.
  std::set<std::string, std::less<>> campuses;
  std::set<std::string, std::less<>> exclude_campuses;
  std::set<std::string, std::less<>> grades;
  std::set<std::string, std::less<>> exclude_grades;
  // Students who opted out (privacy): never imported, and removed with their history.
  std::set<std::string, std::less<>> exclude_students;
  OutOfScope out_of_scope = OutOfScope::deactivate;
  // Scope by section (a feed that takes sections, kinds:): the district's section IDs, course
  // codes and term IDs as its files write them. An empty include list takes every one. A
  // section out of scope is left out of the set with its enrollments.
  std::set<std::string, std::less<>> sections;
  std::set<std::string, std::less<>> exclude_sections;
  std::set<std::string, std::less<>> courses;
  std::set<std::string, std::less<>> exclude_courses;
  std::set<std::string, std::less<>> terms;
  std::set<std::string, std::less<>> exclude_terms;

  // The row's campus and grade (platform codes) are in scope.
  bool takes(std::string_view campus, std::string_view grade) const {
    if (!campuses.empty() && campuses.count(campus) == 0) return false;
    if (exclude_campuses.count(campus) != 0) return false;
    if (!grades.empty() && grades.count(grade) == 0) return false;
    return exclude_grades.count(grade) == 0;
  }
  // The section, of that course and term, is in scope.
  bool takes_section(std::string_view section, std::string_view course,
                     std::string_view term) const {
    const auto in = [](const std::set<std::string, std::less<>>& include,
                       const std::set<std::string, std::less<>>& exclude, std::string_view v) {
      return (include.empty() || include.count(v) != 0) && exclude.count(v) == 0;
    };
    return in(sections, exclude_sections, section) && in(courses, exclude_courses, course) &&
           in(terms, exclude_terms, term);
  }
  // Sections are filtered at all.
  bool filters_sections() const {
    return !sections.empty() || !exclude_sections.empty() || !courses.empty() ||
           !exclude_courses.empty() || !terms.empty() || !exclude_terms.empty();
  }
  bool opted_out(std::string_view state_id) const { return exclude_students.count(state_id) != 0; }
  // Anything is filtered at all.
  bool filters() const {
    return !campuses.empty() || !exclude_campuses.empty() || !grades.empty() ||
           !exclude_grades.empty() || !exclude_students.empty();
  }
};

}  // namespace rosterd
