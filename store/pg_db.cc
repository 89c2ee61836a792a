#include "store/pg_db.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace rosterd {
namespace {

std::string trimmed(const char* message) {
  std::string s = message != nullptr ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

class PgStatement : public StatementBackend {
 public:
  PgStatement(PgDb& db, std::string_view sql) : db_(db), sql_(sql) {
    name_ = db_.prepared(sql, parameters_);
    values_.resize(static_cast<std::size_t>(parameters_));
    null_.assign(static_cast<std::size_t>(parameters_), 1);
    binary_.assign(static_cast<std::size_t>(parameters_), 0);
  }
  ~PgStatement() override { PQclear(res_); }

  void bind_text(int i, std::string_view text, bool) override {
    slot(i).assign(text.data() != nullptr ? text.data() : "", text.size());
    set(i, false, false);
  }
  void bind_blob(int i, std::string_view bytes) override {
    slot(i).assign(bytes.data() != nullptr ? bytes.data() : "", bytes.size());
    set(i, false, true);
  }
  void bind_integer(int i, std::int64_t value) override {
    slot(i) = std::to_string(value);
    set(i, false, false);
  }
  void bind_real(int i, double value) override {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    slot(i) = buf;
    set(i, false, false);
  }
  void bind_null(int i) override {
    slot(i).clear();
    set(i, true, false);
  }

  bool step() override {
    if (res_ == nullptr) execute();
    ++row_;
    return row_ < rows_;
  }
  void reset() override {
    PQclear(res_);
    res_ = nullptr;
    row_ = -1;
    rows_ = 0;
    null_.assign(null_.size(), 1);
    binary_.assign(binary_.size(), 0);
  }

  std::string_view text(int column) const override {
    return std::string_view(PQgetvalue(res_, row_, column),
                            static_cast<std::size_t>(PQgetlength(res_, row_, column)));
  }
  std::string blob(int column) const override {
    // bytea in text form: "\x" and two hex digits a byte.
    const std::string_view hex = text(column);
    std::string out;
    if (hex.size() < 2 || hex[0] != '\\' || hex[1] != 'x') return std::string(hex);
    out.reserve((hex.size() - 2) / 2);
    const auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    for (std::size_t i = 2; i + 1 < hex.size(); i += 2)
      out += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    return out;
  }
  std::int64_t integer(int column) const override {
    const std::string_view t = text(column);
    std::int64_t value = 0;
    std::from_chars(t.data(), t.data() + t.size(), value);
    return value;
  }
  double real(int column) const override {
    return std::strtod(PQgetvalue(res_, row_, column), nullptr);
  }
  bool is_null(int column) const override { return PQgetisnull(res_, row_, column) != 0; }

 private:
  std::string& slot(int i) {
    if (i < 1 || i > parameters_)
      throw StoreError("roster store: parameter " + std::to_string(i) + " is out of range for \"" +
                       sql_.substr(0, 60) + "\"");
    return values_[static_cast<std::size_t>(i - 1)];
  }
  void set(int i, bool null, bool binary) {
    null_[static_cast<std::size_t>(i - 1)] = null ? 1 : 0;
    binary_[static_cast<std::size_t>(i - 1)] = binary ? 1 : 0;
  }

  void execute() {
    std::vector<const char*> ptrs(values_.size());
    std::vector<int> lengths(values_.size());
    for (std::size_t i = 0; i < values_.size(); ++i) {
      ptrs[i] = null_[i] ? nullptr : values_[i].c_str();
      lengths[i] = static_cast<int>(values_[i].size());
    }
    PGresult* res = PQexecPrepared(db_.handle(), name_.c_str(), parameters_, ptrs.data(),
                                   lengths.data(), binary_.data(), 0);
    db_.check(res, "\"" + sql_.substr(0, 60) + "\"");  // clears `res` when it throws
    res_ = res;
    if (PQresultStatus(res_) == PGRES_TUPLES_OK) {
      rows_ = PQntuples(res_);
    } else {
      rows_ = 0;
      db_.set_changes(std::atoi(PQcmdTuples(res_)));
    }
    row_ = -1;
  }

  PgDb& db_;
  std::string sql_;
  std::string name_;
  int parameters_ = 0;
  std::vector<std::string> values_;
  std::vector<char> null_;
  std::vector<int> binary_;
  pg_result* res_ = nullptr;
  int row_ = -1;
  int rows_ = 0;
};

// COPY ... FROM STDIN in text format, sent a megabyte at a time.
class PgBulkInsert : public BulkInsertBackend {
 public:
  PgBulkInsert(PgDb& db, const std::string& table, const std::vector<std::string>& columns)
      : db_(db), table_(table) {
    std::string cols;
    for (const std::string& c : columns)
      cols += (cols.empty() ? "" : ", ") + c;
    PGresult* res = PQexec(db_.handle(), ("COPY " + table + " (" + cols + ") FROM STDIN").c_str());
    if (PQresultStatus(res) != PGRES_COPY_IN) {
      db_.check(res, "starting COPY into " + table);
      PQclear(res);
      throw StoreError("roster store " + db_.where() + ": COPY into " + table + " did not start");
    }
    PQclear(res);
    open_ = true;
  }
  ~PgBulkInsert() override {
    if (open_) {
      // Abandoned (an exception): end the COPY with an error so the connection is usable.
      PQputCopyEnd(db_.handle(), "abandoned");
      while (PGresult* r = PQgetResult(db_.handle()))
        PQclear(r);
    }
  }

  void add(const std::vector<std::optional<std::string_view>>& row) override {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i != 0) buffer_ += '\t';
      if (!row[i]) {
        buffer_ += "\\N";
        continue;
      }
      // Runs of ordinary bytes are copied whole; only COPY's own separators are escaped.
      std::string_view rest = *row[i];
      while (!rest.empty()) {
        const std::size_t special = rest.find_first_of("\\\t\n\r");
        buffer_.append(rest.substr(0, special));
        if (special == std::string_view::npos) break;
        const char c = rest[special];
        buffer_ += '\\';
        buffer_ += c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
        rest.remove_prefix(special + 1);
      }
    }
    buffer_ += '\n';
    if (buffer_.size() >= (1u << 20)) flush();
  }

  void finish() override {
    flush();
    open_ = false;
    if (PQputCopyEnd(db_.handle(), nullptr) != 1) fail("ending COPY");
    PGresult* res = PQgetResult(db_.handle());
    db_.check(res, "COPY into " + table_);
    db_.set_changes(std::atoi(PQcmdTuples(res)));
    PQclear(res);
    while (PGresult* r = PQgetResult(db_.handle()))
      PQclear(r);
  }

 private:
  void flush() {
    if (buffer_.empty()) return;
    if (PQputCopyData(db_.handle(), buffer_.data(), static_cast<int>(buffer_.size())) != 1)
      fail("sending COPY data");
    buffer_.clear();
  }
  [[noreturn]] void fail(const std::string& doing) {
    const std::string message = trimmed(PQerrorMessage(db_.handle()));
    if (PQstatus(db_.handle()) == CONNECTION_BAD) {
      open_ = false;
      throw StoreConnectionError("roster store " + db_.where() + ": " + doing +
                                 " failed: the connection was lost (" + message +
                                 "). Nothing of it was committed.");
    }
    throw StoreError("roster store " + db_.where() + ": " + doing + " failed: " + message);
  }

  PgDb& db_;
  std::string table_;
  std::string buffer_;
  bool open_ = false;
};

}  // namespace

std::string describe_conninfo(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string why = trimmed(error);
    PQfreemem(error);
    return "store.postgresql.conninfo does not parse: " + why;
  }
  std::string out;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    const std::string key = o->keyword;
    if (o->val == nullptr || *o->val == '\0') continue;
    if (key == "host" || key == "hostaddr" || key == "port" || key == "dbname" || key == "user")
      out += (out.empty() ? "" : " ") + key + "=" + o->val;
  }
  PQconninfoFree(options);
  return out.empty() ? "libpq's defaults" : out;
}

std::string number_parameters(std::string_view sql, int& parameters) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  int highest = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (c != '?' || quoted) {
      out += c;
      continue;
    }
    std::size_t j = i + 1;
    while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9')
      ++j;
    const int n = j > i + 1 ? std::atoi(std::string(sql.substr(i + 1, j - i - 1)).c_str()) : ++next;
    highest = std::max(highest, n);
    out += '$' + std::to_string(n);
    i = j - 1;
  }
  parameters = highest;
  return out;
}

PgDb::PgDb(const std::string& conninfo, const std::string& password,
           const std::string& application_name, std::chrono::seconds stalled_after)
    : stalled_after_(stalled_after) {
  // The configured conninfo first; what follows fills in (or overrides) what rosterd needs.
  std::vector<const char*> keys{"dbname"};
  std::vector<const char*> values{conninfo.c_str()};
  if (!password.empty()) {
    keys.push_back("password");
    values.push_back(password.c_str());
  }
  keys.push_back("application_name");
  values.push_back(application_name.c_str());
  keys.push_back("client_encoding");
  values.push_back("UTF8");
  // A server that vanished without closing the connection is noticed within ~30 s.
  for (const auto& [k, v] :
       {std::pair{"keepalives", "1"}, std::pair{"keepalives_idle", "10"},
        std::pair{"keepalives_interval", "5"}, std::pair{"keepalives_count", "3"}}) {
    keys.push_back(k);
    values.push_back(v);
  }
  if (conninfo.find("connect_timeout") == std::string::npos) {
    keys.push_back("connect_timeout");
    values.push_back("10");
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), 1);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = conn_ ? trimmed(PQerrorMessage(conn_)) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreConnectionError(
        "cannot connect to the PostgreSQL roster store (" + describe_conninfo(conninfo) +
        "): " + message +
        ". Check that the server is running and reachable, the conninfo, and the password in "
        "store.postgresql.password_file.");
  }
  // The server's notices ("relation already exists, skipping") are not rosterd's to print.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  where_ = std::string("postgresql://") + PQhost(conn_) + ":" + PQport(conn_) + "/" + PQdb(conn_);
  // The server notices a client that vanished (a killed host) within ~30 s and releases its
  // locks: another instance takes its feeds over.
  try {
    exec(
        "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET "
        "tcp_keepalives_count = 3; SET bytea_output = 'hex'; SET "
        "idle_in_transaction_session_timeout = " +
        std::to_string(std::chrono::milliseconds(stalled_after).count()));
  } catch (...) {
    // No destructor runs for an object whose constructor throws: the connection is closed
    // here, or each failed attempt would leave a session on the server.
    PQfinish(conn_);
    conn_ = nullptr;
    throw;
  }
}

PgDb::~PgDb() {
  PQfinish(conn_);
}

void PgDb::check(pg_result* res, std::string_view doing) const {
  const ExecStatusType status = res == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(res);
  const auto now = std::chrono::steady_clock::now();
  const bool stalled = in_transaction_ && now - answered_ >= stalled_after_;
  answered_ = now;
  const PGTransactionStatusType transaction = PQtransactionStatus(conn_);
  in_transaction_ = transaction == PQTRANS_INTRANS || transaction == PQTRANS_INERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN) return;
  std::string message = res != nullptr ? trimmed(PQresultErrorMessage(res)) : "";
  if (message.empty()) message = trimmed(PQerrorMessage(conn_));
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  PQclear(res);
  const std::string what =
      "roster store " + where_ + ": " + std::string(doing) + " failed: " + message;
  // Idle inside a transaction past idle_in_transaction_session_timeout, the server closed the
  // connection (25P03, when libpq has read it; else only the closed connection says so): this
  // process stalled, the database is fine.
  if (sqlstate == "25P03" || (stalled && PQstatus(conn_) == CONNECTION_BAD)) {
    throw StoreConnectionError(
        what +
        ". The connection to PostgreSQL was lost after it sat inside a transaction for longer "
        "than store.postgresql.stalled_after, when the server closes it: most likely this "
        "process stalled (stopped, or short of memory or CPU). Nothing of what was under way "
        "was committed; rosterd connects again.");
  }
  // Class 08 is a connection exception; 57P01-03: the server is shutting down or killed us.
  if (PQstatus(conn_) == CONNECTION_BAD || sqlstate.rfind("08", 0) == 0 ||
      sqlstate.rfind("57P0", 0) == 0) {
    throw StoreConnectionError(what +
                               ". The connection to PostgreSQL was lost: nothing of what was "
                               "under way was committed; rosterd connects again.");
  }
  if (sqlstate == "53100") {
    throw StoreError(what + ". The database server's disk is full (nothing was committed).");
  }
  throw StoreError(what);
}

void PgDb::exec(std::string_view sql) {
  PGresult* res = PQexec(conn_, std::string(sql).c_str());
  check(res, "running \"" + std::string(sql.substr(0, 60)) + "\"");
  changes_ = std::atoi(PQcmdTuples(res));
  PQclear(res);
}

const std::string& PgDb::prepared(std::string_view sql, int& parameters) {
  const auto it = statements_.find(sql);
  if (it != statements_.end()) {
    parameters = it->second.second;
    return it->second.first;
  }
  const std::string numbered = number_parameters(sql, parameters);
  std::string name = "rosterd_" + std::to_string(statements_.size() + 1);
  PGresult* res = PQprepare(conn_, name.c_str(), numbered.c_str(), 0, nullptr);
  check(res, "preparing \"" + std::string(sql.substr(0, 60)) + "\"");
  PQclear(res);
  return statements_.emplace(std::string(sql), std::make_pair(std::move(name), parameters))
      .first->second.first;
}

std::unique_ptr<StatementBackend> PgDb::prepare(std::string_view sql) {
  return std::make_unique<PgStatement>(*this, sql);
}

std::unique_ptr<BulkInsertBackend> PgDb::bulk_insert(const std::string& table,
                                                     const std::vector<std::string>& columns) {
  return std::make_unique<PgBulkInsert>(*this, table, columns);
}

void PgDb::begin() {
  exec("BEGIN");
  try {
    exec("SELECT pg_advisory_xact_lock(" + std::to_string(kWriteLockClass) + ", 0)");
  } catch (...) {
    rollback();
    throw;
  }
}

void PgDb::commit() {
  PGresult* res = PQexec(conn_, "COMMIT");
  check(res, "committing");
  // COMMIT of a transaction that failed earlier answers "ROLLBACK", not an error.
  const std::string tag = PQcmdStatus(res);
  PQclear(res);
  if (tag != "COMMIT")
    throw StoreError("roster store " + where_ + ": the transaction was rolled back, not committed");
}

void PgDb::rollback() noexcept {
  if (PQstatus(conn_) != CONNECTION_OK) return;
  PQclear(PQexec(conn_, "ROLLBACK"));
}

}  // namespace rosterd
