// The SQLite connection behind the embedded store; every failure becomes a StoreError carrying
// SQLite's own message and what rosterd was doing.
#pragma once

#include <string>
#include <string_view>

#include "store/sql_db.h"

struct sqlite3;

namespace rosterd {

class SqliteDb : public SqlDb {
 public:
  // Opens (creating) the database file. Throws StoreError.
  explicit SqliteDb(const std::string& path);
  ~SqliteDb() override;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  SqlDialect dialect() const override { return SqlDialect::sqlite; }
  const std::string& where() const override { return path_; }
  void exec(std::string_view sql) override;
  int changes() const override;
  std::unique_ptr<StatementBackend> prepare(std::string_view sql) override;
  std::unique_ptr<BulkInsertBackend> bulk_insert(const std::string& table,
                                                 const std::vector<std::string>& columns) override;
  void begin() override;
  void commit() override;
  void rollback() noexcept override;

  sqlite3* handle() const { return db_; }
  // Throws StoreError for `rc` when it is not SQLITE_OK/ROW/DONE.
  void check(int rc, std::string_view doing) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace rosterd
