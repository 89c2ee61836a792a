// One run of a roster file through the whole pipeline: check, plan, decide, record, commit.
// `rosterd ingest` runs it once; the daemon will run it for every file it takes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/civil_date.h"
#include "planner/decision.h"
#include "planner/kind_plan.h"
#include "planner/plan.h"
#include "planner/unsafe_changes.h"
#include "report/run_report.h"
#include "store/roster_store.h"
#include "validators/roster_check.h"

namespace rosterd {

struct IngestOutcome {
  std::int64_t run_id = 0;
  CheckResult check;
  Plan plan;  // its changes' after-images are rows of check.students
  DecisionResult decision;
  std::string rules_change;            // RunReport::rules_change
  std::string school_year;             // RunReport::school_year
  std::vector<CampusCounts> campuses;  // computed once: every report and mail shows them
  // policy.on_trip hold_unsafe: the plan cut in two, the run committing `split->committed` and
  // run `held_run` holding the rest (once recorded). Their after-images are rows of check too.
  std::optional<SplitChanges> split;
  std::optional<std::int64_t> held_run;
  // The roster's other kinds (check.kinds): what the set changes in each (planner/kind_plan.h).
  std::vector<KindPlan> kind_plans;

  IngestOutcome() = default;
  // Moving keeps the plan's changes pointing at this outcome's own check (their after-images
  // are rows of check.students, which moves with it).
  IngestOutcome(IngestOutcome&& other) noexcept;
  IngestOutcome& operator=(IngestOutcome&& other) noexcept;

  // The run's report. REQUIRES: the outcome outlives it (it points into check and plan).
  RunReport report(const std::string& feed) const;

 private:
  void repoint(const StudentTable* from);
};

// Where a roster came from when rosterd took it from a drop.
struct DropOrigin {
  std::int64_t source_file = 0;  // its ledger record
  std::string remote_name;       // recorded as the run's file name
};

class Mailer;

// What a person should do next about a run: approve or reject it when held, undo it when
// committed. `config_file` is shown in the commands. `held_run`: the part of a committed run
// a safeguard held (policy.on_trip: hold_unsafe), to approve or reject.
std::vector<std::string> next_steps(const std::string& config_file, Decision decision,
                                    std::int64_t run,
                                    std::optional<std::int64_t> held_run = std::nullopt);

// Why nothing of the feed commits on `date` (the run's as-of date): a person paused it
// (`rosterd pause`) or the date is in a school_year.blackout window; "" when runs commit as
// usual. The words go into the run's reason and `rosterd status`.
std::string commit_pause(const FeedConfig& feed, RosterStore& store, CivilDate date);

// The feed's own date at `unix` (schedule.timezone; the machine's zone when unset): the day
// the service runs the feed's files as of, and the day pauses and blackouts are read on.
CivilDate feed_today(const FeedConfig& feed, std::int64_t unix);

// Checks `roster` with the feed's rules, plans it against the committed roster, decides, and
// records the run (committing its changes when the decision is `committed`) in one transaction.
// With a `mailer` and a qa_report list, the run's QA report is handed to the SMTP server before
// anything is committed; when it cannot be (and report.required), a run that would commit is
// held until the report goes out (Mailer::deliver_due, then Mailer::settle_awaiting_runs by the
// process holding the feed). A held run is also sent to `held`.
// Throws Error for a key-column change, a store failure or a concurrent commit; the run, if it
// was begun, is then recorded as failed and nothing of it is committed.
IngestOutcome ingest_file(const FeedConfig& feed, RosterStore& store,
                          const std::filesystem::path& roster, std::size_t threads, CivilDate as_of,
                          const std::optional<DropOrigin>& origin = std::nullopt,
                          Mailer* mailer = nullptr);

}  // namespace rosterd
