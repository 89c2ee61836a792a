#include "store/schema_migrations.h"

#include <string>

#include "core/civil_date.h"
#include "store/store_support.h"

namespace rosterd {
namespace {

void check_version(SqlDb& db, std::int64_t version, std::size_t known) {
  if (version > static_cast<std::int64_t>(known)) {
    throw StoreError("the roster store " + db.where() + " has schema version " +
                     std::to_string(version) + ", newer than this rosterd knows (" +
                     std::to_string(known) + "). Run the newer rosterd, or restore a backup.");
  }
}

}  // namespace

void migrate(SqlDb& db, const std::vector<std::string_view>& migrations) {
  // Up to date (every open but the first): no write lock needed, so opening a store never
  // waits for another instance's long commit.
  try {
    Statement current(db, "SELECT max(version) FROM schema_migrations");
    current.step();
    if (current.integer(0) >= static_cast<std::int64_t>(migrations.size())) {
      check_version(db, current.integer(0), migrations.size());
      return;
    }
  } catch (const StoreConnectionError&) {
    throw;
  } catch (const StoreError&) {
    // A new store: no schema_migrations yet.
  }
  for (std::size_t v = 1; v <= migrations.size(); ++v) {
    // A write transaction: two processes starting together take turns, and the second sees
    // the first one's migration done.
    Transaction tx(db);
    if (v == 1) {
      db.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied "
          "TEXT NOT NULL)");
    }
    Statement q(db, "SELECT 1 FROM schema_migrations WHERE version = ?");
    q.bind(1, static_cast<std::int64_t>(v));
    if (!q.step()) {
      db.exec(migrations[v - 1]);
      Statement ins(db, "INSERT INTO schema_migrations (version, applied) VALUES (?, ?)");
      ins.bind(1, static_cast<std::int64_t>(v)).bind(2, utc_timestamp()).run();
    }
    tx.commit();
  }
  Statement newer(db, "SELECT max(version) FROM schema_migrations");
  newer.step();
  check_version(db, newer.integer(0), migrations.size());
}

}  // namespace rosterd
