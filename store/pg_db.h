// The PostgreSQL connection behind the shared store (libpq): prepared statements cached per
// connection, COPY for bulk inserts, and the store-wide write lock. A lost connection becomes a
// StoreConnectionError; the server rolls back what it was doing.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "store/sql_db.h"

struct pg_conn;
struct pg_result;

namespace rosterd {

// Advisory-lock classes (the first key of PostgreSQL's two-key advisory locks), so that
// rosterd's locks never meet another application's in the same database.
inline constexpr int kWriteLockClass = 0x524f5357;     // "ROSW": one writer at a time
inline constexpr int kFeedLockClass = 0x524f5346;      // "ROSF": the instance that runs a feed
inline constexpr int kRunLockClass = 0x524f5352;       // "ROSR": the poll that runs a feed now
inline constexpr int kInstanceLockClass = 0x524f5349;  // "ROSI": a service sharing the feeds
inline constexpr int kBusyLockClass = 0x524f5342;      // "ROSB": that service's workers all run
inline constexpr int kFeedsLockClass = 0x524f5343;     // "ROSC": the feeds it has, as a hash

// How long a connection may sit idle inside a transaction before the server closes it, unless
// store.postgresql.stalled_after says otherwise (PgDb).
inline constexpr std::chrono::seconds kStalledAfterDefault{300};

class PgDb : public SqlDb {
 public:
  // Connects with `conninfo` (libpq's key=value or URI form) and `password` (may be empty:
  // then libpq's own ways apply, e.g. ~/.pgpass). `application_name` names this instance in
  // pg_stat_activity. The server closes the connection when it sits inside a transaction,
  // doing nothing, for `stalled_after`: a stalled process (stopped, swapping) must not hold
  // the store's write lock, and so every other instance's commits, for ever; its next
  // statement then fails as a lost connection. Throws StoreError naming the server and what to
  // check.
  PgDb(const std::string& conninfo, const std::string& password,
       const std::string& application_name,
       std::chrono::seconds stalled_after = kStalledAfterDefault);
  ~PgDb() override;
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;

  SqlDialect dialect() const override { return SqlDialect::postgresql; }
  const std::string& where() const override { return where_; }
  void exec(std::string_view sql) override;
  int changes() const override { return changes_; }
  std::unique_ptr<StatementBackend> prepare(std::string_view sql) override;
  std::unique_ptr<BulkInsertBackend> bulk_insert(const std::string& table,
                                                 const std::vector<std::string>& columns) override;
  void begin() override;
  void commit() override;
  void rollback() noexcept override;

  pg_conn* handle() const { return conn_; }
  void set_changes(int n) { changes_ = n; }
  // Throws StoreError (StoreConnectionError when the connection is gone) unless `res` is one
  // of the good statuses; clears `res` when it throws.
  void check(pg_result* res, std::string_view doing) const;
  // The name of the prepared statement for `sql` (with `?` parameters), preparing it once.
  const std::string& prepared(std::string_view sql, int& parameters);

 private:
  pg_conn* conn_ = nullptr;
  std::string where_;
  int changes_ = 0;
  // What a lost connection is told by (check): when the server last answered, and whether
  // it then stood inside a transaction. Idle so past stalled_after_, the server closed it.
  std::chrono::milliseconds stalled_after_;
  mutable std::chrono::steady_clock::time_point answered_{};
  mutable bool in_transaction_ = false;
  std::map<std::string, std::pair<std::string, int>, std::less<>> statements_;
};

// The server a conninfo names, for messages: host, port, dbname and user only (never a
// password, whatever form the conninfo has).
std::string describe_conninfo(const std::string& conninfo);

// `sql` with `?` and `?N` parameters as PostgreSQL's `$N`; sets `parameters` to their count.
std::string number_parameters(std::string_view sql, int& parameters);

}  // namespace rosterd
