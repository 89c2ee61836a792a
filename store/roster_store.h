// The roster store: committed students per feed, runs, their discrepancies and changes.
//
// An interface so that a PostgreSQL store can replace the embedded SQLite one without touching
// the layers above. Every method that writes does so in one transaction: a crash leaves the
// store as before or as after, never half-written.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "planner/decision.h"
#include "planner/plan.h"
#include "store/alert_record.h"
#include "store/outbox_entry.h"
#include "store/source_file.h"
#include "store/student_record.h"
#include "validators/roster_check.h"

namespace rosterd {

struct RunRecord {
  std::int64_t id = 0;
  std::string feed;
  std::string kind;  // "ingest" or "rollback"
  std::string file_name;
  std::string sha256;
  std::uint64_t bytes = 0;
  std::string started;   // UTC, ISO 8601
  std::string finished;  // empty while running
  // running, committed, held, dry-run, refused, rejected (a held run discarded), failed
  std::string decision;
  std::string reason;
  std::optional<std::int64_t> base_run;        // the last committed run when it was planned
  std::optional<std::int64_t> target_run;      // for a rollback: the run it undoes
  std::optional<std::int64_t> rolled_back_by;  // a later rollback of this run
  std::string decided_by;                      // who approved or rejected a held run
  bool awaiting_report = false;                // held only until its QA report is delivered
  CheckCounts check;
  PlanCounts plan;
  std::vector<SafeguardTrip> trips;
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
  // Held because its QA report is not delivered yet (it would otherwise have committed).
  bool awaiting_report = false;
};

// The two locks a feed of a shared store has (docs/store.md#several-instances-on-one-store).
enum class FeedHold {
  // Which instance runs the feed: held by the service's long-lived connection, so that the
  // same instance keeps it from poll to poll and the others stand by.
  lease,
  // That a poll runs it now: held by the poll's own connection, the one its run commits on,
  // so two instances never run the feed at once even if a lease passed between them.
  run,
};

// An instance holding a feed of a shared store (docs/store.md).
struct FeedHolder {
  std::string feed;
  std::string instance;  // "rosterd@HOST:PID"
};

class RosterStore {
 public:
  virtual ~RosterStore() = default;

  // Records the feed's key column on first use; throws Error when it differs from the one
  // recorded (switching the key column would scramble students).
  virtual void check_feed_key(const std::string& feed, const std::string& key_column) = 0;

  // Records a run as `running` (committed at once, so a crash leaves a trace) and returns its id.
  // When the file came from a drop, `source_file` is its ledger record, which the same
  // transaction links to the run.
  virtual std::int64_t begin_run(const std::string& feed, const FileSummary& file,
                                 std::optional<std::int64_t> source_file = std::nullopt) = 0;

  virtual std::unique_ptr<CommittedRoster> committed(const std::string& feed) = 0;
  // The last run that changed the feed's roster (an ingest or a rollback).
  virtual std::optional<std::int64_t> last_committed_run(const std::string& feed) = 0;
  // The feed rules (describe_rules) of the feed's last committed ingest, with its id.
  virtual std::optional<std::pair<std::int64_t, std::string>> last_rules(
      const std::string& feed) = 0;
  // Rows read of the feed's last committed ingest.
  virtual std::optional<std::uint32_t> last_committed_rows(const std::string& feed) = 0;

  // In one transaction: applies the changes when the decision is `committed` (refusing with
  // StaleBaseError if another run committed since base_run), records them (with after-images
  // when `held`), the discrepancies and the run's outcome.
  virtual void finish_run(const RunOutcome& outcome) = 0;
  virtual void fail_run(std::int64_t run, const std::string& reason) = 0;
  // For the holder of `feed`'s lock, before its poll: marks failed the feed's runs that this very
  // process left `running` (its commit and then the mark itself failed, e.g. the database busy
  // behind another writer), so their files are taken again. On SQLite such a run would
  // otherwise wait for the service to restart, since its process is alive; on PostgreSQL it
  // belongs to a connection that is gone, and opening the store marks it already.
  virtual void fail_runs_left_by_this_process(const std::string& feed) = 0;

  // The last `last` runs, newest first, of one feed (or all when `feed` is empty).
  virtual std::vector<RunRecord> history(const std::string& feed, std::size_t last) = 0;
  virtual std::optional<RunRecord> run(std::int64_t id) = 0;
  virtual std::vector<Discrepancy> run_discrepancies(std::int64_t id) = 0;
  virtual std::vector<Change> run_changes(std::int64_t id) = 0;

  // Commits a held run; refused (Error) when it is not held or its base has changed.
  virtual void approve(std::int64_t id, const std::string& who) = 0;
  // Discards a held run.
  virtual void reject(std::int64_t id, const std::string& who) = 0;
  // Restores every student the run touched to its before-image, as a new run; refused when a
  // later committed run touched the same students, unless `force`. Returns the new run's id.
  virtual std::int64_t rollback(std::int64_t id, bool force, const std::string& who) = 0;

  // --- The drop ledger (source_file.h) ---

  // Notes that the drop lists `name` with this size and mtime at `now` (seconds since the
  // epoch) and returns since when it has been listed unchanged.
  virtual std::int64_t observe_file(const std::string& feed, const std::string& name,
                                    std::uint64_t size, std::int64_t mtime, std::int64_t now) = 0;
  // Forgets the observations of files no longer listed (or taken).
  virtual void forget_observations(const std::string& feed,
                                   const std::vector<std::string>& keep_names) = 0;
  // The record of this exact version of a file, if it was seen before.
  virtual std::optional<SourceFile> source_file(const std::string& feed, const std::string& name,
                                                std::uint64_t size, std::int64_t mtime) = 0;
  // An earlier file of the feed with these bytes (fetched or ingested), if any.
  virtual std::optional<SourceFile> source_file_with_sha(const std::string& feed,
                                                         const std::string& sha256) = 0;
  virtual std::optional<SourceFile> source_file(std::int64_t id) = 0;
  // Adds a record (its id is ignored) and returns its id.
  virtual std::int64_t add_source_file(const SourceFile& file) = 0;
  // Updates status, detail, local_path and after_action.
  virtual void update_source_file(const SourceFile& file) = 0;
  // Deletes a record that never ran, and the records of repeats of it, so that they are seen
  // as new at the next poll.
  virtual void forget_source_file(std::int64_t id) = 0;
  // Counts an attempt to run the file.
  virtual void note_source_attempt(std::int64_t id) = 0;
  // Files still `fetched`: never run, their run failed (a crash, a store error), or their run
  // finished but the record was not yet marked ingested; and files `ingested` whose after-action
  // was never recorded (a crash between the two). Not those whose run is still running. Oldest
  // first.
  virtual std::vector<SourceFile> pending_source_files(const std::string& feed) = 0;
  // Repeats whose after-action is still to come: kept until their original is ingested, or
  // never recorded (a crash between the record and the action). Oldest first.
  virtual std::vector<SourceFile> unsettled_repeats(const std::string& feed) = 0;
  // The last `last` records, newest first, of one feed (or all when `feed` is empty).
  virtual std::vector<SourceFile> source_files(const std::string& feed, std::size_t last) = 0;

  // --- The outbox (outbox_entry.h) ---

  // Queues `m` unless a message with `key` was queued before. A message this call queues is
  // claimed for the caller in the same transaction (as claim_mail does), so that no other sender
  // (another worker's outbox sweep, another process) takes it before the caller tries: a sweep
  // that slipped in between used to send a run's report while the run, finding it gone, was held
  // as if the server had refused it.
  virtual QueuedMail enqueue_mail(const std::string& feed, std::optional<std::int64_t> run,
                                  const std::string& list, const std::string& key,
                                  const MailMessage& m) = 0;
  // Pending messages whose next attempt is due at `now` (seconds since the epoch), oldest first.
  virtual std::vector<OutboxEntry> due_mail(std::int64_t now) = 0;
  virtual std::optional<OutboxEntry> mail(std::int64_t id) = 0;
  virtual std::optional<OutboxEntry> mail_with_key(const std::string& key) = 0;
  // Marks a pending message as being sent by this process (connection, on PostgreSQL); false
  // when another claimed it first. A message left `sending` by a crash is never resent on its
  // own (it may have gone out): `rosterd outbox` shows it as in doubt.
  virtual bool claim_mail(std::int64_t id) = 0;
  virtual void mail_sent(std::int64_t id) = 0;
  // Messages left `sending` by a process that stopped (they may or may not have gone out); not
  // those a live process is sending now.
  virtual std::vector<OutboxEntry> mail_in_doubt() = 0;
  // Leaves a message this process claimed in doubt at once: it can no longer tell whether the
  // message went out (the server took it but recording that failed), and, alive, it would
  // otherwise keep it from `rosterd outbox` and `--resend` until it stops.
  virtual void disown_mail(std::int64_t id) = 0;
  // Puts a message in doubt back in the queue (a person checked it did not arrive); false for
  // any other, including one a live process is sending now (it would go out twice).
  virtual bool requeue_mail(std::int64_t id) = 0;
  virtual void mail_failed(std::int64_t id, const std::string& error,
                           std::int64_t next_attempt) = 0;
  // Pending messages of a feed (all feeds when empty).
  virtual std::size_t mail_backlog(const std::string& feed) = 0;
  // Records a feed event as a line in the history, once per (feed, kind, key): kind `missing`
  // (no file by the deadline; key: the date) or `stale` (key: the last ingested file). Returns
  // false when it was recorded before.
  virtual bool record_event(const std::string& feed, const std::string& kind,
                            const std::string& key, const std::string& reason) = 0;
  // The feed's last file that was ingested (not a repeat), if any.
  virtual std::optional<SourceFile> last_ingested_file(const std::string& feed) = 0;
  // True when a file of the feed entered the ledger, or was first listed in its drop (still
  // being delivered), at or after `since` (seconds since the epoch).
  virtual bool file_seen_since(const std::string& feed, std::int64_t since) = 0;

  // Held runs still marked as waiting for their QA report, oldest first.
  virtual std::vector<RunRecord> awaiting_report_runs() = 0;
  // Clears a held run's awaiting-report mark (its report came too late: a person decides).
  // False when it was cleared, or the run settled, meanwhile: the caller then says nothing.
  virtual bool clear_awaiting_report(std::int64_t run) = 0;

  // --- Identity (planner/identity_match.h, docs/identity.md) ---

  // Decided alerts not yet applied, candidates of open alerts, and pending existing students.
  virtual IdentityState identity_state(const std::string& feed) = 0;
  // The feed's alerts (all feeds when empty), oldest first; only open and decided-but-unapplied
  // ones unless `all`.
  virtual std::vector<AlertRecord> alerts(const std::string& feed, bool all) = 0;
  virtual std::optional<AlertRecord> alert(std::int64_t id) = 0;
  // Records a person's decision on an open alert: `match` (with `to`, one of its candidates;
  // may be empty when it has one) or create. Throws Error saying why when it cannot be.
  virtual void resolve_alert(std::int64_t id, bool match, const std::string& to,
                             const std::string& who) = 0;
  // Rejects held run `run` and marks its proposed re-keys `create` (the next run adds them as
  // new students). Returns how many.
  virtual std::size_t reject_rekeys(std::int64_t run, const std::string& who) = 0;
  // Applies the feed's decided alerts now, in one transaction, as a committed run of kind
  // `resolve`; returns its id, or nullopt when nothing was applied. A decision that no longer
  // applies (the old ID is gone, the new one exists) is named in `skipped` and its alert
  // opened again.
  virtual std::optional<std::int64_t> apply_resolutions(const std::string& feed,
                                                        const std::string& who,
                                                        std::vector<std::string>& skipped) = 0;
  // Loads the platform's existing students for go-live reconciliation, replacing an earlier
  // import not yet used. Throws Error when the feed already has committed students.
  virtual std::size_t import_existing(const std::string& feed,
                                      const std::vector<ExistingStudent>& students) = 0;
  // The committed student now called `state_id`, with the IDs it had before and its changes.
  virtual std::optional<StudentRecord> student(const std::string& feed,
                                               const std::string& state_id) = 0;

  // --- Instances sharing one store (PostgreSQL; docs/store.md) ---

  // Takes `feed`'s `lock` for this store's connection, which keeps it until it closes
  // (however the process ends), or confirms it still has it; false when another connection
  // has it. Always true on SQLite, a store of one host (state_dir's lock files keep processes
  // apart).
  virtual bool hold_feed(const std::string& feed, FeedHold lock = FeedHold::lease) = 0;
  // Which instance holds which of `feeds`' leases now (none on SQLite).
  virtual std::vector<FeedHolder> feed_holders(const std::vector<std::string>& feeds) = 0;
  // This process, as runs and feed_holders name it.
  virtual const std::string& instance() const = 0;

  // Every committed student of the feed, sorted by state ID (kFieldCount values, Field order).
  // Throws StoreDamagedError, after the last visit, when fewer or more students were read than
  // the feed has committed (a damaged store), so a caller must not act on a partial result
  // before this returns.
  virtual void for_each_student(
      const std::string& feed,
      const std::function<void(const std::vector<std::string>&)>& visit) = 0;

  // Every sign of damage a check of the whole store finds (empty: none); `thorough` reads every
  // page too (SQLite's quick_check: seconds for a large store). `rosterd store-check`.
  virtual std::vector<std::string> damage(bool thorough) = 0;
};

class StaleBaseError : public Error {
 public:
  using Error::Error;
};

// Opens (creating and migrating) the SQLite store at `path`. Runs left `running` by a process
// that no longer exists are marked failed.
std::unique_ptr<RosterStore> open_sqlite_store(const std::string& path);

struct PostgresOptions {
  std::string conninfo;  // libpq's "host=... port=... dbname=... user=..." or a URI
  std::string password;  // read from store.postgresql.password_file; empty: libpq's own ways
};

// Connects to (and migrates, one instance at a time) the PostgreSQL store. Runs left `running`
// by a connection that no longer exists are marked failed. Throws StoreConnectionError when
// the server cannot be reached.
std::unique_ptr<RosterStore> open_postgres_store(const PostgresOptions& options);

}  // namespace rosterd
