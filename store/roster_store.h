// The roster store: everything rosterd keeps, by concept, over one connection to the embedded
// SQLite file or the shared PostgreSQL database (sql_db.h). The concepts are concrete classes,
// one file pair each; the planner reads committed rosters through its own CommittedRoster seam.
//
// Every method that writes does so in one transaction: a crash leaves the store as before or as
// after, never half-written. A store is used by one thread at a time.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/action_log.h"
#include "store/committed_entities.h"
#include "store/committed_students.h"
#include "store/console_users.h"
#include "store/drop_ledger.h"
#include "store/feed_holds.h"
#include "store/feed_pauses.h"
#include "store/identity_decisions.h"
#include "store/mail_links.h"
#include "store/mail_lists.h"
#include "store/outbox.h"
#include "store/pg_db.h"
#include "store/run_decisions.h"
#include "store/run_pages.h"
#include "store/run_records.h"
#include "store/sql_db.h"

namespace rosterd {

class RosterStore {
 public:
  // Migrates the store on `db` and fails the runs a process or connection that is gone left
  // `running`. `instance` names this process (instance_name()).
  // `clock` (not owned; it outlives the store) stamps what the store records, and is the one
  // the mailer, the intake and the poll read: tests move it on instead of sleeping.
  RosterStore(std::unique_ptr<SqlDb> db, const std::vector<std::string_view>& migrations,
              std::string instance, const Clock& clock = process_clock());
  RosterStore(const RosterStore&) = delete;
  RosterStore& operator=(const RosterStore&) = delete;

  RunRecords& runs() { return runs_; }
  RunDecisions& decisions() { return decisions_; }
  DropLedger& ledger() { return ledger_; }
  Outbox& outbox() { return outbox_; }
  FeedHolds& holds() { return holds_; }
  CommittedStudents& students() { return students_; }
  CommittedEntities& entities() { return entities_; }
  IdentityDecisions& identity() { return identity_; }
  ConsoleUsers& users() { return users_; }
  ActionLog& actions() { return actions_; }
  RunPages& pages() { return pages_; }
  MailLists& mail_lists() { return mail_lists_; }
  MailLinks& mail_links() { return mail_links_; }
  FeedPauses& pauses() { return pauses_; }
  const Clock& clock() const { return clock_; }
  // Which database the store is on: what a caller may do alongside a read differs (libpq holds
  // a query's whole result; SQLite steps through it).
  SqlDialect dialect() const { return db_->dialect(); }

  // Every sign of damage a check of the whole store finds (empty: none); `thorough` reads every
  // page too (SQLite's quick_check: seconds for a large store). `rosterd store-check`.
  std::vector<std::string> damage(bool thorough);

 private:
  std::unique_ptr<SqlDb> db_;  // first: the concepts below use it, and go before it
  const Clock& clock_;
  ActionLog actions_;
  ConsoleUsers users_;
  FeedHolds holds_;
  CommittedStudents students_;
  CommittedEntities entities_;
  RunRecords runs_;
  RunDecisions decisions_;
  DropLedger ledger_;
  Outbox outbox_;
  IdentityDecisions identity_;
  RunPages pages_;
  MailLists mail_lists_;
  MailLinks mail_links_;
  FeedPauses pauses_;
};

// Opens (creating and migrating) the SQLite store at `path`. Runs left `running` by a process
// that no longer exists are marked failed.
std::unique_ptr<RosterStore> open_sqlite_store(const std::string& path,
                                               const Clock& clock = process_clock());

struct PostgresOptions {
  std::string conninfo;  // libpq's "host=... port=... dbname=... user=..." or a URI
  std::string password;  // read from store.postgresql.password_file; empty: libpq's own ways
  // The server closes a connection idle inside a transaction this long (PgDb).
  std::chrono::seconds stalled_after = kStalledAfterDefault;
};

// Connects to (and migrates, one instance at a time) the PostgreSQL store. Runs left `running`
// by a connection that no longer exists are marked failed. Throws StoreConnectionError when
// the server cannot be reached.
std::unique_ptr<RosterStore> open_postgres_store(const PostgresOptions& options,
                                                 const Clock& clock = process_clock());

}  // namespace rosterd
