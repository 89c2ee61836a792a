// One small RAII class per SQLite handle; every failure becomes a StoreError carrying SQLite's
// own message and what rosterd was doing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace rosterd {

class StoreError : public Error {
 public:
  using Error::Error;
};

class SqliteDb {
 public:
  // Opens (creating) the database file. Throws StoreError.
  explicit SqliteDb(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without results.
  void exec(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Throws StoreError for `rc` when it is not SQLITE_OK/ROW/DONE.
  void check(int rc, std::string_view doing) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Statement {
 public:
  Statement(SqliteDb& db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int i, std::string_view text);
  Statement& bind(int i, const std::string& text) { return bind(i, std::string_view(text)); }
  Statement& bind(int i, const char* text) { return bind(i, std::string_view(text)); }
  Statement& bind(int i, std::int64_t value);
  Statement& bind(int i, double value);
  Statement& bind_null(int i);
  // Binds without copying. REQUIRES: `text` stays valid until the statement is reset.
  Statement& bind_static(int i, std::string_view text);
  Statement& bind(int i, const std::optional<std::string>& text) {
    return text ? bind(i, std::string_view(*text)) : bind_null(i);
  }
  Statement& bind(int i, const std::optional<std::int64_t>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // True when a row is ready; false when done.
  bool step();
  // Steps once to completion and resets (for INSERT/UPDATE/DELETE).
  void run();
  void reset();

  std::string_view text(int column) const;  // "" for NULL
  std::int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;

 private:
  SqliteDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(SqliteDb& db);
  ~Transaction();
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace rosterd
