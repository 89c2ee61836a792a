// What a run is and where it stands, from the planner's decision to what people and later runs
// did with it: the runs table's `kind` and `decision` columns, each with one name table (the
// names are what the store keeps, and what history, reports and mail show).
#pragma once

#include <optional>
#include <string_view>

#include "planner/decision.h"

namespace rosterd {

enum class RunKind {
  ingest,    // a roster file checked, planned and decided
  rollback,  // restores what a committed run changed
  resolve,   // identity decisions applied at once (`resolve --apply`)
  missing,   // a notice: no file by the feed's deadline
  stale,     // a notice: the same file night after night
};

enum class RunState {
  running,     // begun; a crash leaves it so until the store marks it failed
  committed,   // its changes are in the roster
  held,        // waiting for a person (or for its QA report to go out)
  dry_run,     // a test feed's run: nothing written
  refused,     // the file was refused whole
  rejected,    // held, then discarded by a person
  superseded,  // held, then another run of the feed committed over it
  failed,      // stopped before it finished; nothing of it committed
  notice,      // not a run: a missing-file or stale-feed notice (RunKind says which)
};

std::string_view run_kind_name(RunKind kind);  // "ingest", "rollback", ...
std::optional<RunKind> run_kind_from_name(std::string_view name);

std::string_view run_state_name(RunState state);  // "committed", "dry-run", ...
// Also reads the notice kinds ("missing", "stale"), which the store keeps as a notice's state.
std::optional<RunState> run_state_from_name(std::string_view name);

// The state a run the planner decided starts in.
RunState run_state_of(Decision decision);

}  // namespace rosterd
