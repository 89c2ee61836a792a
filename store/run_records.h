// The history of runs (runs, run_changes, run_discrepancies): a run begun as `running`, finished
// in one transaction with its changes, discrepancies and outcome (committing the changes when
// the decision is to commit), or failed; the notices a feed's history also holds (a missing or
// stale file); and what the plan needs of a feed's last committed run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "planner/campus_counts.h"
#include "planner/decision.h"
#include "planner/plan.h"
#include "planner/run_state.h"
#include "store/committed_entities.h"
#include "store/committed_students.h"
#include "store/feed_holds.h"
#include "store/sql_db.h"
#include "validators/roster_check.h"

namespace rosterd {

struct RunRecord {
  std::int64_t id = 0;
  std::string feed;
  RunKind kind = RunKind::ingest;
  std::string file_name;
  std::string sha256;
  std::uint64_t bytes = 0;
  std::string started;   // UTC, ISO 8601
  std::string finished;  // empty while running
  RunState state = RunState::running;
  std::string reason;
  std::optional<std::int64_t> base_run;        // the last committed run when it was planned
  std::optional<std::int64_t> target_run;      // for a rollback: the run it undoes
  std::optional<std::int64_t> rolled_back_by;  // a later rollback of this run
  std::string decided_by;                      // who approved or rejected a held run
  bool awaiting_report = false;                // held only until its QA report is delivered
  CheckCounts check;
  PlanCounts plan;
  std::vector<SafeguardTrip> trips;
  // The school-year rollover's summary of the run (planner/rollover.h); "" when none.
  std::string school_year;
  // policy.on_trip hold_unsafe cut the file's changes in two: this run committed the safe part
  // and `held_part` holds the rest; or this run is that held part, of run `split_of`.
  std::optional<std::int64_t> held_part;
  std::optional<std::int64_t> split_of;
};

// What finish_run records.
struct RunOutcome {
  std::int64_t run_id = 0;
  std::string feed;
  Decision decision = Decision::dry_run;
  std::string reason;
  std::vector<SafeguardTrip> trips;
  CheckCounts check;
  PlanCounts plan;
  std::optional<std::int64_t> base_run;
  std::optional<Discrepancy> refusal;
  const std::vector<Discrepancy>* discrepancies = nullptr;
  const std::vector<Change>* changes = nullptr;
  // The plan's identity alerts and the decisions it applies (recorded when committed or held).
  const std::vector<IdentityAlert>* alerts = nullptr;
  const std::vector<std::int64_t>* applied_resolutions = nullptr;
  const std::vector<std::int64_t>* reopened_resolutions = nullptr;
  // The feed rules the run was planned with (describe_rules).
  std::string rules;
  // The school-year rollover's summary of the run; "" when none.
  std::string school_year;
  // Held because its QA report is not delivered yet (it would otherwise have committed).
  bool awaiting_report = false;
  // Its counts by school (kept for the console's run page), when the run planned.
  const std::vector<CampusCounts>* campuses = nullptr;
  // policy.on_trip hold_unsafe: the changes a tripped safeguard is about, recorded in the same
  // transaction as a held run of their own (base_run: this run, which must commit), with their
  // counts and reason; the run's own `changes` and `plan` are then the part it commits. Null:
  // no held part.
  const std::vector<Change>* held_changes = nullptr;
  PlanCounts held_plan;
  std::string held_reason;
  // The roster's other kinds (store/committed_entities.h): each kind's plan, applied with the
  // students' changes when committed, recorded when committed or held (approval applies them),
  // and each kind's counts, recorded always. Null: students alone.
  const std::vector<KindPlan>* kind_plans = nullptr;
  std::vector<KindRunCounts> kind_counts;
  // Each other kind's file as checked, for its discrepancies (the store keeps them).
  const std::vector<KindCheckResult>* kinds = nullptr;
};

class RunRecords {
 public:
  // `holds` tells which processes are alive and names this one; `students` and `entities`
  // apply changes. None is owned.
  // `clock` stamps when runs start, finish and fail.
  RunRecords(SqlDb& db, const Clock& clock, FeedHolds& holds, CommittedStudents& students,
             CommittedEntities& entities)
      : db_(db), clock_(clock), holds_(holds), students_(students), entities_(entities) {}

  // Records the feed's key column on first use; throws Error when it differs from the one
  // recorded (switching the key column would scramble students).
  void check_feed_key(const std::string& feed, const std::string& key_column);

  // Records a run as `running` (committed at once, so a crash leaves a trace) and returns its id.
  // When the file came from a drop, `source_file` is its ledger record, which the same
  // transaction links to the run.
  std::int64_t begin(const std::string& feed, const FileSummary& file,
                     std::optional<std::int64_t> source_file = std::nullopt);
  // In one transaction: applies the changes when the decision is `committed` (refusing with
  // StaleBaseError if another run committed since base_run), records them (with after-images
  // when `held`), the discrepancies and the run's outcome; a commit supersedes the feed's other
  // held runs. With held_changes, also records the held part as a run of its own and returns
  // its id (the caller mails it).
  std::optional<std::int64_t> finish(const RunOutcome& outcome);
  void fail(std::int64_t run, const std::string& reason);
  // For the holder of `feed`'s lock, before its poll: marks failed the feed's runs that this very
  // process left `running` (its commit and then the mark itself failed, e.g. the database busy
  // behind another writer), so their files are taken again. On SQLite such a run would
  // otherwise wait for the service to restart, since its process is alive; on PostgreSQL it
  // belongs to a connection that is gone, and opening the store marks it already.
  void fail_left_by_this_process(const std::string& feed);
  // Runs left `running` by a process (SQLite: on this host) or, on PostgreSQL, a connection
  // that is gone: they can never finish, since a run commits on the connection it began on.
  // Called when the store opens.
  void fail_abandoned();

  // The last `last` runs, newest first, of one feed (or all when `feed` is empty).
  std::vector<RunRecord> history(const std::string& feed, std::size_t last);
  std::optional<RunRecord> get(std::int64_t id);
  std::vector<Discrepancy> discrepancies(std::int64_t id);
  std::vector<Change> changes(std::int64_t id);
  // Its counts by school, by campus code (empty for a run before they were kept).
  std::vector<CampusCounts> campuses(std::int64_t id);

  // The last run that changed the feed's roster (an ingest, a rollback, applied decisions).
  std::optional<std::int64_t> last_committed(const std::string& feed);
  // The feed rules (describe_rules) of the feed's last committed ingest, with its id.
  std::optional<std::pair<std::int64_t, std::string>> last_rules(const std::string& feed);
  // The feed's oldest held run of a delta set, if any: later deliveries wait for it (a delta's
  // changes are lost if another commits past it).
  std::optional<std::int64_t> held_delta(const std::string& feed);
  // Rows read of the feed's last committed ingest of a whole roster (not a delta). A file whose
  // held part (policy.on_trip: hold_unsafe) is not committed is no measure: its withdrawals
  // are not in the roster, and a file cut short would become the next one's baseline.
  std::optional<std::uint32_t> last_committed_rows(const std::string& feed);

  // Records a notice as a line in the feed's history, once per (feed, kind, key): kind
  // `missing` (no file by the deadline; key: the date) or `stale` (key: the last ingested file).
  // Returns false when it was recorded before.
  bool record_notice(const std::string& feed, RunKind kind, const std::string& key,
                     const std::string& reason);

  // Held runs still marked as waiting for their QA report, oldest first.
  std::vector<RunRecord> awaiting_report();
  // Clears a held run's awaiting-report mark (its report came too late: a person decides).
  // False when it was cleared, or the run settled, meanwhile: the caller then says nothing.
  bool clear_awaiting_report(std::int64_t run);

  // --- For the store's other writers, inside their transactions ---

  // Records a run's changes: before-images (to roll back), and after-images when `held`.
  void record_changes(std::int64_t run, const std::vector<Change>& changes, Decision decision);
  // The feed's other held runs, now that `run` has committed, can never be approved: their plan's
  // base is gone (a later run, or an older held run approved or sent its report, committed over
  // it). They become `superseded` (their proposals dismissed, as a rejection does), so that
  // history stops showing them as waiting for a person; unless `run` is a delta, which restates
  // nothing and leaves them held. REQUIRES: inside the transaction that commits `run`.
  void supersede_held(const std::string& feed, std::int64_t run);
  // Run `id`, which must be held for a person to `verb` ("approve", "reject"); throws Error
  // saying what it is otherwise.
  RunRecord held(std::int64_t id, const char* verb);

 private:
  // The held part of outcome `o` as a held run of its own; returns its id. REQUIRES: inside
  // the transaction that commits o.run_id.
  std::int64_t record_held_part(const RunOutcome& o);
  void record_discrepancies(std::int64_t run, const std::optional<Discrepancy>& refusal,
                            const std::vector<Discrepancy>* list);

  SqlDb& db_;
  const Clock& clock_;
  FeedHolds& holds_;
  CommittedStudents& students_;
  CommittedEntities& entities_;
};

class StaleBaseError : public Error {
 public:
  using Error::Error;
};

// The migration that gives runs their school-year summary (both stores).
std::string_view school_year_runs_sql();
// The migration that links a held part to the run that committed the rest (both stores).
std::string_view split_runs_sql();

}  // namespace rosterd
