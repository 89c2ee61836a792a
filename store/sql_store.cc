// The roster store, written once against store/sql_db.h: the embedded SQLite file and the
// shared PostgreSQL database run the same code; the few statements that differ ask dialect().
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <initializer_list>
#include <set>
#include <unordered_set>

#include "core/civil_date.h"
#include "core/fault_point.h"
#include "core/identity_key.h"
#include "core/text.h"
#include "planner/student_digest.h"
#include "store/committed_count.h"
#include "store/identity_tables.h"
#include "store/pg_db.h"
#include "store/roster_store.h"
#include "store/schema.h"
#include "store/sqlite_db.h"
#include "store/value_codec.h"

namespace rosterd {
namespace {

// The students table's columns of the kFieldCount values, in Field order: the one list every
// statement and bulk insert of students takes them from.
constexpr std::array<const char*, kFieldCount> kStudentFields = {
    "state_id", "local_id", "first_name", "middle_name", "last_name", "birth_date",
    "grade",    "campus",   "diagnoses",  "status",      "ela_score", "math_score"};

const std::string kStudentColumns = [] {
  std::string out;
  for (const char* c : kStudentFields)
    out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}();

// `before`, the student field columns, then `after`: a bulk insert's column list.
std::vector<std::string> with_student_fields(std::initializer_list<const char*> before,
                                             std::initializer_list<const char*> after) {
  std::vector<std::string> out(before.begin(), before.end());
  out.insert(out.end(), kStudentFields.begin(), kStudentFields.end());
  out.insert(out.end(), after.begin(), after.end());
  return out;
}

// What the store keeps beside a student's values, computed from them: the digest the plan
// compares and the identity key the matcher looks up.
struct StoredKeys {
  std::int64_t digest = 0;
  std::int64_t identity = 0;
};
StoredKeys stored_keys(const StudentValues& v) {
  return {static_cast<std::int64_t>(student_digest(v)),
          static_cast<std::int64_t>(
              identity_key(v[field_index(Field::last_name)], v[field_index(Field::birth_date)]))};
}

std::string now_utc() {
  return utc_timestamp();
}

std::string host_name() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string encode_trips(const std::vector<SafeguardTrip>& trips) {
  std::string out;
  for (const SafeguardTrip& t : trips) {
    char limit[32], value[32];
    std::snprintf(limit, sizeof limit, "%.6g", t.limit);
    std::snprintf(value, sizeof value, "%.6g", t.value);
    out += t.name + '\x1f' + limit + '\x1f' + value + '\x1f' + t.explanation + '\n';
  }
  return out;
}

std::vector<SafeguardTrip> decode_trips(std::string_view text) {
  std::vector<SafeguardTrip> trips;
  for (std::string_view line : split(text, '\n')) {
    const auto parts = split(line, '\x1f');
    if (parts.size() != 4) continue;
    trips.push_back({std::string(parts[0]), std::stod(std::string(parts[1])),
                     std::stod(std::string(parts[2])), std::string(parts[3])});
  }
  return trips;
}

// "rosterd@HOST:PID": names this process in pg_stat_activity, runs and `rosterd status`.
std::string instance_name() {
  return "rosterd@" + host_name() + ":" + std::to_string(::getpid());
}

// The second key of a feed's advisory lock: FNV-1a of its name. Two feeds sharing a key
// would only be run by one instance together, never by two at once.
std::int32_t feed_lock_key(const std::string& feed) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : feed) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<std::int32_t>(h);
}

bool process_alive(std::int64_t pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

class SqlCommitted;

class SqlStore : public RosterStore {
 public:
  // `instance` names this process in runs it begins (with the connection, on PostgreSQL).
  SqlStore(std::unique_ptr<SqlDb> db, const std::vector<std::string_view>& migrations,
           std::string instance)
      : owned_(std::move(db)), db_(*owned_), instance_(std::move(instance)) {
    migrate(migrations);
    recover_abandoned_runs();
  }

  void check_feed_key(const std::string& feed, const std::string& key_column) override {
    Statement q(db_, "SELECT key_column, created FROM feeds WHERE feed = ?");
    q.bind(1, feed);
    if (q.step()) {
      const std::string recorded(q.text(0));
      if (!iequals(recorded, key_column)) {
        throw Error(
            "feed " + feed + ": its students are keyed by column \"" + recorded + "\" (recorded " +
            std::string(q.text(1)) +
            "), but the configuration now reads the state ID from column \"" + key_column +
            "\". Switching the key column would scramble students, so nothing was done. Restore "
            "format.columns.state_id, or load the new key into a new feed.");
      }
      return;
    }
    Statement ins(db_, "INSERT INTO feeds (feed, key_column, created) VALUES (?, ?, ?)");
    ins.bind(1, feed).bind(2, key_column).bind(3, now_utc()).run();
  }

  std::int64_t begin_run(const std::string& feed, const FileSummary& file,
                         std::optional<std::int64_t> source_file) override {
    Transaction tx(db_);
    Statement ins(
        db_,
        "INSERT INTO runs (feed, kind, file_name, sha256, bytes, started, decision, pid, host, "
        "instance) VALUES (?, 'ingest', ?, ?, ?, ?, 'running', ?, ?, ?) RETURNING id");
    ins.bind(1, feed)
        .bind(2, file.name)
        .bind(3, file.sha256)
        .bind(4, static_cast<std::int64_t>(file.bytes))
        .bind(5, now_utc())
        .bind(6, static_cast<std::int64_t>(::getpid()))
        .bind(7, host_name())
        .bind(8, connection_instance());
    const std::int64_t id = returned_id(ins);
    if (source_file) {
      Statement link(db_, "UPDATE source_files SET run_id = ? WHERE id = ?");
      link.bind(1, id).bind(2, *source_file).run();
    }
    tx.commit();
    return id;
  }

  std::int64_t observe_file(const std::string& feed, const std::string& name, std::uint64_t size,
                            std::int64_t mtime, std::int64_t now) override {
    Transaction tx(db_);
    Statement q(db_,
                "SELECT size, mtime, first_seen FROM source_observations WHERE feed = ? AND "
                "remote_name = ?");
    q.bind(1, feed).bind(2, name);
    if (q.step() && q.integer(0) == static_cast<std::int64_t>(size) && q.integer(1) == mtime) {
      return q.integer(2);  // unchanged: nothing to write
    }
    q.reset();
    Statement up(db_,
                 "INSERT INTO source_observations (feed, remote_name, size, mtime, first_seen) "
                 "VALUES (?, ?, ?, ?, ?) ON CONFLICT (feed, remote_name) DO UPDATE SET size = "
                 "excluded.size, mtime = excluded.mtime, first_seen = excluded.first_seen");
    up.bind(1, feed)
        .bind(2, name)
        .bind(3, static_cast<std::int64_t>(size))
        .bind(4, mtime)
        .bind(5, now)
        .run();
    tx.commit();
    return now;
  }

  void forget_observations(const std::string& feed,
                           const std::vector<std::string>& keep_names) override {
    Transaction tx(db_);
    std::vector<std::string> gone;
    {
      Statement q(db_, "SELECT remote_name FROM source_observations WHERE feed = ?");
      q.bind(1, feed);
      while (q.step()) {
        const std::string name(q.text(0));
        if (std::find(keep_names.begin(), keep_names.end(), name) == keep_names.end())
          gone.push_back(name);
      }
    }
    Statement del(db_, "DELETE FROM source_observations WHERE feed = ? AND remote_name = ?");
    for (const auto& name : gone)
      del.bind(1, feed).bind(2, name).run();
    tx.commit();
  }

  static constexpr const char* kSourceColumns =
      "f.id, f.feed, f.remote_name, f.size, f.mtime, f.sha256, f.seen_at, f.status, f.detail, "
      "f.local_path, f.repeat_of, f.run_id, coalesce(r.decision, ''), f.attempts, f.after_action "
      "FROM source_files f LEFT JOIN runs r ON r.id = f.run_id";

  static SourceFile read_source_file(const Statement& q) {
    SourceFile f;
    f.id = q.integer(0);
    f.feed = q.text(1);
    f.remote_name = q.text(2);
    f.size = static_cast<std::uint64_t>(q.integer(3));
    f.mtime = q.integer(4);
    f.sha256 = q.text(5);
    f.seen_at = q.text(6);
    f.status = q.text(7);
    f.detail = q.text(8);
    f.local_path = q.text(9);
    f.repeat_of = q.optional_integer(10);
    f.run_id = q.optional_integer(11);
    f.run_decision = q.text(12);
    f.attempts = static_cast<int>(q.integer(13));
    f.after_action = q.text(14);
    return f;
  }

  std::optional<SourceFile> source_file(const std::string& feed, const std::string& name,
                                        std::uint64_t size, std::int64_t mtime) override {
    Statement q(db_, std::string("SELECT ") + kSourceColumns +
                         " WHERE f.feed = ? AND f.remote_name = ? AND f.size = ? AND f.mtime = ?");
    q.bind(1, feed).bind(2, name).bind(3, static_cast<std::int64_t>(size)).bind(4, mtime);
    if (!q.step()) return std::nullopt;
    return read_source_file(q);
  }

  std::optional<SourceFile> source_file_with_sha(const std::string& feed,
                                                 const std::string& sha256) override {
    Statement q(db_, std::string("SELECT ") + kSourceColumns +
                         " WHERE f.feed = ? AND f.sha256 = ? AND f.status IN ('fetched', "
                         "'ingested') ORDER BY f.id LIMIT 1");
    q.bind(1, feed).bind(2, sha256);
    if (!q.step()) return std::nullopt;
    return read_source_file(q);
  }

  std::optional<SourceFile> source_file(std::int64_t id) override {
    Statement q(db_, std::string("SELECT ") + kSourceColumns + " WHERE f.id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_source_file(q);
  }

  std::int64_t add_source_file(const SourceFile& f) override {
    Statement ins(db_,
                  "INSERT INTO source_files (feed, remote_name, size, mtime, sha256, seen_at, "
                  "status, detail, local_path, repeat_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "RETURNING id");
    ins.bind(1, f.feed)
        .bind(2, f.remote_name)
        .bind(3, static_cast<std::int64_t>(f.size))
        .bind(4, f.mtime)
        .bind(5, f.sha256)
        .bind(6, f.seen_at.empty() ? now_utc() : f.seen_at)
        .bind(7, f.status)
        .bind(8, f.detail)
        .bind(9, f.local_path)
        .bind(10, f.repeat_of);
    return returned_id(ins);
  }

  void update_source_file(const SourceFile& f) override {
    Statement up(db_,
                 "UPDATE source_files SET status = ?, detail = ?, local_path = ?, after_action = ? "
                 "WHERE id = ?");
    up.bind(1, f.status)
        .bind(2, f.detail)
        .bind(3, f.local_path)
        .bind(4, f.after_action)
        .bind(5, f.id)
        .run();
  }

  void forget_source_file(std::int64_t id) override {
    Transaction tx(db_);
    Statement repeats(db_, "DELETE FROM source_files WHERE repeat_of = ?");
    repeats.bind(1, id).run();
    Statement del(db_,
                  "DELETE FROM source_files WHERE id = ? AND run_id IS NULL OR id = ? AND "
                  "run_id IN (SELECT id FROM runs WHERE decision = 'failed')");
    del.bind(1, id).bind(2, id).run();
    tx.commit();
  }

  void note_source_attempt(std::int64_t id) override {
    Statement up(db_, "UPDATE source_files SET attempts = attempts + 1 WHERE id = ?");
    up.bind(1, id).run();
  }

  std::vector<SourceFile> unsettled_repeats(const std::string& feed) override {
    std::vector<SourceFile> out;
    Statement q(db_, std::string("SELECT ") + kSourceColumns +
                         " WHERE f.feed = ? AND f.status = 'repeat' AND (f.after_action = '' OR "
                         "f.after_action LIKE 'kept until %') ORDER BY f.id");
    q.bind(1, feed);
    while (q.step())
      out.push_back(read_source_file(q));
    return out;
  }

  std::vector<SourceFile> pending_source_files(const std::string& feed) override {
    std::vector<SourceFile> out;
    Statement q(db_, std::string("SELECT ") + kSourceColumns +
                         " WHERE f.feed = ? AND (f.status = 'fetched' AND (f.run_id IS NULL OR "
                         "r.decision <> 'running') OR f.status = 'ingested' AND f.after_action = "
                         "'') ORDER BY f.id");
    q.bind(1, feed);
    while (q.step())
      out.push_back(read_source_file(q));
    return out;
  }

  static std::string join_lines(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v)
      out += (out.empty() ? "" : "\n") + s;
    return out;
  }

  QueuedMail enqueue_mail(const std::string& feed, std::optional<std::int64_t> run,
                          const std::string& list, const std::string& key,
                          const MailMessage& m) override {
    Transaction tx(db_);
    if (auto existing = mail_with_key(key)) return {existing->id, false};
    Statement ins(
        db_,
        "INSERT INTO outbox (feed, run_id, list, key, recipients, subject, text_body, "
        "html_body, attachment_name, attachment, message_id, created, status, claimed_by) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sending', ?) RETURNING id");
    ins.bind(1, feed)
        .bind(2, run)
        .bind(3, list)
        .bind(4, key)
        .bind(5, join_lines(m.to))
        .bind(6, m.subject)
        .bind(7, m.text)
        .bind(8, m.html)
        .bind(9, m.attachment_name)
        .bind_blob(10, m.attachment)
        .bind(11, m.message_id)
        .bind(12, now_utc())
        .bind(13, connection_instance());
    const std::int64_t id = returned_id(ins);
    tx.commit();
    return {id, true};
  }

  static constexpr const char* kOutboxColumns =
      "id, feed, run_id, list, key, recipients, subject, text_body, html_body, attachment_name, "
      "attachment, message_id, created, status, attempts, last_error, next_attempt, sent_at, "
      "claimed_by FROM outbox";

  static OutboxEntry read_mail(const Statement& q) {
    OutboxEntry e;
    e.id = q.integer(0);
    e.feed = q.text(1);
    e.run_id = q.optional_integer(2);
    e.list = q.text(3);
    e.key = q.text(4);
    for (auto& a : split(q.text(5), '\n'))
      if (!a.empty()) e.message.to.emplace_back(a);
    e.message.subject = q.text(6);
    e.message.text = q.text(7);
    e.message.html = q.text(8);
    e.message.attachment_name = q.text(9);
    e.message.attachment = q.blob(10);
    e.message.message_id = q.text(11);
    e.created = q.text(12);
    e.status = q.text(13);
    e.attempts = static_cast<int>(q.integer(14));
    e.last_error = q.text(15);
    e.next_attempt = q.integer(16);
    e.sent_at = q.text(17);
    e.claimed_by = q.text(18);
    return e;
  }

  std::vector<OutboxEntry> due_mail(std::int64_t now) override {
    std::vector<OutboxEntry> out;
    Statement q(db_, std::string("SELECT ") + kOutboxColumns +
                         " WHERE status = 'pending' AND next_attempt <= ? ORDER BY id");
    q.bind(1, now);
    while (q.step())
      out.push_back(read_mail(q));
    return out;
  }

  std::optional<OutboxEntry> mail(std::int64_t id) override {
    Statement q(db_, std::string("SELECT ") + kOutboxColumns + " WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_mail(q);
  }

  std::optional<OutboxEntry> mail_with_key(const std::string& key) override {
    Statement q(db_, std::string("SELECT ") + kOutboxColumns + " WHERE key = ?");
    q.bind(1, key);
    if (!q.step()) return std::nullopt;
    return read_mail(q);
  }

  std::vector<OutboxEntry> mail_in_doubt() override {
    std::vector<OutboxEntry> out;
    Statement q(db_,
                std::string("SELECT ") + kOutboxColumns + " WHERE status = 'sending' ORDER BY id");
    while (q.step())
      out.push_back(read_mail(q));
    std::erase_if(out, [&](const OutboxEntry& e) { return instance_alive(e.claimed_by); });
    return out;
  }

  void disown_mail(std::int64_t id) override {
    Statement up(db_, "UPDATE outbox SET claimed_by = '' WHERE id = ? AND status = 'sending'");
    up.bind(1, id).run();
  }

  bool requeue_mail(std::int64_t id) override {
    const auto e = mail(id);
    if (!e || e->status != "sending" || instance_alive(e->claimed_by)) return false;
    Statement up(db_,
                 "UPDATE outbox SET status = 'pending', next_attempt = 0, claimed_by = '' WHERE id "
                 "= ? AND status = 'sending' AND claimed_by = ?");
    up.bind(1, id).bind(2, e->claimed_by).run();
    return db_.changes() == 1;
  }

  bool record_event(const std::string& feed, const std::string& kind, const std::string& key,
                    const std::string& reason) override {
    Transaction tx(db_);
    Statement q(db_, "SELECT 1 FROM runs WHERE feed = ? AND kind = ? AND file_name = ?");
    q.bind(1, feed).bind(2, kind).bind(3, key);
    if (q.step()) return false;
    q.reset();
    const std::string now = now_utc();
    Statement ins(db_,
                  "INSERT INTO runs (feed, kind, file_name, sha256, bytes, started, finished, "
                  "decision, reason, pid, host) VALUES (?, ?, ?, '', 0, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, feed)
        .bind(2, kind)
        .bind(3, key)
        .bind(4, now)
        .bind(5, now)
        .bind(6, kind)
        .bind(7, reason)
        .bind(8, static_cast<std::int64_t>(::getpid()))
        .bind(9, host_name())
        .run();
    tx.commit();
    return true;
  }

  std::optional<SourceFile> last_ingested_file(const std::string& feed) override {
    Statement q(db_, std::string("SELECT ") + kSourceColumns +
                         " WHERE f.feed = ? AND f.status = 'ingested' ORDER BY f.id DESC LIMIT 1");
    q.bind(1, feed);
    if (!q.step()) return std::nullopt;
    return read_source_file(q);
  }

  bool file_seen_since(const std::string& feed, std::int64_t since) override {
    Statement q(db_, "SELECT 1 FROM source_files WHERE feed = ? AND seen_at >= ? LIMIT 1");
    q.bind(1, feed).bind(2, utc_timestamp(since));
    if (q.step()) return true;
    Statement o(db_,
                "SELECT 1 FROM source_observations WHERE feed = ? AND first_seen >= ? LIMIT 1");
    o.bind(1, feed).bind(2, since);
    return o.step();
  }

  bool claim_mail(std::int64_t id) override {
    Statement up(db_,
                 "UPDATE outbox SET status = 'sending', claimed_by = ? WHERE id = ? AND status = "
                 "'pending'");
    up.bind(1, connection_instance()).bind(2, id).run();
    return db_.changes() == 1;
  }

  std::vector<RunRecord> awaiting_report_runs() override {
    std::vector<RunRecord> out;
    Statement q(db_, std::string("SELECT ") + kRunColumns +
                         " FROM runs WHERE awaiting_report = 1 AND decision = 'held' ORDER BY id");
    while (q.step())
      out.push_back(read_run(q));
    return out;
  }

  void mail_sent(std::int64_t id) override {
    Statement up(db_,
                 "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
                 "last_error = '' WHERE id = ?");
    up.bind(1, now_utc()).bind(2, id).run();
  }

  void mail_failed(std::int64_t id, const std::string& error, std::int64_t next_attempt) override {
    Statement up(db_,
                 "UPDATE outbox SET status = 'pending', attempts = attempts + 1, last_error = ?, "
                 "next_attempt = ?, claimed_by = '' WHERE id = ? AND status = 'sending'");
    up.bind(1, error).bind(2, next_attempt).bind(3, id).run();
  }

  std::size_t mail_backlog(const std::string& feed) override {
    Statement q(db_,
                "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending') AND (? = '' "
                "OR feed = ?)");
    q.bind(1, feed).bind(2, feed);
    q.step();
    return static_cast<std::size_t>(q.integer(0));
  }

  bool clear_awaiting_report(std::int64_t run) override {
    Statement up(db_,
                 "UPDATE runs SET awaiting_report = 0 WHERE id = ? AND awaiting_report = 1 AND "
                 "decision = 'held'");
    up.bind(1, run).run();
    return db_.changes() == 1;
  }

  std::vector<SourceFile> source_files(const std::string& feed, std::size_t last) override {
    std::vector<SourceFile> out;
    Statement q(db_, std::string("SELECT ") + kSourceColumns +
                         " WHERE (? = '' OR f.feed = ?) ORDER BY f.id DESC LIMIT ?");
    q.bind(1, feed).bind(2, feed).bind(3, static_cast<std::int64_t>(last));
    while (q.step())
      out.push_back(read_source_file(q));
    return out;
  }

  std::unique_ptr<CommittedRoster> committed(const std::string& feed) override;

  bool hold_feed(const std::string& feed, FeedHold lock) override {
    if (db_.dialect() != SqlDialect::postgresql) return true;
    const std::int64_t lock_class = lock == FeedHold::lease ? kFeedLockClass : kRunLockClass;
    const std::string held = std::to_string(lock_class) + "/" + feed;
    if (held_feeds_.count(held) != 0) {
      // Still ours? Asking also finds out at once that the connection (and so the lock) is gone.
      Statement mine(db_,
                     "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                     "pid = pg_backend_pid() AND objsubid = 2 AND CAST(classid AS bigint) = ? AND "
                     "CAST(objid AS bigint) = ?");
      mine.bind(1, lock_class)
          .bind(2, std::int64_t{static_cast<std::uint32_t>(feed_lock_key(feed))});
      mine.step();
      if (mine.integer(0) > 0) return true;
      held_feeds_.erase(held);
    }
    // Session-level: held until this connection closes, which a dead process's does at once.
    Statement q(db_,
                "SELECT CASE WHEN pg_try_advisory_lock(CAST(? AS integer), CAST(? AS integer)) "
                "THEN 1 ELSE 0 END");
    q.bind(1, lock_class).bind(2, std::int64_t{feed_lock_key(feed)});
    q.step();
    if (q.integer(0) != 1) return false;
    held_feeds_.insert(held);
    return true;
  }

  std::vector<FeedHolder> feed_holders(const std::vector<std::string>& feeds) override {
    std::vector<FeedHolder> out;
    if (db_.dialect() != SqlDialect::postgresql) return out;
    Statement q(db_,
                "SELECT CAST(l.objid AS bigint), coalesce(a.application_name, '') FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND "
                "l.granted AND l.objsubid = 2 AND CAST(l.classid AS bigint) = ? AND l.database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())");
    q.bind(1, std::int64_t{kFeedLockClass});
    std::map<std::uint32_t, std::string> holders;
    while (q.step())
      holders[static_cast<std::uint32_t>(q.integer(0))] = std::string(q.text(1));
    for (const std::string& feed : feeds) {
      const auto it = holders.find(static_cast<std::uint32_t>(feed_lock_key(feed)));
      if (it != holders.end()) out.push_back({feed, it->second});
    }
    return out;
  }

  const std::string& instance() const override { return instance_; }

  std::optional<std::int64_t> last_committed_run(const std::string& feed) override {
    Statement q(db_, "SELECT max(id) FROM runs WHERE feed = ? AND decision = 'committed'");
    q.bind(1, feed);
    q.step();
    return q.optional_integer(0);
  }

  std::optional<std::pair<std::int64_t, std::string>> last_rules(const std::string& feed) override {
    Statement q(db_,
                "SELECT id, rules FROM runs WHERE feed = ? AND decision = 'committed' AND kind = "
                "'ingest' AND rules != '' ORDER BY id DESC LIMIT 1");
    q.bind(1, feed);
    if (!q.step()) return std::nullopt;
    return std::make_pair(q.integer(0), std::string(q.text(1)));
  }

  std::optional<std::uint32_t> last_committed_rows(const std::string& feed) override {
    Statement q(
        db_,
        "SELECT rows_read FROM runs WHERE feed = ? AND decision = 'committed' AND kind = 'ingest' "
        "ORDER BY id DESC LIMIT 1");
    q.bind(1, feed);
    if (!q.step()) return std::nullopt;
    return static_cast<std::uint32_t>(q.integer(0));
  }

  void finish_run(const RunOutcome& o) override {
    Transaction tx(db_);
    {
      // Only a run still running can finish (one marked failed meanwhile is taken again).
      Statement st(db_, "SELECT decision FROM runs WHERE id = ?");
      st.bind(1, o.run_id);
      if (!st.step() || st.text(0) != "running") throw StoreError(no_longer_running(o.run_id));
    }
    if (o.decision == Decision::committed) {
      if (last_committed_run(o.feed) != o.base_run) {
        throw StaleBaseError("feed " + o.feed + ": another run committed while run " +
                             std::to_string(o.run_id) +
                             " was being planned; nothing was committed. Run the file again.");
      }
      apply_changes(o.feed, o.run_id, *o.changes);
    }
    record_changes(o.run_id, *o.changes, o.decision);
    record_discrepancies(o.run_id, o.refusal, o.discrepancies);
    const bool commits = o.decision == Decision::committed;
    if (commits) {
      dismiss_stale_proposals(db_, o.feed, o.run_id);
      supersede_held_runs(o.feed, o.run_id);
    }
    if (commits || o.decision == Decision::held) {
      if (o.alerts != nullptr) record_alerts(db_, o.feed, o.run_id, *o.alerts, commits, now_utc());
      if (o.applied_resolutions != nullptr)
        record_applied_resolutions(db_, o.run_id, *o.applied_resolutions, commits);
      if (o.reopened_resolutions != nullptr) {
        for (std::int64_t a : *o.reopened_resolutions)
          reopen_alert(db_, a);
      }
    }
    Statement up(
        db_,
        "UPDATE runs SET finished = ?, decision = ?, reason = ?, base_run = ?, rows_read = ?, "
        "rows_rejected = ?, rows_warned = ?, added = ?, updated = ?, deactivated = ?, reactivated "
        "= ?, "
        "unchanged = ?, kept_rejected = ?, active_before = ?, safeguards = ?, awaiting_report = ?, "
        "rekeyed = ?, proposed_rekeys = ?, held_for_review = ?, kept_for_review = ?, linked = ?, "
        "out_of_scope = ?, left_scope = ?, kept_out_of_scope = ?, opted_out = ?, suppressed_added "
        "= ?, suppressed_updated = ?, suppressed_deactivated = ?, rules = ? WHERE id = ? AND "
        "decision = 'running'");
    up.bind(1, now_utc())
        .bind(2, decision_name(o.decision))
        .bind(3, o.reason)
        .bind(4, o.base_run)
        .bind(5, static_cast<std::int64_t>(o.check.rows_read))
        .bind(6, static_cast<std::int64_t>(o.check.rows_rejected))
        .bind(7, static_cast<std::int64_t>(o.check.rows_warned))
        .bind(8, static_cast<std::int64_t>(o.plan.added))
        .bind(9, static_cast<std::int64_t>(o.plan.updated))
        .bind(10, static_cast<std::int64_t>(o.plan.deactivated))
        .bind(11, static_cast<std::int64_t>(o.plan.reactivated))
        .bind(12, static_cast<std::int64_t>(o.plan.unchanged))
        .bind(13, static_cast<std::int64_t>(o.plan.kept_rejected))
        .bind(14, static_cast<std::int64_t>(o.plan.active_before))
        .bind(15, encode_trips(o.trips))
        .bind(16, static_cast<std::int64_t>(o.awaiting_report ? 1 : 0))
        .bind(17, static_cast<std::int64_t>(o.plan.rekeyed))
        .bind(18, static_cast<std::int64_t>(o.plan.proposed_rekeys))
        .bind(19, static_cast<std::int64_t>(o.plan.held_for_review))
        .bind(20, static_cast<std::int64_t>(o.plan.kept_for_review))
        .bind(21, static_cast<std::int64_t>(o.plan.linked))
        .bind(22, static_cast<std::int64_t>(o.plan.out_of_scope))
        .bind(23, static_cast<std::int64_t>(o.plan.left_scope))
        .bind(24, static_cast<std::int64_t>(o.plan.kept_out_of_scope))
        .bind(25, static_cast<std::int64_t>(o.plan.opted_out))
        .bind(26, static_cast<std::int64_t>(o.plan.suppressed_added))
        .bind(27, static_cast<std::int64_t>(o.plan.suppressed_updated))
        .bind(28, static_cast<std::int64_t>(o.plan.suppressed_deactivated))
        .bind(29, o.rules)
        .bind(30, o.run_id)
        .run();
    // Checked again here, not only at the start: on PostgreSQL another connection may have
    // marked the run failed in between (it takes no write lock), and a run marked failed must
    // never commit. The whole transaction is then rolled back.
    if (db_.changes() != 1) throw StoreError(no_longer_running(o.run_id));
    fault_point("store.committing");  // every write of the run made, COMMIT not yet sent
    tx.commit();
  }

  void fail_run(std::int64_t run, const std::string& reason) override {
    Statement up(db_,
                 "UPDATE runs SET decision = 'failed', finished = ?, reason = ? WHERE id = ? AND "
                 "decision = 'running'");
    up.bind(1, now_utc()).bind(2, reason).bind(3, run).run();
  }

  void fail_runs_left_by_this_process(const std::string& feed) override {
    if (db_.dialect() == SqlDialect::postgresql) return;
    Statement up(db_,
                 "UPDATE runs SET decision = 'failed', finished = ?, reason = ? WHERE feed = ? AND "
                 "decision = 'running' AND pid = ? AND host = ?");
    up.bind(1, now_utc())
        .bind(2,
              "the run could not be finished (the store failed at its end); nothing of it was "
              "committed, and the file will be taken again")
        .bind(3, feed)
        .bind(4, static_cast<std::int64_t>(::getpid()))
        .bind(5, host_name())
        .run();
  }

  std::vector<RunRecord> history(const std::string& feed, std::size_t last) override {
    std::vector<RunRecord> out;
    Statement q(db_, std::string("SELECT ") + kRunColumns +
                         " FROM runs WHERE (? = '' OR feed = ?) ORDER BY id DESC LIMIT ?");
    q.bind(1, feed).bind(2, feed).bind(3, static_cast<std::int64_t>(last));
    while (q.step())
      out.push_back(read_run(q));
    return out;
  }

  std::optional<RunRecord> run(std::int64_t id) override {
    Statement q(db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_run(q);
  }

  std::vector<Discrepancy> run_discrepancies(std::int64_t id) override {
    std::vector<Discrepancy> out;
    Statement q(db_,
                "SELECT line, student_id, field, code, value, detail FROM run_discrepancies WHERE "
                "run = ? ORDER BY seq");
    q.bind(1, id);
    while (q.step()) {
      Discrepancy d;
      d.line = static_cast<std::uint32_t>(q.integer(0));
      d.student_id = std::string(q.text(1));
      d.field = field_from_name(q.text(2));
      d.code = code_from_name(q.text(3)).value_or(DiscrepancyCode::unreadable);
      d.value = std::string(q.text(4));
      d.detail = std::string(q.text(5));
      out.push_back(std::move(d));
    }
    return out;
  }

  std::vector<Change> run_changes(std::int64_t id) override {
    std::vector<Change> out;
    Statement q(db_,
                "SELECT state_id, kind, changed_fields, line, before, after, platform_id FROM "
                "run_changes WHERE run = ? ORDER BY state_id");
    q.bind(1, id);
    while (q.step()) {
      Change c;
      c.state_id = std::string(q.text(0));
      c.kind = change_kind_from_name(q.text(1)).value_or(ChangeKind::updated);
      c.changed_fields = static_cast<std::uint16_t>(q.integer(2));
      c.line = static_cast<std::uint32_t>(q.integer(3));
      if (!q.is_null(4)) c.before = decode_values(q.text(4));
      if (!q.is_null(5)) c.set_after(decode_values(q.text(5)));
      c.platform_id = std::string(q.text(6));
      out.push_back(std::move(c));
    }
    // A committed ingest keeps its additions in the students table (added_run), not as rows here.
    const auto r = run(id);
    if (r && r->kind != "rollback" && r->decision == "committed") {
      Statement a(db_, std::string("SELECT ") + kStudentColumns +
                           " FROM students WHERE feed = ? AND added_run = ?");
      a.bind(1, r->feed).bind(2, id);
      while (a.step()) {
        Change c;
        c.kind = ChangeKind::added;
        c.state_id = std::string(a.text(0));
        std::vector<std::string> values;
        for (int i = 0; i < static_cast<int>(kFieldCount); ++i)
          values.emplace_back(a.text(i));
        c.set_after(std::move(values));
        c.changed_fields = static_cast<std::uint16_t>((1u << kFieldCount) - 1);
        out.push_back(std::move(c));
      }
      std::sort(out.begin(), out.end(),
                [](const Change& x, const Change& y) { return x.state_id < y.state_id; });
    }
    return out;
  }

  void approve(std::int64_t id, const std::string& who) override {
    Transaction tx(db_);
    const RunRecord r = held_run(id, "approve");
    const auto current = last_committed_run(r.feed);
    if (current != r.base_run) {
      throw Error(
          "run " + std::to_string(id) + " cannot be approved: it was planned against " +
          (r.base_run ? "run " + std::to_string(*r.base_run) : std::string("an empty roster")) +
          ", but run " + std::to_string(current.value_or(0)) +
          " has committed since, so its changes no longer apply. Reject it and ingest the file "
          "again.");
    }
    std::vector<Change> changes = run_changes(id);
    apply_changes(r.feed, id, changes);
    settle_run_alerts(db_, id);
    dismiss_stale_proposals(db_, r.feed, id);
    supersede_held_runs(r.feed, id);
    // Committed runs keep additions in students.added_run only.
    Statement del(db_, "DELETE FROM run_changes WHERE run = ? AND kind = 'added'");
    del.bind(1, id).run();
    Statement up(db_,
                 "UPDATE runs SET decision = 'committed', decided_by = ?, reason = ? WHERE id = ?");
    up.bind(1, who)
        .bind(2, r.reason + "; approved by " + who + " at " + now_utc())
        .bind(3, id)
        .run();
    tx.commit();
  }

  void reject(std::int64_t id, const std::string& who) override {
    Transaction tx(db_);
    const RunRecord r = held_run(id, "reject");
    dismiss_run_alerts(db_, id);
    Statement up(db_,
                 "UPDATE runs SET decision = 'rejected', decided_by = ?, reason = ? WHERE id = ?");
    up.bind(1, who)
        .bind(2, r.reason + "; rejected by " + who + " at " + now_utc())
        .bind(3, id)
        .run();
    tx.commit();
  }

  std::int64_t rollback(std::int64_t id, bool force, const std::string& who) override;

  IdentityState identity_state(const std::string& feed) override {
    return load_identity_state(db_, feed);
  }

  std::vector<AlertRecord> alerts(const std::string& feed, bool all) override {
    return query_alerts(db_, feed, all);
  }

  std::optional<AlertRecord> alert(std::int64_t id) override {
    auto list = query_alerts(db_, "", true, id);
    if (list.empty()) return std::nullopt;
    return std::move(list.front());
  }

  void resolve_alert(std::int64_t id, bool match, const std::string& to,
                     const std::string& who) override {
    Transaction tx(db_);
    const auto a = alert(id);
    const std::string name = "alert " + std::to_string(id);
    if (!a) throw Error("there is no " + name + ". 'rosterd alerts' lists the open ones.");
    if (a->status == "proposed" && a->alert.kind == AlertKind::rekey) {
      throw Error(name + " is part of held run " + std::to_string(a->run) +
                  "'s proposed ID mapping: decide the whole run with 'rosterd approve " +
                  std::to_string(a->run) + "' (or 'rosterd resolve --run " +
                  std::to_string(a->run) + " --all-match'), or 'rosterd resolve --run " +
                  std::to_string(a->run) + " --all-create' to add them as new students.");
    }
    if (a->alert.kind == AlertKind::existing_unmatched) {
      throw Error(name + " reports an existing student no roster row matched (" + a->resolution_to +
                  "); there is nothing to decide.");
    }
    const bool decided_unapplied = a->status == "match" || a->status == "create";
    if (a->status != "open" && !decided_unapplied) {
      throw Error(
          name + " is " + a->status +
          (a->applied_run ? " (by run " + std::to_string(*a->applied_run) + ")" : std::string()) +
          ": only an open alert, or a decision not yet applied, can be decided.");
    }
    std::string chosen = to;
    if (match) {
      std::string ids;
      for (const MatchCandidate& c : a->alert.candidates)
        ids += (ids.empty() ? "" : ", ") + c.id;
      if (chosen.empty()) {
        if (a->alert.candidates.size() != 1) {
          throw Error(name + " has " + std::to_string(a->alert.candidates.size()) +
                      " candidates (" + ids + "): name the one that is this student with --to ID.");
        }
        chosen = a->alert.candidates[0].id;
      } else if (std::none_of(a->alert.candidates.begin(), a->alert.candidates.end(),
                              [&](const MatchCandidate& c) { return c.id == chosen; })) {
        throw Error(chosen + " is not a candidate of " + name + " (" + ids + ").");
      }
    } else if (!chosen.empty()) {
      throw Error("--to goes with --match only.");
    }
    record_resolution(db_, id, match, chosen, who, now_utc());
    tx.commit();
  }

  std::size_t reject_rekeys(std::int64_t run_id, const std::string& who) override {
    Transaction tx(db_);
    const RunRecord r = held_run(run_id, "reject");
    Statement mark(db_,
                   "UPDATE alerts SET status = 'create', decided_by = ?, decided = ? WHERE run = ? "
                   "AND kind = 'rekey' AND status = 'proposed'");
    mark.bind(1, who).bind(2, now_utc()).bind(3, run_id).run();
    const auto count = static_cast<std::size_t>(db_.changes());
    dismiss_run_alerts(db_, run_id);
    Statement up(db_,
                 "UPDATE runs SET decision = 'rejected', decided_by = ?, reason = ? WHERE id = ?");
    up.bind(1, who)
        .bind(2, r.reason + "; rejected by " + who + " at " + now_utc() +
                     ": its re-keys are to be added as new students")
        .bind(3, run_id)
        .run();
    tx.commit();
    return count;
  }

  std::optional<std::int64_t> apply_resolutions(const std::string& feed, const std::string& who,
                                                std::vector<std::string>& skipped) override {
    Transaction tx(db_);
    std::vector<AlertRecord> decided;
    for (AlertRecord& a : query_alerts(db_, feed, false)) {
      if (a.status == "match" || a.status == "create") decided.push_back(std::move(a));
    }
    if (decided.empty()) return std::nullopt;
    const auto base = last_committed_run(feed);
    const std::string now = now_utc();
    Statement ins(db_,
                  "INSERT INTO runs (feed, kind, started, finished, decision, reason, base_run, "
                  "decided_by) VALUES (?, 'resolve', ?, ?, 'committed', ?, ?, ?) RETURNING id");
    ins.bind(1, feed)
        .bind(2, now)
        .bind(3, now)
        .bind(4, "decisions on identity alerts applied by " + who)
        .bind(5, base)
        .bind(6, who);
    const std::int64_t run_id = returned_id(ins);
    const auto values_of = [&](const std::string& id) { return student_values(feed, id); };
    std::vector<Change> changes;
    PlanCounts counts;
    for (const AlertRecord& a : decided) {
      const std::string name = "alert " + std::to_string(a.id);
      if (a.alert.row.empty() || values_of(a.alert.state_id)) {
        skipped.push_back(name + ": state ID " + a.alert.state_id +
                          " is in the roster already (a run added it); nothing to apply");
        reopen_alert(db_, a.id);
        continue;
      }
      Change c;
      c.state_id = a.alert.state_id;
      c.line = a.alert.line;
      c.set_after(a.alert.row);
      const bool committed_kind =
          a.alert.kind == AlertKind::possible_match || a.alert.kind == AlertKind::rekey;
      if (a.status == "match" && committed_kind) {
        const auto before = values_of(a.resolution_to);
        if (!before) {
          skipped.push_back(name + ": student " + a.resolution_to +
                            " is no longer in the roster; the alert is open again: decide anew");
          reopen_alert(db_, a.id);
          continue;
        }
        c.kind = ChangeKind::rekeyed;
        c.changed_fields = changed_mask(*before, c);
        c.before = before;
        ++counts.rekeyed;
      } else {
        c.kind = ChangeKind::added;
        c.changed_fields = static_cast<std::uint16_t>((1u << kFieldCount) - 1);
        if (a.status == "match") {
          c.platform_id = a.resolution_to;
          ++counts.linked;
        }
        ++counts.added;
      }
      std::vector<Change> one;
      one.push_back(c);
      apply_changes(feed, run_id, one);
      changes.push_back(std::move(c));
      mark_applied(db_, a.id, run_id);
    }
    record_changes(run_id, changes, Decision::committed);
    Statement cnt(db_, "UPDATE runs SET added = ?, rekeyed = ?, linked = ? WHERE id = ?");
    cnt.bind(1, static_cast<std::int64_t>(counts.added))
        .bind(2, static_cast<std::int64_t>(counts.rekeyed))
        .bind(3, static_cast<std::int64_t>(counts.linked))
        .bind(4, run_id)
        .run();
    if (changes.empty()) {
      // Nothing applied: no run, but the decisions that no longer apply are open again.
      Statement del(db_, "DELETE FROM runs WHERE id = ?");
      del.bind(1, run_id).run();
      tx.commit();
      return std::nullopt;
    }
    dismiss_stale_proposals(db_, feed, run_id);
    supersede_held_runs(feed, run_id);
    tx.commit();
    return run_id;
  }

  std::size_t import_existing(const std::string& feed,
                              const std::vector<ExistingStudent>& students) override {
    Transaction tx(db_);
    Statement q(db_, "SELECT count(*) FROM students WHERE feed = ?");
    q.bind(1, feed);
    q.step();
    if (q.integer(0) > 0) {
      throw Error("feed " + feed + " already has " +
                  group_thousands(static_cast<unsigned long long>(q.integer(0))) +
                  " committed students: import-existing loads the platform's students before the "
                  "first live file, to be matched by it. After go-live, ID changes are caught as "
                  "possible matches ('rosterd alerts').");
    }
    replace_existing(db_, feed, students, now_utc());
    tx.commit();
    return students.size();
  }

  std::optional<StudentRecord> student(const std::string& feed,
                                       const std::string& state_id) override {
    Statement q(db_, std::string("SELECT ") + kStudentColumns +
                         ", platform_id, added_run, updated_run FROM students WHERE feed = ? AND "
                         "state_id = ?");
    q.bind(1, feed).bind(2, state_id);
    if (!q.step()) return std::nullopt;
    StudentRecord s;
    for (int i = 0; i < static_cast<int>(kFieldCount); ++i)
      s.values.emplace_back(q.text(i));
    const int n = static_cast<int>(kFieldCount);
    s.platform_id = std::string(q.text(n));
    s.added_run = q.integer(n + 1);
    s.updated_run = q.integer(n + 2);
    s.earlier_ids = query_id_history(db_, feed, state_id);
    Statement c(db_,
                "SELECT c.run, c.kind, c.changed_fields, c.line, c.before FROM run_changes c JOIN "
                "runs r ON r.id = c.run WHERE r.feed = ? AND c.state_id = ? AND r.decision = "
                "'committed' ORDER BY c.run");
    std::vector<std::string> ids{state_id};
    for (const IdChange& k : s.earlier_ids)
      ids.push_back(k.old_id);
    for (const std::string& id : ids) {
      c.bind(1, feed).bind(2, id);
      while (c.step()) {
        Change ch;
        ch.state_id = id;
        ch.kind = change_kind_from_name(c.text(1)).value_or(ChangeKind::updated);
        ch.changed_fields = static_cast<std::uint16_t>(c.integer(2));
        ch.line = static_cast<std::uint32_t>(c.integer(3));
        if (!c.is_null(4)) ch.before = decode_values(c.text(4));
        s.changes.emplace_back(c.integer(0), std::move(ch));
      }
      c.reset();
    }
    Change added;
    added.kind = ChangeKind::added;
    added.state_id = ids.back();  // the ID it was added under
    s.changes.emplace_back(s.added_run, std::move(added));
    std::stable_sort(s.changes.begin(), s.changes.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    return s;
  }

  void for_each_student(
      const std::string& feed,
      const std::function<void(const std::vector<std::string>&)>& visit) override {
    Statement q(db_, std::string("SELECT ") + kStudentColumns + ", " + kRecordedStudentsColumn +
                         " FROM students WHERE feed = ?1 ORDER BY state_id");
    q.bind(1, feed);
    std::vector<std::string> values(kFieldCount);
    WholeReadCheck whole(db_, feed);
    while (q.step()) {
      for (int i = 0; i < static_cast<int>(kFieldCount); ++i)
        values[static_cast<std::size_t>(i)] = std::string(q.text(i));
      whole.row(q.integer(static_cast<int>(kFieldCount)));
      visit(values);
    }
    whole.finish();
  }

  std::vector<std::string> damage(bool thorough) override {
    return find_store_damage(db_, thorough);
  }

 private:
  static constexpr const char* kRunColumns =
      "id, feed, kind, file_name, sha256, bytes, started, coalesce(finished, ''), decision, "
      "reason, base_run, "
      "target_run, rolled_back_by, decided_by, rows_read, rows_rejected, rows_warned, added, "
      "updated, deactivated, "
      "reactivated, unchanged, kept_rejected, active_before, safeguards, awaiting_report, rekeyed, "
      "proposed_rekeys, held_for_review, kept_for_review, linked, out_of_scope, left_scope, "
      "kept_out_of_scope, opted_out, suppressed_added, suppressed_updated, suppressed_deactivated";

  static RunRecord read_run(const Statement& q) {
    RunRecord r;
    r.id = q.integer(0);
    r.feed = std::string(q.text(1));
    r.kind = std::string(q.text(2));
    r.file_name = std::string(q.text(3));
    r.sha256 = std::string(q.text(4));
    r.bytes = static_cast<std::uint64_t>(q.integer(5));
    r.started = std::string(q.text(6));
    r.finished = std::string(q.text(7));
    r.decision = std::string(q.text(8));
    r.reason = std::string(q.text(9));
    r.base_run = q.optional_integer(10);
    r.target_run = q.optional_integer(11);
    r.rolled_back_by = q.optional_integer(12);
    r.decided_by = std::string(q.text(13));
    const auto u = [&](int c) { return static_cast<std::uint32_t>(q.integer(c)); };
    r.check = CheckCounts{u(14), u(15), u(16)};
    r.plan.added = u(17);
    r.plan.updated = u(18);
    r.plan.deactivated = u(19);
    r.plan.reactivated = u(20);
    r.plan.unchanged = u(21);
    r.plan.kept_rejected = u(22);
    r.plan.active_before = u(23);
    r.trips = decode_trips(q.text(24));
    r.awaiting_report = q.integer(25) != 0;
    r.plan.rekeyed = u(26);
    r.plan.proposed_rekeys = u(27);
    r.plan.held_for_review = u(28);
    r.plan.kept_for_review = u(29);
    r.plan.linked = u(30);
    r.plan.out_of_scope = u(31);
    r.plan.left_scope = u(32);
    r.plan.kept_out_of_scope = u(33);
    r.plan.opted_out = u(34);
    r.plan.suppressed_added = u(35);
    r.plan.suppressed_updated = u(36);
    r.plan.suppressed_deactivated = u(37);
    return r;
  }

  // One committed student's values (kFieldCount, Field order), if the feed has it.
  std::optional<std::vector<std::string>> student_values(const std::string& feed,
                                                         const std::string& id) {
    // Prepared once: a rollback of a large first load reads a student per change.
    if (!student_query_) {
      student_query_ =
          std::make_unique<Statement>(db_, std::string("SELECT ") + kStudentColumns +
                                               " FROM students WHERE feed = ? AND state_id = ?");
    }
    Statement& q = *student_query_;
    q.bind(1, feed).bind(2, id);
    std::optional<std::vector<std::string>> v;
    if (q.step()) {
      v.emplace();
      v->reserve(kFieldCount);
      for (int i = 0; i < static_cast<int>(kFieldCount); ++i)
        v->emplace_back(q.text(i));
    }
    q.reset();
    return v;
  }

  // The feed's other held runs, now that `run` has committed, can never be approved: their plan's
  // base is gone (a later run, or an older held run approved or sent its report, committed over
  // it). They become `superseded` (their proposals dismissed, as a rejection does), so that
  // history stops showing them as waiting for a person.
  // REQUIRES: inside the transaction that commits `run`.
  void supersede_held_runs(const std::string& feed, std::int64_t run) {
    std::vector<std::int64_t> overtaken;
    {
      Statement q(db_, "SELECT id FROM runs WHERE feed = ? AND decision = 'held' AND id <> ?");
      q.bind(1, feed).bind(2, run);
      while (q.step())
        overtaken.push_back(q.integer(0));
    }
    Statement up(db_,
                 "UPDATE runs SET decision = 'superseded', awaiting_report = 0, reason = reason || "
                 "? WHERE id = ?");
    for (std::int64_t id : overtaken) {
      dismiss_run_alerts(db_, id);
      up.bind(1, "; superseded by run " + std::to_string(run) + ", which committed over it")
          .bind(2, id)
          .run();
    }
  }

  RunRecord held_run(std::int64_t id, const char* verb) {
    const auto r = run(id);
    if (!r)
      throw Error("there is no run " + std::to_string(id) + ". 'rosterd history' lists the runs.");
    if (r->decision == "superseded") {
      throw Error("run " + std::to_string(id) + " is superseded: another run of feed " + r->feed +
                  " committed over it, so its changes no longer apply and it cannot be " +
                  (std::string(verb) == "approve" ? "approved" : "rejected") +
                  ". Its reason names that run ('rosterd show " + std::to_string(id) + "').");
    }
    if (r->decision != "held") {
      throw Error("run " + std::to_string(id) + " is " + r->decision +
                  ", not held: only a held run can be " +
                  (std::string(verb) == "approve" ? "approved" : "rejected") + ".");
    }
    return *r;
  }

  void migrate(const std::vector<std::string_view>& migrations) {
    // Up to date (every open but the first): no write lock needed, so opening a store never
    // waits for another instance's long commit.
    try {
      Statement current(db_, "SELECT max(version) FROM schema_migrations");
      current.step();
      if (current.integer(0) >= static_cast<std::int64_t>(migrations.size())) {
        check_version(current.integer(0), migrations.size());
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
      Transaction tx(db_);
      if (v == 1) {
        db_.exec(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied "
            "TEXT NOT NULL)");
      }
      Statement q(db_, "SELECT 1 FROM schema_migrations WHERE version = ?");
      q.bind(1, static_cast<std::int64_t>(v));
      if (!q.step()) {
        db_.exec(migrations[v - 1]);
        Statement ins(db_, "INSERT INTO schema_migrations (version, applied) VALUES (?, ?)");
        ins.bind(1, static_cast<std::int64_t>(v)).bind(2, now_utc()).run();
      }
      tx.commit();
    }
    Statement newer(db_, "SELECT max(version) FROM schema_migrations");
    newer.step();
    check_version(newer.integer(0), migrations.size());
  }

  void check_version(std::int64_t version, std::size_t known) {
    if (version > static_cast<std::int64_t>(known)) {
      throw StoreError("the roster store " + db_.where() + " has schema version " +
                       std::to_string(version) + ", newer than this rosterd knows (" +
                       std::to_string(known) + "). Run the newer rosterd, or restore a backup.");
    }
  }

  // Whether the process (SQLite: `rosterd@HOST:PID`) or connection (PostgreSQL: `PID/START`)
  // that `instance` names may still be at work. A PostgreSQL session of another role, whose
  // start time is hidden, counts as alive; an empty name as gone, and so does a process of
  // another host on SQLite, which serves one host: the store was moved, or its container
  // recreated under a new name.
  bool instance_alive(const std::string& instance) {
    if (instance.empty()) return false;
    if (db_.dialect() == SqlDialect::postgresql) {
      Statement q(db_, std::string("SELECT 1 FROM pg_stat_activity WHERE CAST(pid AS text) = "
                                   "split_part(?, '/', 1) AND (backend_start IS NULL OR ") +
                           kConnectionToken + " = ?)");
      q.bind(1, instance).bind(2, instance);
      return q.step();
    }
    const auto at = instance.find('@');
    const auto colon = instance.rfind(':');
    if (at == std::string::npos || colon == std::string::npos || colon < at) return false;
    if (instance.substr(at + 1, colon - at - 1) != host_name()) return false;
    const std::string pid = instance.substr(colon + 1);
    if (pid.empty() || pid.size() > 18 || pid.find_first_not_of("0123456789") != std::string::npos)
      return false;
    return process_alive(std::stoll(pid));
  }

  // Runs left `running` by a process (SQLite: on this host) or, on PostgreSQL, a connection
  // that is gone: they can never finish, since a run commits on the connection it began on.
  void recover_abandoned_runs() {
    const std::string host = host_name();
    std::vector<std::int64_t> dead;
    if (db_.dialect() == SqlDialect::postgresql) {
      // A live run must never be marked failed: instance_alive counts a session whose start
      // time is hidden as alive. (A dead run whose pid was reused by such a session waits until
      // that session ends.)
      std::vector<std::pair<std::int64_t, std::string>> running;
      Statement q(db_, "SELECT id, instance FROM runs WHERE decision = 'running'");
      while (q.step())
        running.emplace_back(q.integer(0), std::string(q.text(1)));
      for (const auto& [id, instance] : running) {
        if (!instance_alive(instance)) dead.push_back(id);
      }
    } else {
      Statement q(db_, "SELECT id, pid, host FROM runs WHERE decision = 'running'");
      while (q.step()) {
        if (q.text(2) == host && !process_alive(q.integer(1))) dead.push_back(q.integer(0));
      }
    }
    for (std::int64_t id : dead) {
      fail_run(id,
               "the process stopped before the run finished (killed or crashed); nothing of it was "
               "committed, and "
               "the file will be taken again");
    }
  }

  void apply_changes(const std::string& feed, std::int64_t run,
                     const std::vector<Change>& changes) {
    // Additions go in bulk (PostgreSQL's COPY) after the other changes: no addition depends on
    // them (an added ID is in the file, so no re-key or removal frees it).
    std::vector<const Change*> adds;
    // On PostgreSQL, many updates go in bulk too (see update_in_bulk).
    std::vector<const Change*> bulk_updates;
    const bool bulk = db_.dialect() == SqlDialect::postgresql &&
                      std::count_if(changes.begin(), changes.end(), [](const Change& c) {
                        return c.kind != ChangeKind::added && c.kind != ChangeKind::removed &&
                               c.kind != ChangeKind::rekeyed;
                      }) >= 64;
    Statement up(db_,
                 "UPDATE students SET local_id = ?, first_name = ?, middle_name = ?, last_name = "
                 "?, birth_date = ?, "
                 "grade = ?, campus = ?, diagnoses = ?, status = ?, ela_score = ?, math_score = ?, "
                 "digest = ?, updated_run = ?, identity_key = ?, state_id = ? WHERE feed = ? AND "
                 "state_id = ?");
    // Values are bound without a copy: they outlive each statement step.
    for (const Change& c : changes) {
      if (c.kind == ChangeKind::removed) {
        remove_student(feed, c.state_id);
        continue;
      }
      if (c.kind == ChangeKind::added) {
        adds.push_back(&c);
        continue;
      }
      if (bulk && c.kind != ChangeKind::rekeyed) {
        bulk_updates.push_back(&c);
        continue;
      }
      const StudentValues view = c.after_values();
      const StoredKeys keys = stored_keys(view);
      // A re-key moves the record to its new ID: the old one is in the before-image.
      const std::string& from = c.kind == ChangeKind::rekeyed && c.before
                                    ? (*c.before)[field_index(Field::state_id)]
                                    : c.state_id;
      for (int i = 1; i < static_cast<int>(kFieldCount); ++i)
        up.bind_static(i, view[static_cast<std::size_t>(i)]);
      up.bind(12, keys.digest).bind(13, run).bind(14, keys.identity).bind(15, c.state_id);
      up.bind(16, feed).bind(17, from).run();
      if (c.kind == ChangeKind::rekeyed) {
        if (db_.changes() != 1) {
          throw StoreError("feed " + feed + ": student " + from + " to be given state ID " +
                           c.state_id + " is no longer in the roster; nothing was committed.");
        }
        record_id_change(db_, feed, from, c.state_id, run, now_utc());
      }
    }
    if (!bulk_updates.empty()) update_in_bulk(feed, run, bulk_updates);
    if (adds.empty()) return;
    BulkInsert ins(db_, "students",
                   with_student_fields({"feed"}, {"digest", "added_run", "updated_run",
                                                  "identity_key", "platform_id"}));
    std::vector<std::optional<std::string_view>> row(kFieldCount + 6);
    const std::string run_text = std::to_string(run);
    std::string digest, key;
    for (const Change* c : adds) {
      const StudentValues view = c->after_values();
      const StoredKeys keys = stored_keys(view);
      digest = std::to_string(keys.digest);
      key = std::to_string(keys.identity);
      row[0] = feed;
      for (std::size_t i = 0; i < kFieldCount; ++i)
        row[1 + i] = view[i];
      row[kFieldCount + 1] = digest;
      row[kFieldCount + 2] = run_text;
      row[kFieldCount + 3] = run_text;
      row[kFieldCount + 4] = key;
      row[kFieldCount + 5] = c->platform_id;
      ins.add(row);
    }
    ins.finish();
    count_students(db_, feed, static_cast<std::int64_t>(adds.size()));
    for (const Change* c : adds) {
      if (!c->platform_id.empty()) link_existing(db_, feed, c->platform_id, c->state_id, run);
    }
  }

  // PostgreSQL: the new values of many students copied into a temporary table, then one UPDATE
  // joining it (a statement a student would cost a round trip each).
  // REQUIRES: none of `updates` changes a state ID; inside the run's transaction.
  void update_in_bulk(const std::string& feed, std::int64_t run,
                      const std::vector<const Change*>& updates) {
    db_.exec(
        "CREATE TEMP TABLE IF NOT EXISTS rosterd_updates (state_id TEXT COLLATE \"C\", local_id "
        "TEXT, first_name TEXT, middle_name TEXT, last_name TEXT, birth_date TEXT, grade TEXT, "
        "campus TEXT, diagnoses TEXT, status TEXT, ela_score TEXT, math_score TEXT, digest BIGINT, "
        "identity_key BIGINT) ON COMMIT DELETE ROWS; DELETE FROM rosterd_updates");
    {
      BulkInsert ins(db_, "rosterd_updates", with_student_fields({}, {"digest", "identity_key"}));
      std::vector<std::optional<std::string_view>> row(kFieldCount + 2);
      std::string digest, key;
      for (const Change* c : updates) {
        const StudentValues view = c->after_values();
        const StoredKeys keys = stored_keys(view);
        digest = std::to_string(keys.digest);
        key = std::to_string(keys.identity);
        for (std::size_t i = 0; i < kFieldCount; ++i)
          row[i] = view[i];
        row[kFieldCount] = digest;
        row[kFieldCount + 1] = key;
        ins.add(row);
      }
      ins.finish();
    }
    Statement up(db_,
                 "UPDATE students s SET local_id = u.local_id, first_name = u.first_name, "
                 "middle_name = u.middle_name, last_name = u.last_name, birth_date = u.birth_date, "
                 "grade = u.grade, campus = u.campus, diagnoses = u.diagnoses, status = u.status, "
                 "ela_score = u.ela_score, math_score = u.math_score, digest = u.digest, "
                 "identity_key = u.identity_key, updated_run = ? FROM rosterd_updates u WHERE "
                 "s.feed = ? AND s.state_id = u.state_id");
    up.bind(1, run).bind(2, feed).run();
  }

  // An opted-out student: the record and every row of its history the feed wrote (before- and
  // after-images, discrepancies, alerts, ID changes, go-live links) go; the run that removes it
  // records the removal, without values.
  void remove_student(const std::string& feed, const std::string& id) {
    const auto run = [&](const char* sql, int binds) {
      Statement s(db_, sql);
      s.bind(1, feed);
      for (int i = 2; i <= binds; ++i)
        s.bind(i, id);
      s.run();
    };
    run("DELETE FROM students WHERE feed = ? AND state_id = ?", 2);
    count_students(db_, feed, -db_.changes());
    // Its history under the IDs it had before a re-key too.
    std::vector<std::string> ids{id};
    for (const IdChange& k : query_id_history(db_, feed, id))
      ids.push_back(k.old_id);
    for (const std::string& each : ids) {
      Statement c(db_,
                  "DELETE FROM run_changes WHERE run IN (SELECT id FROM runs WHERE feed = ?) AND "
                  "state_id = ?");
      c.bind(1, feed).bind(2, each).run();
      Statement d(db_,
                  "DELETE FROM run_discrepancies WHERE run IN (SELECT id FROM runs WHERE feed = ?) "
                  "AND student_id = ?");
      d.bind(1, feed).bind(2, each).run();
    }
    // Candidates are "id US score US values", records separated by RS.
    run(db_.dialect() == SqlDialect::sqlite
            ? "DELETE FROM alerts WHERE feed = ?1 AND (state_id = ?2 OR instr(char(30) || "
              "candidates, char(30) || ?3 || char(31)) > 0)"
            : "DELETE FROM alerts WHERE feed = ?1 AND (state_id = ?2 OR strpos(chr(30) || "
              "candidates, chr(30) || ?3 || chr(31)) > 0)",
        3);
    run("DELETE FROM student_id_changes WHERE feed = ? AND (old_id = ? OR new_id = ?)", 3);
    run("DELETE FROM existing_students WHERE feed = ? AND (state_id = ? OR linked_state_id = ?)",
        3);
  }

  void record_changes(std::int64_t run, const std::vector<Change>& changes, Decision decision) {
    if (decision == Decision::refused) return;
    BulkInsert ins(
        db_, "run_changes",
        {"run", "state_id", "kind", "changed_fields", "line", "before", "after", "platform_id"});
    std::vector<std::optional<std::string_view>> row(8);
    const std::string run_text = std::to_string(run);
    std::string changed, line, before, after;
    // A committed run needs before-images (to roll back); additions are in students.added_run.
    // A held run keeps after-images too: approving it applies them. A dry run can never be
    // applied: it keeps what it would change of existing students, not a copy of every addition.
    const bool keep_after = decision == Decision::held;
    for (const Change& c : changes) {
      if (c.kind == ChangeKind::added && !keep_after) continue;  // committed: see added_run
      changed = std::to_string(c.changed_fields);
      line = std::to_string(c.line);
      row[0] = run_text;
      row[1] = c.state_id;
      row[2] = change_kind_name(c.kind);
      row[3] = changed;
      row[4] = line;
      row[5] = std::nullopt;
      if (c.before) {
        before = encode_values(*c.before);
        row[5] = before;
      }
      row[6] = std::nullopt;
      if (keep_after && c.has_after) {  // an opt-out removal has no values
        after = encode_values(c.after_strings());
        row[6] = after;
      }
      row[7] = c.platform_id;
      ins.add(row);
    }
    ins.finish();
  }

  void record_discrepancies(std::int64_t run, const std::optional<Discrepancy>& refusal,
                            const std::vector<Discrepancy>* list) {
    BulkInsert ins(db_, "run_discrepancies",
                   {"run", "seq", "line", "student_id", "field", "code", "value", "detail"});
    std::vector<std::optional<std::string_view>> row(8);
    const std::string run_text = std::to_string(run);
    std::string seq, line;
    std::int64_t next = 0;
    const auto add = [&](const Discrepancy& d) {
      seq = std::to_string(next++);
      line = std::to_string(d.line);
      row[0] = run_text;
      row[1] = seq;
      row[2] = line;
      row[3] = d.student_id;
      row[4] = d.field ? field_name(*d.field) : std::string_view();
      row[5] = code_name(d.code);
      row[6] = d.value;
      row[7] = d.detail;
      ins.add(row);
    };
    if (refusal) add(*refusal);
    if (list != nullptr) {
      for (const Discrepancy& d : *list)
        add(d);
    }
    ins.finish();
  }

  // The id a statement ending in RETURNING id gave back.
  static std::int64_t returned_id(Statement& ins) {
    if (!ins.step()) throw StoreError("roster store: an INSERT returned no id");
    const std::int64_t id = ins.integer(0);
    ins.reset();
    return id;
  }

  // What runs.instance records: on SQLite the process (`rosterd@HOST:PID`); on PostgreSQL the
  // connection that can commit the run, as its backend PID and start time (unique while the
  // server runs; application_name would do, but the server cuts it at 63 bytes).
  std::string connection_instance() {
    if (db_.dialect() != SqlDialect::postgresql) return instance_;
    if (connection_.empty()) {
      Statement q(db_, std::string("SELECT ") + kConnectionToken +
                           " FROM pg_stat_activity WHERE pid = pg_backend_pid()");
      if (q.step()) connection_ = std::string(q.text(0));
    }
    return connection_;
  }
  static std::string no_longer_running(std::int64_t run) {
    return "run " + std::to_string(run) +
           " is no longer running (another rosterd found its connection gone and marked it "
           "failed); nothing of it was committed, and its file is taken again.";
  }
  static constexpr const char* kConnectionToken =
      "CAST(pid AS text) || '/' || CAST(extract(epoch FROM backend_start) AS text)";

  std::unique_ptr<SqlDb> owned_;
  SqlDb& db_;
  std::string instance_;
  std::string connection_;
  std::set<std::string> held_feeds_;
  std::unique_ptr<Statement> student_query_;  // after db_: finalized before it closes
};

class SqlCommitted : public CommittedRoster {
 public:
  SqlCommitted(SqlDb& db, std::string feed) : db_(db), feed_(std::move(feed)) {}

  void for_each_digest(const std::function<void(const Entry&)>& visit) override {
    // The primary key's order: no sort step.
    Statement q(db_, std::string("SELECT state_id, digest, status, identity_key, ") +
                         kRecordedStudentsColumn +
                         " FROM students WHERE feed = ?1 ORDER BY state_id");
    q.bind(1, feed_);
    Entry e;
    // A damaged store must not be planned against as if most students had left.
    WholeReadCheck whole(db_, feed_);
    while (q.step()) {
      e.state_id = std::string(q.text(0));
      e.digest = static_cast<std::uint64_t>(q.integer(1));
      e.active = q.text(2) == "A";
      e.identity_key = static_cast<std::uint64_t>(q.integer(3));
      whole.row(q.integer(4));
      visit(e);
    }
    whole.finish();
  }

  std::vector<std::pair<std::string, std::vector<std::string>>> fetch(
      const std::vector<std::string>& ids) override {
    std::vector<std::pair<std::string, std::vector<std::string>>> out;
    const auto read = [&](Statement& q) {
      std::vector<std::string> values;
      values.reserve(kFieldCount);
      for (int i = 0; i < static_cast<int>(kFieldCount); ++i)
        values.emplace_back(q.text(i));
      out.emplace_back(values[0], std::move(values));
    };
    if (db_.dialect() == SqlDialect::postgresql) {
      // A round trip to the server costs more than a point query: ask for thousands at once.
      Statement q(db_, std::string("SELECT ") + kStudentColumns +
                           " FROM students WHERE feed = ? AND state_id = ANY(CAST(? AS text[]))");
      for (std::size_t from = 0; from < ids.size(); from += 10000) {
        std::string array = "{";
        for (std::size_t i = from; i < std::min(ids.size(), from + 10000); ++i) {
          array += i == from ? "\"" : ",\"";
          for (char c : ids[i]) {
            if (c == '"' || c == '\\') array += '\\';
            array += c;
          }
          array += '"';
        }
        array += '}';
        q.bind(1, feed_).bind(2, array);
        while (q.step())
          read(q);
        q.reset();
      }
      return out;
    }
    if (ids.size() > 50000) {
      // Many students: one scan beats a point query each.
      std::unordered_set<std::string_view> wanted(ids.begin(), ids.end());
      Statement q(db_, std::string("SELECT ") + kStudentColumns + " FROM students WHERE feed = ?");
      q.bind(1, feed_);
      while (q.step()) {
        if (wanted.count(q.text(0)) != 0) read(q);
      }
      return out;
    }
    Statement q(db_, std::string("SELECT ") + kStudentColumns +
                         " FROM students WHERE feed = ? AND state_id = ?");
    for (const std::string& id : ids) {
      q.bind(1, feed_).bind(2, id);
      if (q.step()) read(q);
      q.reset();
    }
    return out;
  }

 private:
  SqlDb& db_;
  std::string feed_;
};

std::unique_ptr<CommittedRoster> SqlStore::committed(const std::string& feed) {
  return std::make_unique<SqlCommitted>(db_, feed);
}

std::int64_t SqlStore::rollback(std::int64_t id, bool force, const std::string& who) {
  Transaction tx(db_);
  const auto target = run(id);
  if (!target)
    throw Error("there is no run " + std::to_string(id) + ". 'rosterd history' lists the runs.");
  if (target->decision != "committed") {
    throw Error("run " + std::to_string(id) + " is " + target->decision +
                ": only a committed run can be rolled back.");
  }
  if (target->rolled_back_by) {
    throw Error("run " + std::to_string(id) + " was already rolled back by run " +
                std::to_string(*target->rolled_back_by) + ".");
  }
  const std::vector<Change> changes = run_changes(id);
  // Later committed runs that touched the same students.
  std::vector<std::int64_t> conflicts;
  {
    // A later run that was itself rolled back, and the rollback that undid it, cancel out.
    Statement q(db_,
                "SELECT DISTINCT c.run FROM run_changes c JOIN runs r ON r.id = c.run "
                "WHERE c.state_id = ? AND c.run > ? AND r.feed = ? AND r.decision = 'committed' "
                "AND r.rolled_back_by IS NULL AND NOT (r.kind = 'rollback' AND r.target_run > ?) "
                "ORDER BY c.run");
    // A later re-key moved the student to another ID: its run_changes row has the new one.
    Statement rekeyed(db_,
                      "SELECT DISTINCT k.run FROM student_id_changes k JOIN runs r ON r.id = k.run "
                      "WHERE k.feed = ? AND (k.old_id = ? OR k.new_id = ?) AND k.run > ? AND "
                      "r.decision = 'committed' AND r.rolled_back_by IS NULL AND NOT (r.kind = "
                      "'rollback' AND r.target_run > ?)");
    std::set<std::int64_t> found;
    for (const Change& c : changes) {
      std::vector<std::string> ids{c.state_id};
      if (c.kind == ChangeKind::rekeyed && c.before)
        ids.push_back((*c.before)[field_index(Field::state_id)]);
      for (const std::string& sid : ids) {
        q.bind(1, sid).bind(2, id).bind(3, target->feed).bind(4, id);
        while (q.step())
          found.insert(q.integer(0));
        q.reset();
        rekeyed.bind(1, target->feed).bind(2, sid).bind(3, sid).bind(4, id).bind(5, id);
        while (rekeyed.step())
          found.insert(rekeyed.integer(0));
        rekeyed.reset();
      }
    }
    conflicts.assign(found.begin(), found.end());
  }
  if (!conflicts.empty() && !force) {
    std::string list;
    for (std::int64_t c : conflicts)
      list += (list.empty() ? "" : ", ") + std::to_string(c);
    throw Error(
        "run " + std::to_string(id) + " cannot be rolled back: later committed run(s) " + list +
        " changed some of the same students, and restoring run " + std::to_string(id) +
        "'s before-images would undo their changes too. Roll those back first, or add --force.");
  }

  const auto base = last_committed_run(target->feed);
  Statement ins(
      db_,
      "INSERT INTO runs (feed, kind, file_name, started, finished, decision, reason, "
      "base_run, target_run, "
      "decided_by) VALUES (?, 'rollback', ?, ?, ?, 'committed', ?, ?, ?, ?) RETURNING id");
  const std::string now = now_utc();
  ins.bind(1, target->feed)
      .bind(2, target->file_name)
      .bind(3, now)
      .bind(4, now)
      .bind(5, "rollback of run " + std::to_string(id) + " by " + who + (force ? " (forced)" : ""))
      .bind(6, base)
      .bind(7, id)
      .bind(8, who);
  const std::int64_t rollback_run = returned_id(ins);

  // Undo: restore before-images, remove additions. Record each as a change of the rollback run.
  std::vector<Change> undo;
  Statement remove(db_, "DELETE FROM students WHERE feed = ? AND state_id = ?");
  PlanCounts counts;
  for (const Change& c : changes) {
    const std::optional<std::vector<std::string>> now_values =
        student_values(target->feed, c.state_id);
    Change u;
    u.state_id = c.state_id;
    u.before = now_values;
    if (c.kind == ChangeKind::rekeyed) {
      // Back to the old ID and values.
      if (!now_values || !c.before) continue;
      const std::string& old_id = (*c.before)[field_index(Field::state_id)];
      if (student_values(target->feed, old_id)) {
        throw Error("run " + std::to_string(id) + " cannot be rolled back: it gave student " +
                    old_id + " the state ID " + c.state_id + ", and " + old_id +
                    " is in the roster again (a later run added it). Roll that run back first.");
      }
      u.kind = ChangeKind::rekeyed;
      u.state_id = old_id;
      u.set_after(*c.before);
      u.changed_fields = changed_mask(*now_values, u);
      std::vector<Change> one{u};
      apply_changes(target->feed, rollback_run, one);
      ++counts.rekeyed;
      undo.push_back(std::move(u));
      continue;
    }
    if (!now_values) {
      // Forced past a later re-key: the student lives on under its new ID; never re-create it.
      Statement moved(db_,
                      "SELECT 1 FROM student_id_changes WHERE feed = ? AND old_id = ? AND run > ?");
      moved.bind(1, target->feed).bind(2, c.state_id).bind(3, id);
      if (moved.step()) continue;
    }
    if (c.kind == ChangeKind::added) {
      if (!now_values) continue;  // already gone
      remove.bind(1, target->feed).bind(2, c.state_id).run();
      count_students(db_, target->feed, -db_.changes());
      u.kind = ChangeKind::removed;
      u.changed_fields = static_cast<std::uint16_t>((1u << kFieldCount) - 1);
      ++counts.deactivated;
    } else {
      if (!c.before) continue;
      u.set_after(*c.before);
      const bool was_active = now_values && (*now_values)[field_index(Field::status)] == "A";
      const bool is_active = u.after(field_index(Field::status)) == "A";
      u.kind = was_active && !is_active   ? ChangeKind::deactivated
               : !was_active && is_active ? ChangeKind::reactivated
                                          : ChangeKind::updated;
      (u.kind == ChangeKind::deactivated   ? counts.deactivated
       : u.kind == ChangeKind::reactivated ? counts.reactivated
                                           : counts.updated)++;
      if (now_values) {
        std::vector<Change> one{u};
        one[0].kind = ChangeKind::updated;
        apply_changes(target->feed, rollback_run, one);
      } else {
        // Removed since (a forced rollback of a later run): put it back.
        std::vector<Change> one{u};
        one[0].kind = ChangeKind::added;
        apply_changes(target->feed, rollback_run, one);
      }
    }
    undo.push_back(std::move(u));
  }
  record_changes(rollback_run, undo, Decision::committed);
  Statement mark(db_, "UPDATE runs SET rolled_back_by = ? WHERE id = ?");
  mark.bind(1, rollback_run).bind(2, id).run();
  Statement cnt(db_,
                "UPDATE runs SET updated = ?, deactivated = ?, reactivated = ?, rekeyed = ? WHERE "
                "id = ?");
  cnt.bind(1, static_cast<std::int64_t>(counts.updated))
      .bind(2, static_cast<std::int64_t>(counts.deactivated))
      .bind(3, static_cast<std::int64_t>(counts.reactivated))
      .bind(4, static_cast<std::int64_t>(counts.rekeyed))
      .bind(5, rollback_run)
      .run();
  // Go-live links and outcomes the undone run made are pending again.
  Statement relink(db_,
                   "UPDATE existing_students SET outcome = 'pending', linked_state_id = '', run = "
                   "NULL WHERE feed = ? AND run = ?");
  relink.bind(1, target->feed).bind(2, id).run();
  dismiss_stale_proposals(db_, target->feed, rollback_run);
  supersede_held_runs(target->feed, rollback_run);
  tx.commit();
  return rollback_run;
}

}  // namespace

std::unique_ptr<RosterStore> open_sqlite_store(const std::string& path) {
  auto db = std::make_unique<SqliteDb>(path);
  prepare_sqlite_connection(*db);
  return std::make_unique<SqlStore>(std::move(db), sqlite_migrations(), instance_name());
}

std::unique_ptr<RosterStore> open_postgres_store(const PostgresOptions& options) {
  const std::string instance = instance_name();
  auto db = std::make_unique<PgDb>(options.conninfo, options.password, instance);
  return std::make_unique<SqlStore>(std::move(db), postgres_migrations(), instance);
}

}  // namespace rosterd
