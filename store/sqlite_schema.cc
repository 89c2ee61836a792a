#include <sqlite3.h>

#include <string>

#include "core/identity_key.h"
#include "store/committed_entities.h"
#include "store/drop_ledger.h"
#include "store/feed_pauses.h"
#include "store/kind_discrepancies.h"
#include "store/mail_links.h"
#include "store/run_records.h"
#include "store/schema.h"
#include "store/sqlite_db.h"

namespace rosterd {

namespace {

const std::string kConsoleMigration = console_tables_sql("INTEGER PRIMARY KEY");
const std::string kFeedRostersMigration =
    std::string(kFeedRostersTable) + "DROP VIEW roster_current;\nCREATE VIEW roster_current AS" +
    std::string(kRosterCurrentViewSelect);

}  // namespace

const std::vector<std::string_view>& sqlite_migrations() {
  static const std::vector<std::string_view> migrations = {
      R"sql(
CREATE TABLE feeds (
  feed TEXT PRIMARY KEY,
  key_column TEXT NOT NULL,
  created TEXT NOT NULL
);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  feed TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'ingest',
  file_name TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL DEFAULT '',
  bytes INTEGER NOT NULL DEFAULT 0,
  started TEXT NOT NULL,
  finished TEXT,
  decision TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  pid INTEGER,
  host TEXT,
  base_run INTEGER,
  target_run INTEGER,
  rolled_back_by INTEGER,
  decided_by TEXT NOT NULL DEFAULT '',
  rows_read INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  rows_warned INTEGER NOT NULL DEFAULT 0,
  added INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  deactivated INTEGER NOT NULL DEFAULT 0,
  reactivated INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  kept_rejected INTEGER NOT NULL DEFAULT 0,
  active_before INTEGER NOT NULL DEFAULT 0,
  safeguards TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_feed ON runs(feed, id);
CREATE TABLE students (
  feed TEXT NOT NULL,
  state_id TEXT NOT NULL,
  local_id TEXT NOT NULL,
  first_name TEXT NOT NULL,
  middle_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  grade TEXT NOT NULL,
  campus TEXT NOT NULL,
  diagnoses TEXT NOT NULL,
  status TEXT NOT NULL,
  ela_score TEXT NOT NULL,
  math_score TEXT NOT NULL,
  digest INTEGER NOT NULL,
  added_run INTEGER NOT NULL,
  updated_run INTEGER NOT NULL,
  PRIMARY KEY (feed, state_id)
) WITHOUT ROWID;
CREATE TABLE run_changes (
  run INTEGER NOT NULL,
  state_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  changed_fields INTEGER NOT NULL,
  line INTEGER NOT NULL,
  before TEXT,
  after TEXT,
  PRIMARY KEY (run, state_id)
) WITHOUT ROWID;
CREATE INDEX run_changes_by_student ON run_changes(state_id, run);
CREATE TABLE run_discrepancies (
  run INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  line INTEGER NOT NULL,
  student_id TEXT NOT NULL,
  field TEXT NOT NULL,
  code TEXT NOT NULL,
  value TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (run, seq)
) WITHOUT ROWID;
)sql",
      // 2: the drop ledger and the observations that decide when a file is stable.
      R"sql(
CREATE TABLE source_files (
  id INTEGER PRIMARY KEY,
  feed TEXT NOT NULL,
  remote_name TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  seen_at TEXT NOT NULL,
  status TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  local_path TEXT NOT NULL DEFAULT '',
  repeat_of INTEGER REFERENCES source_files(id),
  run_id INTEGER REFERENCES runs(id),
  attempts INTEGER NOT NULL DEFAULT 0,
  after_action TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX source_files_version ON source_files(feed, remote_name, size, mtime);
CREATE INDEX source_files_by_sha ON source_files(feed, sha256);
CREATE TABLE source_observations (
  feed TEXT NOT NULL,
  remote_name TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  PRIMARY KEY (feed, remote_name)
) WITHOUT ROWID;
)sql",
      // 3: the outbox, and runs held only until their QA report is delivered.
      R"sql(
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  feed TEXT NOT NULL,
  run_id INTEGER REFERENCES runs(id),
  list TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE,
  recipients TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  attachment_name TEXT NOT NULL,
  attachment BLOB NOT NULL,
  message_id TEXT NOT NULL,
  created TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  next_attempt INTEGER NOT NULL DEFAULT 0,
  sent_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox(status, next_attempt);
ALTER TABLE runs ADD COLUMN awaiting_report INTEGER NOT NULL DEFAULT 0;
)sql",
      // 4: identity — every student's identity key (folded last name + birth date, filled by the
      // rosterd_identity_key function the store registers), platform links, alerts, ID changes
      // and the existing students of a go-live.
      R"sql(
ALTER TABLE students ADD COLUMN identity_key INTEGER NOT NULL DEFAULT 0;
ALTER TABLE students ADD COLUMN platform_id TEXT NOT NULL DEFAULT '';
UPDATE students SET identity_key = rosterd_identity_key(last_name, birth_date);
ALTER TABLE run_changes ADD COLUMN platform_id TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN rekeyed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN proposed_rekeys INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN held_for_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN kept_for_review INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN linked INTEGER NOT NULL DEFAULT 0;
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  feed TEXT NOT NULL,
  run INTEGER NOT NULL REFERENCES runs(id),
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  state_id TEXT NOT NULL,
  line INTEGER NOT NULL,
  row TEXT NOT NULL,
  candidates TEXT NOT NULL,
  resolution_to TEXT NOT NULL DEFAULT '',
  decided_by TEXT NOT NULL DEFAULT '',
  decided TEXT NOT NULL DEFAULT '',
  applied_run INTEGER,
  raised TEXT NOT NULL
);
CREATE INDEX alerts_by_feed ON alerts(feed, status);
CREATE INDEX alerts_open ON alerts(feed, kind, state_id) WHERE status = 'open';
CREATE INDEX alerts_by_run ON alerts(run);
CREATE INDEX alerts_by_applied_run ON alerts(applied_run) WHERE applied_run IS NOT NULL;
CREATE TABLE student_id_changes (
  feed TEXT NOT NULL,
  old_id TEXT NOT NULL,
  new_id TEXT NOT NULL,
  run INTEGER NOT NULL,
  changed TEXT NOT NULL,
  PRIMARY KEY (feed, new_id, run)
) WITHOUT ROWID;
CREATE TABLE existing_students (
  feed TEXT NOT NULL,
  platform_id TEXT NOT NULL,
  state_id TEXT NOT NULL,
  local_id TEXT NOT NULL,
  first_name TEXT NOT NULL,
  middle_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  grade TEXT NOT NULL,
  campus TEXT NOT NULL,
  status TEXT NOT NULL,
  imported TEXT NOT NULL,
  outcome TEXT NOT NULL DEFAULT 'pending',
  linked_state_id TEXT NOT NULL DEFAULT '',
  run INTEGER,
  PRIMARY KEY (feed, platform_id)
) WITHOUT ROWID;
)sql",
      // 5: feed rules — scope and import-rule counts of a run.
      R"sql(
ALTER TABLE runs ADD COLUMN out_of_scope INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN left_scope INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN kept_out_of_scope INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN opted_out INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN suppressed_added INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN suppressed_updated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN suppressed_deactivated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN rules TEXT NOT NULL DEFAULT '';
)sql",
      // 6: the instance (process and connection) that began a run, for the shared store's
      // recovery of runs whose instance is gone (docs/store.md).
      R"sql(
ALTER TABLE runs ADD COLUMN instance TEXT NOT NULL DEFAULT '';
)sql",
      // 7: the platform's read interface.
      kRosterCurrentView,
      // 8: who claimed an outbox message being sent, so that one whose sender is alive is not
      // taken for one a stopped process left in doubt.
      R"sql(
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
)sql",
      // 9: each feed's committed student count, and the view with it (schema.h).
      kFeedRostersMigration,
      // 10: the console's people and the log of who did what.
      kConsoleMigration,
      // 11: the mail lists people set in the console.
      mail_lists_sql(),
      // 12: a run's counts by school.
      run_campuses_sql(),
      // 13: the links in a district's mail (store/mail_links.h).
      mail_links_sql(),
      // 14: the files of a set taken together (store/drop_ledger.h).
      source_members_sql(),
      // 15: delta runs, and the index of set members by version.
      delta_runs_sql(),
      // 16: a run's school-year summary (planner/rollover.h).
      school_year_runs_sql(),
      // 17: feeds paused by a person (store/feed_pauses.h).
      feed_pauses_sql(),
      // 18: the held part of a run (policy.on_trip: hold_unsafe).
      split_runs_sql(),
      // 19: the roster's other kinds (store/committed_entities.h).
      committed_entities_sql(),
      // 20: each run's discrepancies of other kinds (store/committed_entities.h).
      kind_discrepancies_sql(),
      // 21: sections' platform courses (reference.courses).
      section_platform_courses_sql(SqlDialect::sqlite),
  };
  return migrations;
}

// rosterd_identity_key(last_name, birth_date): core/identity_key.h's key, for migration 4.
namespace {

void sqlite_identity_key(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc != 2) return sqlite3_result_null(ctx);
  const auto text = [&](int i) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(argv[i]));
    return p == nullptr
               ? std::string_view()
               : std::string_view(p, static_cast<std::size_t>(sqlite3_value_bytes(argv[i])));
  };
  sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(identity_key(text(0), text(1))));
}

}  // namespace

void prepare_sqlite_connection(SqliteDb& db) {
  // 32 MiB of page cache: a first load of a large roster spills fewer pages mid-transaction.
  db.exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA "
      "cache_size=-32768;");
  db.check(sqlite3_create_function(db.handle(), "rosterd_identity_key", 2,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                   &sqlite_identity_key, nullptr, nullptr),
           "registering rosterd_identity_key");
}

}  // namespace rosterd
