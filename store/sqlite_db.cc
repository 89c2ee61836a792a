#include "store/sqlite_db.h"

#include <sqlite3.h>

namespace rosterd {

SqliteDb::SqliteDb(const std::string& path) : path_(path) {
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open the roster store '" + path + "': " + msg +
                     ". Check that its folder exists and rosterd may write there (store.sqlite).");
  }
  sqlite3_extended_result_codes(db_, 1);
  // Another writer (a second rosterd) holds the lock at most for one run's commit.
  sqlite3_busy_timeout(db_, 30000);
}

SqliteDb::~SqliteDb() {
  sqlite3_close_v2(db_);
}

void SqliteDb::check(int rc, std::string_view doing) const {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  std::string what = std::string("roster store ") + path_ + ": " + std::string(doing) +
                     " failed: " + sqlite3_errmsg(db_);
  if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) {
    what += ". Another process holds the store's lock; try again when it has finished.";
  } else if ((rc & 0xFF) == SQLITE_FULL) {
    what +=
        ". The disk is full; free space in the state directory and run again (nothing was "
        "committed).";
  } else if ((rc & 0xFF) == SQLITE_READONLY) {
    what += ". The store is read-only; check the file's and its folder's permissions.";
  }
  throw StoreError(what);
}

void SqliteDb::exec(std::string_view sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    check(rc, "running \"" + std::string(sql.substr(0, 60)) + "\"");
    throw StoreError("roster store " + path_ + ": " + msg);
  }
}

std::int64_t SqliteDb::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}
int SqliteDb::changes() const {
  return sqlite3_changes(db_);
}

Statement::Statement(SqliteDb& db, std::string_view sql) : db_(db), sql_(sql) {
  db_.check(
      sqlite3_prepare_v2(db.handle(), sql_.c_str(), static_cast<int>(sql_.size()), &stmt_, nullptr),
      "preparing \"" + sql_.substr(0, 60) + "\"");
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int i, std::string_view text) {
  // An empty view may have no data pointer, which SQLite would bind as NULL.
  const char* data = text.data() != nullptr ? text.data() : "";
  db_.check(sqlite3_bind_text(stmt_, i, data, static_cast<int>(text.size()), SQLITE_TRANSIENT),
            "binding");
  return *this;
}
Statement& Statement::bind_static(int i, std::string_view text) {
  const char* data = text.data() != nullptr ? text.data() : "";
  db_.check(sqlite3_bind_text(stmt_, i, data, static_cast<int>(text.size()), SQLITE_STATIC),
            "binding");
  return *this;
}

Statement& Statement::bind(int i, std::int64_t value) {
  db_.check(sqlite3_bind_int64(stmt_, i, value), "binding");
  return *this;
}
Statement& Statement::bind(int i, double value) {
  db_.check(sqlite3_bind_double(stmt_, i, value), "binding");
  return *this;
}
Statement& Statement::bind_null(int i) {
  db_.check(sqlite3_bind_null(stmt_, i), "binding");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string doing = "\"" + sql_.substr(0, 60) + "\"";
  sqlite3_reset(stmt_);
  db_.check(rc, doing);
  return false;
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string_view Statement::text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (p == nullptr) return {};
  return std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}
std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
double Statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}
bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return std::string(text(column));
}
std::optional<std::int64_t> Statement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

Transaction::Transaction(SqliteDb& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace rosterd
