// One run of a roster file through the whole pipeline: check, plan, decide, record, commit.
// `rosterd ingest` runs it once; the daemon will run it for every file it takes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "config/config.h"
#include "core/civil_date.h"
#include "planner/decision.h"
#include "planner/plan.h"
#include "report/run_report.h"
#include "store/roster_store.h"
#include "validators/roster_check.h"

namespace rosterd {

struct IngestOutcome {
  std::int64_t run_id = 0;
  CheckResult check;
  Plan plan;
  DecisionResult decision;

  // The run's report. REQUIRES: the outcome outlives it (it points into check and plan).
  RunReport report(const std::string& feed) const;
};

// Where a roster came from when rosterd took it from a drop.
struct DropOrigin {
  std::int64_t source_file = 0;  // its ledger record
  std::string remote_name;       // recorded as the run's file name
};

// Checks `roster` with the feed's rules, plans it against the committed roster, decides, and
// records the run (committing its changes when the decision is `committed`) in one transaction.
// Throws Error for a key-column change, a store failure or a concurrent commit; the run, if it
// was begun, is then recorded as failed and nothing of it is committed.
IngestOutcome ingest_file(const FeedConfig& feed, RosterStore& store,
                          const std::filesystem::path& roster, std::size_t threads, CivilDate as_of,
                          const std::optional<DropOrigin>& origin = std::nullopt);

}  // namespace rosterd
