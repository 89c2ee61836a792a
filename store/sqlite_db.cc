#include "store/sqlite_db.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include <sqlite3.h>

#include <filesystem>

#include "core/dir_access.h"
#include "store/sqlite_writeback.h"

namespace rosterd {
namespace {

class SqliteStatement final : public StatementBackend {
 public:
  SqliteStatement(SqliteDb& db, std::string_view sql) : db_(db), sql_(sql) {
    db_.check(sqlite3_prepare_v2(db.handle(), sql_.c_str(), static_cast<int>(sql_.size()), &stmt_,
                                 nullptr),
              "preparing \"" + sql_.substr(0, 60) + "\"");
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void bind_text(int i, std::string_view text, bool copy) override {
    // An empty view may have no data pointer, which SQLite would bind as NULL.
    const char* data = text.data() != nullptr ? text.data() : "";
    bound(sqlite3_bind_text(stmt_, i, data, static_cast<int>(text.size()),
                            copy ? SQLITE_TRANSIENT : SQLITE_STATIC));
  }
  void bind_blob(int i, std::string_view bytes) override {
    const char* data = bytes.data() != nullptr ? bytes.data() : "";
    bound(sqlite3_bind_blob(stmt_, i, data, static_cast<int>(bytes.size()), SQLITE_TRANSIENT));
  }
  void bind_integer(int i, std::int64_t value) override {
    bound(sqlite3_bind_int64(stmt_, i, value));
  }
  void bind_real(int i, double value) override { bound(sqlite3_bind_double(stmt_, i, value)); }
  void bind_null(int i) override { bound(sqlite3_bind_null(stmt_, i)); }

  bool step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    const std::string doing = "\"" + sql_.substr(0, 60) + "\"";
    sqlite3_reset(stmt_);
    db_.check(rc, doing);
    return false;
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  // Ready to run again, its values kept (the bulk insert binds every one each time).
  void rewind() { sqlite3_reset(stmt_); }

  std::string_view text(int column) const override {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (p == nullptr) return {};
    return std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  std::string blob(int column) const override {
    const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
    if (p == nullptr) return {};
    return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  std::int64_t integer(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double real(int column) const override { return sqlite3_column_double(stmt_, column); }
  bool is_null(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }

 private:
  // A bind's result: checked here, so that a bulk insert's many binds cost no call each.
  void bound(int rc) const {
    if (rc != SQLITE_OK) db_.check(rc, "binding");
  }

  SqliteDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// One thread that sends a group of batches while the caller fills the next. The connection is
// used by one thread at a time: the caller hands a group over only once the one before is sent.
class BatchSender {
 public:
  // Throws std::system_error when no thread can be had.
  BatchSender() : thread_([this] { serve(); }) {}
  BatchSender(const BatchSender&) = delete;
  BatchSender& operator=(const BatchSender&) = delete;
  // Waits for the batch in hand, if any: the connection outlives no job.
  ~BatchSender() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  // Starts `job` once the job before is done. Rethrows the failure of the job before.
  void start(std::function<void()> job) {
    std::unique_lock<std::mutex> lock(mutex_);
    wait_idle(lock);
    job_ = std::move(job);
    lock.unlock();
    changed_.notify_all();
  }
  // Waits until the job in hand is done. Rethrows its failure.
  void wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    wait_idle(lock);
  }

 private:
  void wait_idle(std::unique_lock<std::mutex>& lock) {
    changed_.wait(lock, [this] { return !job_; });
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  }

  void serve() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      changed_.wait(lock, [this] { return stopping_ || job_; });
      if (!job_) return;  // stopping, nothing in hand
      lock.unlock();
      std::exception_ptr failure;
      try {
        job_();  // only start() sets job_, and only once it is empty again
      } catch (...) {
        failure = std::current_exception();
      }
      lock.lock();
      failure_ = failure;
      job_ = nullptr;
      changed_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::function<void()> job_;  // the batch being sent; empty when idle
  std::exception_ptr failure_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the rest is ready
};

// SQLite has no COPY. Rows go in batches, as one multi-row INSERT each: one statement step a
// batch keeps the table's cursor open from row to row, so rows in key order are appended on the
// B-tree's last page without a descent from the root, and the statement's set-up and tear-down
// are paid once a batch instead of once a row. The batch's values are copied into one buffer and
// bound without a further copy when the batch is full; the rows left at finish() go one by one
// through a single-row INSERT. After 16 batches, a thread sends them (the 17th alone, then 128 at
// a time) while the caller prepares and copies the next rows, so that the two overlap.
class SqliteBulkInsert : public BulkInsertBackend {
 public:
  SqliteBulkInsert(SqliteDb& db, const std::string& table, const std::vector<std::string>& columns)
      : db_(db),
        table_(table),
        columns_(columns),
        one_(db, sql_for(1)),
        integer_(columns.size(), false) {
    // The values come as text (the form COPY takes); an INTEGER column's are bound as the
    // integers they spell, which SQLite would otherwise parse itself (as a float first).
    SqliteStatement info(db, "SELECT name, type FROM pragma_table_info(?)");
    info.bind_text(1, table, true);
    while (info.step()) {
      const std::string_view name = info.text(0);
      for (std::size_t i = 0; i < columns.size(); ++i)
        if (columns[i] == name) integer_[i] = info.text(1) == "INTEGER";
    }
    const int most = sqlite3_limit(db.handle(), SQLITE_LIMIT_VARIABLE_NUMBER, -1);
    batch_rows_ = std::min<std::size_t>(
        kBatchRows, static_cast<std::size_t>(most) / std::max<std::size_t>(1, columns.size()));
  }

  void add(const std::vector<std::optional<std::string_view>>& row) override {
    // A row of another width would shift every later value into the wrong column.
    if (row.size() != columns_.size()) {
      if (sender_) sender_->wait();  // the connection is free again before the caller goes on
      throw StoreError("roster store: a row of " + std::to_string(row.size()) + " values for the " +
                       std::to_string(columns_.size()) + " columns of " + table_ +
                       "; nothing was committed.");
    }
    for (std::size_t i = 0; i < row.size(); ++i) {
      Value v;
      if (row[i]) {
        const std::string_view text = *row[i];
        if (integer_[i] && !text.empty()) {
          const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v.number);
          if (ec == std::errc() && end == text.data() + text.size()) v.kind = Value::integer;
        }
        if (v.kind != Value::integer) {
          v.kind = Value::text;
          v.offset = filling_.bytes.size();
          v.size = text.size();
          filling_.bytes.append(text);
        }
      }
      filling_.values.push_back(v);
    }
    if (batch_rows_ <= 1) {
      finish();  // no room for two rows a statement: each row goes alone
    } else if (filling_.values.size() ==
               batch_rows_ * columns_.size() * (sender_ ? kHandOver : 1)) {
      hand_over();
    }
  }

  void finish() override {
    if (sender_) {
      sender_->wait();  // rethrows a failed batch's error
      sender_.reset();
    }
    const std::size_t n = columns_.size();
    for (std::size_t at = batch_rows_ > 1 ? send(filling_) : 0; at + n <= filling_.values.size();
         at += n) {
      bind_row(one_, filling_, at, 0);
      run(one_);
    }
    filling_.clear();
  }

 private:
  // Rows a statement: enough that a statement's set-up is a small part of its cost (64 and 1,024
  // measured the same on a first load of 1M students), few enough that a short table's rows are
  // not held back long, and far below SQLite's limit on parameters (32,766) at 18 columns.
  static constexpr std::size_t kBatchRows = 64;
  // Full batches sent by the caller before a thread takes over: a run's few discrepancies or
  // changes are not worth a thread.
  static constexpr std::size_t kSenderAfter = 16;
  // Batches handed to the sender at a time: a wake-up of the other thread costs tens of
  // microseconds on a virtual machine, a batch about as much to send. Two groups are in hand,
  // one filling and one sending: at 18 values a row, ~10 MB.
  static constexpr std::size_t kHandOver = 128;

  struct Value {
    enum Kind : std::uint8_t { null, integer, text } kind = null;
    std::int64_t number = 0;
    std::size_t offset = 0, size = 0;  // text: its bytes in the batch's `bytes`
  };
  struct Batch {
    std::vector<Value> values;  // its rows, a column after another
    std::string bytes;          // their text
    void clear() {
      values.clear();
      bytes.clear();
    }
  };

  // Binds one row of `batch`, whose first value is values[at], as row `row` of `stmt`.
  void bind_row(SqliteStatement& stmt, const Batch& batch, std::size_t at, std::size_t row) const {
    const std::size_t n = columns_.size();
    for (std::size_t i = 0; i < n; ++i) {
      const Value& v = batch.values[at + i];
      const int slot = static_cast<int>(row * n + i + 1);
      switch (v.kind) {
        case Value::null:
          stmt.bind_null(slot);
          break;
        case Value::integer:
          stmt.bind_integer(slot, v.number);
          break;
        case Value::text:
          stmt.bind_text(slot, std::string_view(batch.bytes.data() + v.offset, v.size), false);
          break;
      }
    }
  }

  static void run(SqliteStatement& stmt) {
    while (stmt.step()) {
    }
    stmt.rewind();
  }

  // Sends the full batches of `batch`, a statement each. Returns where the rows left begin.
  std::size_t send(const Batch& batch) {
    const std::size_t per = batch_rows_ * columns_.size();
    std::size_t at = 0;
    for (; at + per <= batch.values.size(); at += per) {
      if (!batch_) batch_ = std::make_unique<SqliteStatement>(db_, sql_for(batch_rows_));
      for (std::size_t r = 0; r < batch_rows_; ++r)
        bind_row(*batch_, batch, at + r * columns_.size(), r);
      run(*batch_);
    }
    return at;
  }

  // Sends the rows added, a whole number of batches: itself, or through the sender.
  void hand_over() {
    // A SQLite built without thread support is never used from a second thread.
    if (!sender_ && ++batches_sent_ > kSenderAfter && !no_sender_ && sqlite3_threadsafe() != 0) {
      try {
        sender_ = std::make_unique<BatchSender>();
      } catch (const std::system_error&) {
        no_sender_ = true;  // no thread to be had: the caller sends them all
      }
    }
    if (sender_) {
      // The group before is sent first (its failure thrown here, the rows in hand dropped), so
      // sending_ is free.
      try {
        sender_->wait();
      } catch (...) {
        filling_.clear();
        throw;
      }
      std::swap(filling_, sending_);
      filling_.clear();
      sender_->start([this] { send(sending_); });
      return;
    }
    // Emptied even when the statement fails, so that the failed rows are never sent again.
    struct Empty {
      Batch& batch;
      ~Empty() { batch.clear(); }
    } empty{filling_};
    send(filling_);
  }

  std::string sql_for(std::size_t rows) const {
    std::string cols, marks;
    for (const std::string& c : columns_) {
      cols += (cols.empty() ? "" : ", ") + c;
      marks += marks.empty() ? "?" : ", ?";
    }
    std::string sql = "INSERT INTO " + table_ + " (" + cols + ") VALUES ";
    for (std::size_t r = 0; r < rows; ++r)
      sql += (r == 0 ? "(" : ", (") + marks + ")";
    return sql;
  }

  SqliteDb& db_;
  std::string table_;
  std::vector<std::string> columns_;
  SqliteStatement one_;
  std::unique_ptr<SqliteStatement> batch_;  // prepared when the first batch is full
  std::vector<bool> integer_;               // per column: declared INTEGER
  std::size_t batch_rows_ = 1;
  Batch filling_;  // the rows being added
  Batch sending_;  // the batches the sender has in hand
  std::size_t batches_sent_ = 0;
  bool no_sender_ = false;
  // Last: destroyed first, so a batch in hand is sent before what it uses goes.
  std::unique_ptr<BatchSender> sender_;
};

}  // namespace

SqliteDb::SqliteDb(const std::string& path) : path_(path) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 sqlite_writeback_vfs());
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
  if ((rc & 0xFF) == SQLITE_NOTADB) {
    throw StoreDamagedError(what +
                            ". Check that store.sqlite names rosterd's store and not another "
                            "file; if it does, " +
                            damaged_store_advice(path_, SqlDialect::sqlite));
  }
  if ((rc & 0xFF) == SQLITE_CORRUPT)
    throw StoreDamagedError(what + ". " + damaged_store_advice(path_, SqlDialect::sqlite));
  if ((rc & 0xFF) == SQLITE_BUSY || (rc & 0xFF) == SQLITE_LOCKED) {
    what += ". Another process holds the store's lock; try again when it has finished.";
  } else if ((rc & 0xFF) == SQLITE_IOERR) {
    what +=
        ". Writing the store failed (a full disk, a file size limit or a failing device); "
        "nothing was committed. Free space or fix the device, then run again.";
  } else if ((rc & 0xFF) == SQLITE_FULL) {
    what +=
        ". The disk is full; free space in the state directory and run again (nothing was "
        "committed).";
  } else if ((rc & 0xFF) == SQLITE_READONLY || (rc & 0xFF) == SQLITE_CANTOPEN) {
    // Say which: a folder mounted read-only (a disk the kernel remounted after errors, or a
    // systemd unit's ProtectSystem=) needs another fix than permissions do.
    const std::filesystem::path file(path_);
    const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : ".";
    const WriteAccess access = check_write_access(folder);
    if (!access.problem.empty() && !access.folder_at_fault) {
      what += ". The store's folder " + folder.string() + " " + access.problem +
              "; nothing was committed.";
    } else if (!access.problem.empty()) {
      what += ". The store cannot be written: its folder " + folder.string() + " " +
              access.problem + "; nothing was committed. Make the folder writable, then run again.";
    } else if ((rc & 0xFF) == SQLITE_READONLY) {
      what +=
          ". The store cannot be written: check the file's permissions (nothing was "
          "committed).";
    } else {
      what +=
          ". Check that store.sqlite names a file rosterd may open (not a folder) and the "
          "open-files limit (nothing was committed).";
    }
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

int SqliteDb::changes() const {
  return sqlite3_changes(db_);
}

std::unique_ptr<StatementBackend> SqliteDb::prepare(std::string_view sql) {
  return std::make_unique<SqliteStatement>(*this, sql);
}

std::unique_ptr<BulkInsertBackend> SqliteDb::bulk_insert(const std::string& table,
                                                         const std::vector<std::string>& columns) {
  return std::make_unique<SqliteBulkInsert>(*this, table, columns);
}

void SqliteDb::begin() {
  exec("BEGIN IMMEDIATE");
}
void SqliteDb::commit() {
  exec("COMMIT");
}
void SqliteDb::rollback() noexcept {
  sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace rosterd
