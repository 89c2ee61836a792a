#include "planner/decision.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/text.h"
#include "planner/percent.h"
#include "planner/unsafe_changes.h"

namespace rosterd {

std::string_view decision_name(Decision d) {
  switch (d) {
    case Decision::committed:
      return "committed";
    case Decision::held:
      return "held";
    case Decision::dry_run:
      return "dry-run";
    case Decision::refused:
      return "refused";
  }
  return "refused";
}

DecisionResult decide(const DecisionInput& in) {
  DecisionResult r;
  if (in.refused) {
    r.decision = Decision::refused;
    r.reason = "the file was refused as a whole";
    return r;
  }
  const Policy& p = in.policy;
  // Within the rollover window the safeguards count what the rollover does not explain: the
  // graduates are no withdrawals, a grade up (and the school that grade attends) no update.
  PlanCounts plan = in.plan;
  std::array<std::uint32_t, kFieldCount> field_changes = in.field_changes;
  std::optional<std::uint32_t> previous_rows = in.previous_rows;
  // Only a file that is a new year's (most students a grade up): an ordinary night within the
  // window that loses the seniors is a file cut short, not a graduation.
  const bool rollover_file =
      in.rollover != nullptr && looks_like_rollover(*in.rollover, in.plan.active_before);
  const bool rollover_applies = rollover_file && in.in_rollover_window;
  const auto less = [](std::uint32_t a, std::uint32_t b) { return a > b ? a - b : 0; };
  if (rollover_applies) {
    const RolloverCounts& ro = *in.rollover;
    plan.deactivated = less(plan.deactivated, ro.graduated);
    plan.updated = less(plan.updated, ro.explained_updates);
    field_changes[field_index(Field::grade)] =
        less(field_changes[field_index(Field::grade)], ro.promoted);
    field_changes[field_index(Field::campus)] =
        less(field_changes[field_index(Field::campus)], ro.moved_with_grade);
    if (previous_rows) previous_rows = less(*previous_rows, ro.graduated_absent);
  }
  const double rejected = pct(in.check.rows_rejected, in.check.rows_read);
  if (over(rejected, p.max_reject_pct)) {
    r.trips.push_back({"max_reject_pct", p.max_reject_pct, rejected,
                       group_thousands(in.check.rows_rejected) + " of " +
                           group_thousands(in.check.rows_read) + " rows are rejected (" +
                           fmt_pct(rejected) + ")"});
  }
  // Withdrawals are measured whenever there was a roster to withdraw from: a feed built by
  // deltas alone has no whole file to compare sizes with, but its students still count.
  const bool had_roster = previous_rows.has_value() || plan.active_before > 0;
  if (had_roster) {
    const double deactivated = pct(plan.deactivated, plan.active_before);
    const std::string graduates =
        rollover_applies && in.rollover->graduated != 0
            ? " besides the " + group_thousands(in.rollover->graduated) + " graduates"
            : "";
    if (over(deactivated, p.max_deactivate_pct)) {
      r.trips.push_back({"max_deactivate_pct", p.max_deactivate_pct, deactivated,
                         group_thousands(plan.deactivated) + " of " +
                             group_thousands(plan.active_before) +
                             " active students would be deactivated" + graduates + " (" +
                             fmt_pct(deactivated) + ")"});
    }
    const double leaving = pct(plan.left_scope, plan.active_before);
    if (over(leaving, p.max_deactivate_pct)) {
      // A scope change the config made: not withdrawals, but held all the same.
      r.trips.push_back(
          {"scope_change", p.max_deactivate_pct, leaving,
           group_thousands(plan.left_scope) + " of " + group_thousands(plan.active_before) +
               " active students would be deactivated because their rows are now out of the "
               "feed's scope (" +
               fmt_pct(leaving) + ")"});
    }
  }
  if (had_roster) {
    // What a file changes, beside whom it withdraws: a file whose columns were swapped
    // deactivates nobody and changes one field for nearly everyone.
    const double updated = pct(plan.updated, plan.active_before);
    if (plan.updated >= Policy::kChangeLimitFloor && over(updated, p.max_update_pct)) {
      r.trips.push_back({"max_update_pct", p.max_update_pct, updated,
                         group_thousands(plan.updated) + " of " +
                             group_thousands(plan.active_before) +
                             " active students would be updated (" + fmt_pct(updated) + ")"});
    }
    for (const Field f : kAllFields) {
      const std::optional<double>& limit = p.max_field_change_pct[field_index(f)];
      if (!limit) continue;
      const std::uint32_t n = field_changes[field_index(f)];
      const double share = pct(n, plan.active_before);
      if (n < Policy::kChangeLimitFloor || !over(share, *limit)) continue;
      std::string name(field_name(f));
      std::replace(name.begin(), name.end(), '_', ' ');
      r.trips.push_back({"max_field_change_pct." + std::string(field_name(f)), *limit, share,
                         name + " would change for " + group_thousands(n) + " of " +
                             group_thousands(plan.active_before) + " active students (" +
                             fmt_pct(share) + "): are the file's columns in the right order?"});
    }
  }
  if (previous_rows && !in.delta) {
    const double prev = *previous_rows;
    const double drop = in.check.rows_read < prev ? pct(prev - in.check.rows_read, prev) : 0;
    if (over(drop, p.max_row_drop_pct)) {
      r.trips.push_back({"max_row_drop_pct", p.max_row_drop_pct, drop,
                         "the file has " + group_thousands(in.check.rows_read) +
                             " rows, the last committed file had " +
                             group_thousands(*previous_rows) + " (" + fmt_pct(drop) + " fewer)"});
    }
  }
  if (in.campus_policies != nullptr && in.campuses != nullptr) {
    // A campus's share: its deactivations over its students (its rows in the file plus those
    // it lost), its rejected rows over its rows.
    for (const CampusCounts& c : *in.campuses) {
      const auto it = in.campus_policies->find(c.campus);
      if (it == in.campus_policies->end()) continue;
      const CampusPolicy& cp = it->second;
      // Scope leavers are not counted here (scope_change covers them); a new year's
      // graduates are not withdrawals, at their school either.
      std::uint32_t campus_withdrawals = c.deactivated;
      if (rollover_applies) {
        const auto grads = in.rollover->graduated_by_campus.find(c.campus);
        if (grads != in.rollover->graduated_by_campus.end())
          campus_withdrawals = less(campus_withdrawals, grads->second);
      }
      const double campus_deactivated = pct(campus_withdrawals, c.rows + c.withdrawn);
      if (had_roster && cp.max_deactivate_pct && over(campus_deactivated, *cp.max_deactivate_pct)) {
        r.trips.push_back({"per_campus." + c.campus + ".max_deactivate_pct", *cp.max_deactivate_pct,
                           campus_deactivated,
                           "campus " + c.campus + ": " + group_thousands(campus_withdrawals) +
                               " of " + group_thousands(c.rows + c.withdrawn) +
                               " students would be deactivated (" + fmt_pct(campus_deactivated) +
                               ")"});
      }
      const double campus_rejected = pct(c.rejected, c.rows);
      if (cp.max_reject_pct && over(campus_rejected, *cp.max_reject_pct)) {
        r.trips.push_back({"per_campus." + c.campus + ".max_reject_pct", *cp.max_reject_pct,
                           campus_rejected,
                           "campus " + c.campus + ": " + group_thousands(c.rejected) + " of " +
                               group_thousands(c.rows) + " rows are rejected (" +
                               fmt_pct(campus_rejected) + ")"});
      }
    }
  }
  if (plan.proposed_rekeys > 0) {
    // Always held: a person confirms that the district changed IDs before students move.
    r.trips.push_back(
        {"rekey_min_students", static_cast<double>(in.rekey_min_students),
         static_cast<double>(plan.proposed_rekeys),
         group_thousands(plan.proposed_rekeys) +
             " students' state IDs vanished and as many new IDs have their name and birth date: "
             "the run proposes an ID mapping instead of " +
             group_thousands(plan.proposed_rekeys) + " deactivations and " +
             group_thousands(plan.proposed_rekeys) + " additions"});
  }
  if (in.expected_students && in.first_set) {
    // The students the first set adds, against the count the district confirmed.
    const ExpectedCount& e = *in.expected_students;
    const std::uint32_t added = in.plan.added;
    if (added < e.low() || added > e.high()) {
      const double off = 100.0 * std::abs(static_cast<double>(added) - e.count) / e.count;
      char within[32];
      std::snprintf(within, sizeof within, "%g", e.within_pct());
      const std::string range = e.low() != e.high()
                                    ? group_thousands(e.low()) + " to " + group_thousands(e.high())
                                    : group_thousands(e.count);
      r.trips.push_back({"expect.students", e.within_pct(), off,
                         "the first file adds " + group_thousands(added) +
                             " students, outside the " + range + " the district confirmed (" +
                             group_thousands(e.count) + " ±" + within + "%)"});
    }
  }
  if (rollover_file && !in.in_rollover_window) {
    // Outside the window a new year's file is no ordinary night: said as such, not as a
    // hundred safeguards at once.
    const double share = pct(in.rollover->promoted, in.plan.active_before);
    r.trips.insert(
        r.trips.begin(),
        {"school_year.rollover", 50, share,
         group_thousands(in.rollover->promoted) + " of " + group_thousands(in.plan.active_before) +
             " active students (" + fmt_pct(share) +
             ") are a grade up: this looks like the new school year's file, outside "
             "the rollover window (" +
             in.rollover_window + "). If it is, approve it, or widen school_year.rollover.window"});
  }
  r.trips.insert(r.trips.end(), in.kind_trips.begin(), in.kind_trips.end());
  if (in.test_mode) {
    r.decision = Decision::dry_run;
    r.reason = "the feed's mode is test: nothing is committed";
  } else if (!r.trips.empty()) {
    r.decision = Decision::held;
    r.reason = "a safeguard tripped";
    // Not for a new year's file within its window: the rollover's own withdrawals (the
    // graduates) and updates belong with its promotions, all or none.
    r.hold_unsafe_only = p.on_trip == OnTrip::hold_unsafe && p.commit == CommitMode::automatic &&
                         !rollover_applies && !unsafe_changes(r.trips).whole;
  } else if (p.commit == CommitMode::manual) {
    r.decision = Decision::held;
    r.reason = "policy.commit is manual: every run waits for approval";
  } else {
    r.decision = Decision::committed;
    r.reason = "no safeguard tripped";
  }
  return r;
}

}  // namespace rosterd
