// What a person does about runs and sees of them: the history, one run in full, and the
// decisions (approve or reject a held run, roll a committed one back).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "report/run_report.h"
#include "store/roster_store.h"

namespace rosterd {

// The last `last` runs, newest first, of one feed (or all when `feed` is empty).
std::vector<RunRecord> run_history(RosterStore& store, const std::string& feed, std::size_t last);

// Each other kind's counts recorded for run `run` (docs/whole-roster.md), in EntityKind order;
// empty for a run of a feed that takes students only.
std::vector<KindRunCounts> run_kind_counts(RosterStore& store, std::int64_t run);

// One run in full, as it stands now.
struct RunView {
  RunRecord run;
  std::vector<Discrepancy> discrepancies;  // every one it recorded, refusal included
  std::vector<Change> changes;
  std::vector<IdentityAlert> alerts;       // the alerts it raised, as they stand
  std::vector<ActionRecord> actions;       // who decided about it, oldest first
  std::vector<KindRunCounts> kind_counts;  // each other kind's counts (docs/whole-roster.md)
  // And the first kKindDiscrepanciesShown of each kind's discrepancies (`kind` set).
  static constexpr std::size_t kKindDiscrepanciesShown = 10000;
  std::vector<Discrepancy> kind_discrepancies;
  // The run holding the part of its file a safeguard held (policy.on_trip: hold_unsafe).
  std::optional<RunRecord> held_part;

  // Its report. REQUIRES: the view outlives it (the report points into it).
  RunReport report() const;

 private:
  friend RunView show_run(RosterStore& store, std::int64_t id);
  std::vector<Discrepancy> rows_;  // `discrepancies` without the refusal
};

// Throws NotFoundError when there is no run `id`.
RunView show_run(RosterStore& store, std::int64_t id);

// Commits held run `id` as `by`; returns it as it now stands. Throws NotFoundError, or Error
// saying why it cannot be (not held, superseded, its base changed).
RunRecord approve_run(RosterStore& store, std::int64_t id, const Actor& by);
// Discards held run `id`; returns it as it now stands.
RunRecord reject_run(RosterStore& store, std::int64_t id, const Actor& by);
// Restores what committed run `id` changed, as a new run, which it returns. Refused when a later
// committed run touched the same students, unless `force`.
RunRecord rollback_run(RosterStore& store, std::int64_t id, bool force, const Actor& by);

}  // namespace rosterd
