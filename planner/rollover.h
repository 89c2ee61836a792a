// The summer rollover: the first file of a new school year promotes nearly every student a
// grade, graduates the highest grade, brings a new entry class and moves whole grades to the
// school that grade attends. Within the feed's rollover window such a file's changes are sorted
// into what the rollover explains and what it does not, and the safeguards apply to the latter
// (docs/school-year.md).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "planner/plan.h"

namespace rosterd {

// A month and day, for windows that come back every year.
struct MonthDay {
  unsigned month = 1;
  unsigned day = 1;
  friend auto operator<=>(const MonthDay&, const MonthDay&) = default;
};

// "06-15..09-30": from the first day to the last, both included; a window may wrap the new year
// ("12-20..01-05").
struct YearlyWindow {
  MonthDay first;
  MonthDay last;
  bool contains(CivilDate date) const;
  std::string text() const;  // "06-15..09-30"
};

// Reads "MM-DD..MM-DD"; nullopt when it is not one (a month 1-12, a day that month can have).
std::optional<YearlyWindow> parse_yearly_window(std::string_view text);

// feeds.NAME.school_year.rollover.
struct RolloverConfig {
  YearlyWindow window;
  // The platform's grade codes, lowest first: a student promoted goes one step up; the last is
  // the grade that graduates.
  std::vector<std::string> grades;
  // Grades a new class enters at (additions there are the new year's entry class).
  std::vector<std::string> entry_grades;
};

// The rollover's default ladder: PK, K, 01 .. 12.
std::vector<std::string> default_grade_ladder();

// What a file's changes are, measured against the rollover.
struct RolloverCounts {
  std::uint32_t promoted = 0;          // a continuing student one grade up
  std::uint32_t retained = 0;          // a continuing student in the same grade
  std::uint32_t graduated = 0;         // the highest grade, absent or withdrawn
  std::uint32_t graduated_absent = 0;  // of them, absent from the file (no row)
  // The graduates by the school they were at, for the schools' own deactivation limits.
  std::map<std::string, std::uint32_t, std::less<>> graduated_by_campus;
  std::uint32_t entered = 0;  // added in an entry grade
  // Of the promoted, those at another school that held their new grade before, from a school
  // that did not: the grade moves school (fifth graders to the middle school).
  std::uint32_t moved_with_grade = 0;
  // Not explained: withdrawn from another grade; grade changed otherwise (skipped, back);
  // school changed without a promotion that explains it.
  std::uint32_t withdrawn = 0;
  std::uint32_t other_grade_changes = 0;
  std::uint32_t other_campus_changes = 0;
  // Updates nothing but the rollover explains (a grade up, and a school that grade attends).
  std::uint32_t explained_updates = 0;
};

// Sorts `plan`'s changes (made against the committed roster) by the rollover of `grades`. The
// schools that held each grade are learned from the before-images of the students the file
// changes (every continuing student the rollover promotes has one). Students the plan leaves
// unchanged count as retained.
RolloverCounts classify_rollover(const Plan& plan, const RolloverConfig& config);

// Whether the file looks like a new school year's: more than half of the active students one
// grade up.
bool looks_like_rollover(const RolloverCounts& counts, std::uint32_t active_before);

// One line for reports, history and mail: "School year rollover (window 06-15..09-30): 3,420
// promoted a grade (250 of them to the school their grade attends), 290 graduated, 301 new in
// the entry grades, 12 retained. Not explained by it: 35 withdrawn, 3 other grade changes,
// 0 other school changes."
std::string rollover_summary(const RolloverCounts& counts, const YearlyWindow& window);

}  // namespace rosterd
