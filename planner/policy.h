// A feed's safeguards and commit policy: the `policy:` section of a feed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/entity_kind.h"
#include "core/field.h"

namespace rosterd {

enum class CommitMode { automatic, manual };

// What a tripped safeguard holds: the whole run, or only the changes it is about (the rest of
// the file commits, and the held part waits for a person as a run of its own).
enum class OnTrip { hold, hold_unsafe };

// One kind's own limits beside students (`policy.sections.max_deactivate_pct`); unset: the
// feed's limit for students.
struct KindPolicy {
  std::optional<double> max_deactivate_pct;
  std::optional<double> max_reject_pct;
  std::optional<double> max_update_pct;
};

struct Policy {
  CommitMode commit = CommitMode::automatic;
  // hold_unsafe: a file that adds 40 new students and would deactivate 30% commits the
  // additions now; the deactivations wait (planner/unsafe_changes.h says which trip is about
  // which changes). Trips about the file as a whole still hold all of it.
  OnTrip on_trip = OnTrip::hold;
  // Hold the run when it would deactivate more than this share of the active students.
  double max_deactivate_pct = 5;
  // Hold the run when the file has this much fewer rows than the last committed file.
  double max_row_drop_pct = 10;
  // Hold the run when more than this share of the rows is rejected.
  double max_reject_pct = 5;
  // Hold the run when it would update more than this share of the active students: an ordinary
  // night updates a few; a file that touches nearly everyone is another kind of file.
  double max_update_pct = 75;
  // Hold the run when one field would change for more than this share of the active students.
  // A swapped pair of columns changes one field for nearly everyone and deactivates nobody;
  // each field has its own limit because they move at different rates (birth dates almost
  // never, grades every year). Unset: the field is not limited. Indexed by field_index.
  std::array<std::optional<double>, kFieldCount> max_field_change_pct =
      default_field_change_limits();
  // The other kinds' limits (docs/whole-roster.md), by EntityKind.
  std::array<KindPolicy, kEntityKindCount> kinds{};
  // max_update_pct and max_field_change_pct hold a run only when at least this many students
  // change: in a pilot of eight, one corrected name is 12%, and no swapped column.
  static constexpr std::uint32_t kChangeLimitFloor = 10;

  // birth_date 2, first_name and last_name 10, local_id 10, middle_name 25, grade and campus
  // 25; diagnoses, scores and status unlimited (scores all change when a test's results come
  // in; status changes are deactivations and reactivations, limited on their own).
  static std::array<std::optional<double>, kFieldCount> default_field_change_limits();
};

// The fields a max_field_change_pct may name: those an update can change (not state_id, which
// only a re-key changes, nor status).
bool field_change_limitable(Field f);

// A count the district confirmed before its first live set (`expect: {students: "5200±2%"}`):
// the first set to commit is held when its count is outside it. Summit's support asks the
// district to confirm its counts before the first sync; a first file that is half the district,
// or two districts, should wait for a person.
struct ExpectedCount {
  std::uint32_t count = 0;  // at least 1
  // The margin, in hundredths of a percent (2% is 200): whole numbers, so that the bounds are
  // exact (900±9% is 819 to 981, never 982).
  std::uint32_t within_hundredths = 0;
  double within_pct() const { return within_hundredths / 100.0; }
  std::uint32_t low() const;   // the least count within the margin
  std::uint32_t high() const;  // the greatest count within it
};

// "5200±2%", "5,200 +- 2.5 %" or "5200" (exactly); nullopt for anything else: a count of 0, a
// margin over 100% or with more than two decimals, thousands commas out of place.
std::optional<ExpectedCount> parse_expected_count(std::string_view text);

// A campus's own thresholds (`per_campus: {CODE: {policy: ...}}`), checked on that campus's
// counts beside the feed's: a school can be held for its own part of a file.
struct CampusPolicy {
  // Unset: the campus is not checked on its own for that safeguard.
  std::optional<double> max_deactivate_pct;
  std::optional<double> max_reject_pct;
};

}  // namespace rosterd
