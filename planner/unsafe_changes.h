// Which of a run's changes its tripped safeguards are about, for policy.on_trip: hold_unsafe. A
// file that adds 40 new students and would deactivate 30% commits the additions and updates;
// the deactivations are held as a run of their own for a person to approve or reject.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "planner/decision.h"
#include "planner/plan.h"

namespace rosterd {

// What the tripped safeguards hold. Only withdrawals can be held apart from the rest of a
// file: a trip about what the file says (rejected rows, a file cut short, a swapped column, a
// file updating nearly everyone, a proposed re-key, a new year's file, a safeguard this rosterd
// does not know) holds every change, `whole`: every row carries the fault, additions too.
struct UnsafeChanges {
  bool whole = false;
  // Withdrawals (max_deactivate_pct), or a school's own (per_campus.CODE.max_deactivate_pct, by
  // the student's school before the run).
  bool withdrawals = false;
  std::set<std::string, std::less<>> campus_withdrawals;
  // Deactivations because rows left the feed's scope (scope_change).
  bool scope_leavers = false;

  // Whether a tripped safeguard is about `c`. Additions, updates and reactivations never are
  // (no splittable safeguard counts them); nor are opt-out removals or re-keys a person decided.
  bool holds(const Change& c) const;
};

UnsafeChanges unsafe_changes(const std::vector<SafeguardTrip>& trips);

// A plan cut in two: the changes that commit now and those held for a person.
struct SplitChanges {
  std::vector<Change> committed;
  std::vector<Change> held;
  // The plan's counts less the held changes; and the held changes' own counts (with the
  // roster's active_before, which their shares are of).
  PlanCounts committed_counts;
  PlanCounts held_counts;
};

// REQUIRES: !unsafe.whole. Either part may come out empty; the caller then holds the run whole
// (nothing to commit) or as it is (nothing the trips are about).
SplitChanges split_changes(const Plan& plan, const UnsafeChanges& unsafe);

// "30 deactivations", "12 updates and 3 deactivations": what a held part holds.
std::string held_changes_phrase(const PlanCounts& held);

}  // namespace rosterd
