// Decides what happens to a run: committed, held for approval, a dry run, or refused.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "planner/campus_counts.h"
#include "planner/plan.h"
#include "planner/policy.h"
#include "planner/rollover.h"

namespace rosterd {

enum class Decision { committed, held, dry_run, refused };

std::string_view decision_name(Decision d);  // "committed", "held", "dry-run", "refused"

// A safeguard that tripped: its name (the policy key), its limit and the value this run has.
struct SafeguardTrip {
  std::string name;
  double limit = 0;
  double value = 0;
  std::string explanation;  // e.g. "412 of 8,240 active students would be deactivated"
};

struct DecisionInput {
  bool refused = false;
  bool test_mode = false;  // the feed's mode is test
  Policy policy;
  CheckCounts check;
  PlanCounts plan;
  // Rows read of the last committed file of the feed; nullopt before the first commit.
  std::optional<std::uint32_t> previous_rows;
  // The file lists changes only (a OneRoster delta): its size says nothing of the roster's, so
  // max_row_drop_pct does not apply; every other safeguard does, to what it changes.
  bool delta = false;
  // Students updated with a new value of each field (field_change_counts).
  std::array<std::uint32_t, kFieldCount> field_changes{};
  // The file's changes sorted by the school-year rollover (school_year.rollover), and whether
  // the run's date is within its window. Within it, the safeguards count what the rollover
  // does not explain; outside it, a file that looks like a new year's is held saying so.
  const RolloverCounts* rollover = nullptr;
  bool in_rollover_window = false;
  std::string rollover_window;  // "06-15..09-30", for the messages
  // `expect: {students: ...}`, and whether this would be the feed's first committed set (the
  // only one the count gates: a first set is all additions).
  std::optional<ExpectedCount> expected_students;
  bool first_set = false;
  // identity.rekey_min_students: reported as the limit of a re-key's trip.
  std::uint32_t rekey_min_students = 0;
  // Per-campus thresholds and the run's counts by campus (planner/campus_counts.h).
  const std::map<std::string, CampusPolicy, std::less<>>* campus_policies = nullptr;
  const std::vector<CampusCounts>* campuses = nullptr;
  // The other kinds' tripped safeguards (planner/kind_plan.h, kind_trips): each holds the run
  // whole, as a trip about the file.
  std::vector<SafeguardTrip> kind_trips;
};

struct DecisionResult {
  Decision decision = Decision::dry_run;
  std::vector<SafeguardTrip> trips;
  // Why, in a sentence (e.g. "policy.commit is manual").
  std::string reason;
  // Held, and policy.on_trip is hold_unsafe and no trip is about the file as a whole: the
  // changes the trips are about (planner/unsafe_changes.h) are to be held as a run of their
  // own, the rest committed. The caller cuts the plan; when either part is empty it keeps the
  // run held whole.
  bool hold_unsafe_only = false;
};

// The first committed file of a feed skips the row-drop and deactivation safeguards (there is
// nothing to drop from); the reject share applies always. Safeguards are computed and reported
// in test mode too, so that a test import shows what a live run would do.
DecisionResult decide(const DecisionInput& in);

}  // namespace rosterd
