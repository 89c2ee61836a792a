#include "planner/rollover.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

#include "core/text.h"

namespace rosterd {
namespace {

bool before_or_on(MonthDay a, MonthDay b) {
  return a <= b;
}

unsigned days_in(unsigned month) {
  static constexpr unsigned kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[month - 1];
}

std::optional<MonthDay> parse_month_day(std::string_view s) {
  if (s.size() != 5 || s[2] != '-') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  const unsigned m = static_cast<unsigned>((s[0] - '0') * 10 + (s[1] - '0'));
  const unsigned d = static_cast<unsigned>((s[3] - '0') * 10 + (s[4] - '0'));
  if (m < 1 || m > 12 || d < 1 || d > days_in(m)) return std::nullopt;
  return MonthDay{m, d};
}

}  // namespace

bool YearlyWindow::contains(CivilDate date) const {
  const MonthDay d{date.month, date.day};
  if (before_or_on(first, last)) return before_or_on(first, d) && before_or_on(d, last);
  return before_or_on(first, d) || before_or_on(d, last);  // wraps the new year
}

std::string YearlyWindow::text() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u-%02u..%02u-%02u", first.month % 100, first.day % 100,
                last.month % 100, last.day % 100);
  return buf;
}

std::optional<YearlyWindow> parse_yearly_window(std::string_view text) {
  const std::size_t dots = text.find("..");
  if (dots == std::string_view::npos) return std::nullopt;
  const auto first = parse_month_day(text.substr(0, dots));
  const auto last = parse_month_day(text.substr(dots + 2));
  if (!first || !last) return std::nullopt;
  return YearlyWindow{*first, *last};
}

std::vector<std::string> default_grade_ladder() {
  return {"PK", "K", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"};
}

RolloverCounts classify_rollover(const Plan& plan, const RolloverConfig& config) {
  RolloverCounts n;
  const auto rung = [&](std::string_view grade) -> int {
    const auto it = std::find(config.grades.begin(), config.grades.end(), grade);
    return it == config.grades.end() ? -1 : static_cast<int>(it - config.grades.begin());
  };
  const int top = static_cast<int>(config.grades.size()) - 1;
  const std::size_t g = field_index(Field::grade);
  const std::size_t c = field_index(Field::campus);
  // Which schools held each grade before the file: (grade, campus) of every before-image.
  std::set<std::pair<std::string, std::string>, std::less<>> held;
  for (const Change& ch : plan.changes) {
    if (ch.before) held.emplace((*ch.before)[g], (*ch.before)[c]);
  }
  for (const Change& ch : plan.changes) {
    switch (ch.kind) {
      case ChangeKind::added:
        if (std::find(config.entry_grades.begin(), config.entry_grades.end(), ch.after(g)) !=
            config.entry_grades.end())
          ++n.entered;
        break;
      case ChangeKind::deactivated: {
        if (ch.left_scope || !ch.before) break;
        const int from = rung((*ch.before)[g]);
        if (top >= 0 && from == top) {
          ++n.graduated;
          if (ch.line == 0) ++n.graduated_absent;
          ++n.graduated_by_campus[(*ch.before)[c]];
        } else {
          ++n.withdrawn;
        }
        break;
      }
      case ChangeKind::updated:
      case ChangeKind::reactivated: {
        if (!ch.before) break;
        const bool grade_changed = (ch.changed_fields >> g) & 1U;
        const bool campus_changed = (ch.changed_fields >> c) & 1U;
        const int from = rung((*ch.before)[g]);
        const int to = rung(ch.after(g));
        const bool promoted = grade_changed && from >= 0 && to == from + 1;
        if (!grade_changed) {
          ++n.retained;
        } else if (promoted) {
          ++n.promoted;
        } else {
          ++n.other_grade_changes;
        }
        bool campus_explained = !campus_changed;
        if (campus_changed) {
          // A promoted student now at a school that held their new grade, from one that did
          // not: the grade moved school. A school that teaches the new grade itself keeps its
          // students; a move from it is no rollover's.
          const std::string new_grade(ch.after(g));
          if (promoted && held.count(std::make_pair(new_grade, std::string(ch.after(c)))) != 0 &&
              held.count(std::make_pair(new_grade, (*ch.before)[c])) == 0) {
            ++n.moved_with_grade;
            campus_explained = true;
          } else {
            ++n.other_campus_changes;
          }
        }
        const std::uint16_t others =
            ch.changed_fields & static_cast<std::uint16_t>(~((1U << g) | (1U << c)));
        if (ch.kind == ChangeKind::updated && others == 0 && campus_explained &&
            (promoted || !grade_changed))
          ++n.explained_updates;
        break;
      }
      default:
        break;
    }
  }
  n.retained += plan.counts.unchanged;
  return n;
}

bool looks_like_rollover(const RolloverCounts& counts, std::uint32_t active_before) {
  return active_before > 0 && counts.promoted * 2 > active_before;
}

std::string rollover_summary(const RolloverCounts& n, const YearlyWindow& window) {
  return "School year rollover (window " + window.text() + "): " + group_thousands(n.promoted) +
         " promoted a grade (" + group_thousands(n.moved_with_grade) +
         " of them to the school their grade attends), " + group_thousands(n.graduated) +
         " graduated, " + group_thousands(n.entered) + " new in the entry grades, " +
         group_thousands(n.retained) +
         " retained. Not explained by it: " + group_thousands(n.withdrawn) + " withdrawn, " +
         group_thousands(n.other_grade_changes) + " other grade changes, " +
         group_thousands(n.other_campus_changes) + " other school changes.";
}

}  // namespace rosterd
