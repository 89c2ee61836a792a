#include "store/roster_store.h"

#include "store/committed_count.h"
#include "store/pg_db.h"
#include "store/schema.h"
#include "store/schema_migrations.h"
#include "store/sqlite_db.h"
#include "store/store_support.h"

namespace rosterd {

RosterStore::RosterStore(std::unique_ptr<SqlDb> db, const std::vector<std::string_view>& migrations,
                         std::string instance, const Clock& clock)
    : db_(std::move(db)),
      clock_(clock),
      actions_(*db_, clock),
      users_(*db_, clock),
      holds_(*db_, std::move(instance)),
      students_(*db_, clock),
      entities_(*db_),
      runs_(*db_, clock, holds_, students_, entities_),
      decisions_(*db_, clock, runs_, students_, entities_, actions_),
      ledger_(*db_, clock),
      outbox_(*db_, clock, holds_),
      identity_(*db_, clock, runs_, students_, actions_),
      pages_(*db_, runs_),
      mail_lists_(*db_, clock, actions_),
      mail_links_(*db_, clock),
      pauses_(*db_, clock, actions_) {
  migrate(*db_, migrations);
  runs_.fail_abandoned();
}

std::vector<std::string> RosterStore::damage(bool thorough) {
  return find_store_damage(*db_, thorough);
}

std::unique_ptr<RosterStore> open_sqlite_store(const std::string& path, const Clock& clock) {
  auto db = std::make_unique<SqliteDb>(path);
  prepare_sqlite_connection(*db);
  return std::make_unique<RosterStore>(std::move(db), sqlite_migrations(), instance_name(), clock);
}

std::unique_ptr<RosterStore> open_postgres_store(const PostgresOptions& options,
                                                 const Clock& clock) {
  const std::string instance = instance_name();
  auto db =
      std::make_unique<PgDb>(options.conninfo, options.password, instance, options.stalled_after);
  return std::make_unique<RosterStore>(std::move(db), postgres_migrations(), instance, clock);
}

}  // namespace rosterd
