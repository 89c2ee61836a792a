// The SQL connection the roster store is written against, so that one store serves SQLite and
// PostgreSQL: prepared statements with `?` parameters (PostgreSQL's are numbered for it), a
// transaction that makes writers take turns, and a bulk insert (PostgreSQL's COPY). The few
// statements whose SQL differs by database ask dialect().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace rosterd {

class StoreError : public UnavailableError {
 public:
  using UnavailableError::UnavailableError;
};

// The connection to the database server was lost: what was under way is rolled back by the
// server; a new store (a new connection) can go on.
class StoreConnectionError : public StoreError {
 public:
  using StoreError::StoreError;
};

// The store is damaged: what it holds cannot all be read (SQLite's "database disk image is
// malformed", or a feed reading fewer students than its committed count). Nothing is changed
// after one; the message says to restore the last backup.
class StoreDamagedError : public StoreError {
 public:
  using StoreError::StoreError;
};

enum class SqlDialect { sqlite, postgresql };

// What to do about a damaged store at `where` (a file or a database), for the end of a message.
// On PostgreSQL a count that disagrees more likely comes from a rosterd of an older version still
// writing (an upgrade of several instances half done) than from a damaged disk: it says both.
std::string damaged_store_advice(const std::string& where, SqlDialect dialect);

// One prepared statement of one backend (see Statement). Columns and parameters as Statement's.
class StatementBackend {
 public:
  virtual ~StatementBackend() = default;
  virtual void bind_text(int i, std::string_view text, bool copy) = 0;
  virtual void bind_blob(int i, std::string_view bytes) = 0;
  virtual void bind_integer(int i, std::int64_t value) = 0;
  virtual void bind_real(int i, double value) = 0;
  virtual void bind_null(int i) = 0;
  virtual bool step() = 0;
  virtual void reset() = 0;
  virtual std::string_view text(int column) const = 0;
  virtual std::string blob(int column) const = 0;
  virtual std::int64_t integer(int column) const = 0;
  virtual double real(int column) const = 0;
  virtual bool is_null(int column) const = 0;
};

// Rows added to one table in bulk (COPY ... FROM STDIN on PostgreSQL; batches of multi-row
// INSERTs on SQLite, sent by a thread of the insert for many rows). From the first add() until
// finish() returns or the insert is destroyed, the connection runs nothing else, even after add()
// threw. Rows are written by finish() at the latest: destroyed without it (after an exception),
// some rows may be written and some not, and a failure not yet thrown is dropped, so the
// transaction it is in must be rolled back, as Transaction does.
class BulkInsertBackend {
 public:
  virtual ~BulkInsertBackend() = default;
  // One row; nullopt is NULL. REQUIRES: as many values as columns.
  virtual void add(const std::vector<std::optional<std::string_view>>& row) = 0;
  virtual void finish() = 0;
};

class SqlDb {
 public:
  virtual ~SqlDb() = default;
  virtual SqlDialect dialect() const = 0;
  // Where the store is, for messages (a file path, or host:port/dbname); never a password.
  virtual const std::string& where() const = 0;
  // Runs one or more statements without parameters or results.
  virtual void exec(std::string_view sql) = 0;
  // Rows the last INSERT/UPDATE/DELETE changed.
  virtual int changes() const = 0;
  virtual std::unique_ptr<StatementBackend> prepare(std::string_view sql) = 0;
  virtual std::unique_ptr<BulkInsertBackend> bulk_insert(
      const std::string& table, const std::vector<std::string>& columns) = 0;
  // A write transaction; writers of one store take turns (SQLite: BEGIN IMMEDIATE; PostgreSQL:
  // a transaction-scoped advisory lock), so a read at its start sees every earlier commit.
  virtual void begin() = 0;
  virtual void commit() = 0;
  // Never throws: called from destructors.
  virtual void rollback() noexcept = 0;
};

// A prepared statement. Parameters are 1-based; `?` in the SQL.
class Statement {
 public:
  Statement(SqlDb& db, std::string_view sql) : impl_(db.prepare(sql)) {}

  Statement& bind(int i, std::string_view text) {
    impl_->bind_text(i, text, true);
    return *this;
  }
  Statement& bind(int i, const std::string& text) { return bind(i, std::string_view(text)); }
  Statement& bind(int i, const char* text) { return bind(i, std::string_view(text)); }
  Statement& bind(int i, std::int64_t value) {
    impl_->bind_integer(i, value);
    return *this;
  }
  Statement& bind(int i, double value) {
    impl_->bind_real(i, value);
    return *this;
  }
  Statement& bind_null(int i) {
    impl_->bind_null(i);
    return *this;
  }
  // Bytes that need not be text (SQLite BLOB, PostgreSQL bytea).
  Statement& bind_blob(int i, std::string_view bytes) {
    impl_->bind_blob(i, bytes);
    return *this;
  }
  // Binds without copying. REQUIRES: `text` stays valid until the statement is reset.
  Statement& bind_static(int i, std::string_view text) {
    impl_->bind_text(i, text, false);
    return *this;
  }
  Statement& bind(int i, const std::optional<std::string>& text) {
    return text ? bind(i, std::string_view(*text)) : bind_null(i);
  }
  Statement& bind(int i, const std::optional<std::int64_t>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }

  // True when a row is ready; false when done.
  bool step() { return impl_->step(); }
  // Steps once to completion and resets (for INSERT/UPDATE/DELETE).
  void run() {
    while (step()) {
    }
    reset();
  }
  // Ready to run again; parameters are cleared.
  void reset() { impl_->reset(); }

  std::string_view text(int column) const { return impl_->text(column); }  // "" for NULL
  std::string blob(int column) const { return impl_->blob(column); }
  std::int64_t integer(int column) const { return impl_->integer(column); }
  double real(int column) const { return impl_->real(column); }
  bool is_null(int column) const { return impl_->is_null(column); }
  std::optional<std::string> optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return std::string(text(column));
  }
  std::optional<std::int64_t> optional_integer(int column) const {
    if (is_null(column)) return std::nullopt;
    return integer(column);
  }

 private:
  std::unique_ptr<StatementBackend> impl_;
};

class BulkInsert {
 public:
  BulkInsert(SqlDb& db, const std::string& table, const std::vector<std::string>& columns)
      : impl_(db.bulk_insert(table, columns)) {}
  void add(const std::vector<std::optional<std::string_view>>& row) { impl_->add(row); }
  // REQUIRES: called once, before the connection runs anything else.
  void finish() { impl_->finish(); }

 private:
  std::unique_ptr<BulkInsertBackend> impl_;
};

// A write transaction, rolled back on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(SqlDb& db) : db_(db) { db_.begin(); }
  ~Transaction() {
    if (!done_) db_.rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    done_ = true;
  }

 private:
  SqlDb& db_;
  bool done_ = false;
};

}  // namespace rosterd
