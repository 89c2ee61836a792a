#include "store/committed_students.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <future>
#include <system_error>
#include <unordered_set>

#include "store/committed_count.h"
#include "store/identity_tables.h"
#include "store/store_support.h"
#include "store/value_codec.h"

namespace rosterd {
namespace {

// Asks for the values of the additions a little after adds[a]: in ID order, the rows of a file
// not in ID order are far apart (0.1 s at 1M without).
void prefetch_ahead(const std::vector<const Change*>& adds, std::size_t a) {
  constexpr std::size_t kEntryAhead = 16, kValuesAhead = 8;
  if (a + kEntryAhead < adds.size()) adds[a + kEntryAhead]->prefetch_after(false);
  if (a + kValuesAhead < adds.size()) adds[a + kValuesAhead]->prefetch_after(true);
}

// The stored keys of the students a run adds. For many, they are computed on a second thread,
// in order, while the caller inserts the rows whose keys are ready: hashing a million students'
// values (~0.15 s) then overlaps SQLite's inserting instead of adding to it.
class AddedKeys {
 public:
  explicit AddedKeys(const std::vector<const Change*>& adds) : adds_(adds), keys_(adds.size()) {
    if (adds.size() < kThreadFrom) return;
    try {
      worker_ = std::async(std::launch::async, [this] { compute_all(); });
    } catch (const std::system_error&) {  // no thread to be had: computed as they are asked for
    }
  }
  AddedKeys(const AddedKeys&) = delete;
  AddedKeys& operator=(const AddedKeys&) = delete;
  ~AddedKeys() {
    stop_.store(true, std::memory_order_relaxed);
    // The future's destructor waits for the thread, which uses this object.
  }

  // The keys of adds[i], waiting for the thread to reach it (asked in order, as the rows are
  // written, the thread is mostly ahead). Rethrows what the thread threw.
  const StoredKeys& at(std::size_t i) {
    if (!worker_.valid()) {
      compute(i);
      return keys_[i];
    }
    for (;;) {
      const std::size_t ready = ready_.load(std::memory_order_acquire);
      if (ready == kFailed) worker_.get();  // rethrows
      if (i < ready) return keys_[i];
      ready_.wait(ready, std::memory_order_acquire);
    }
  }

 private:
  // Below this, the keys take a few milliseconds (~0.15 us a student): not worth a thread.
  static constexpr std::size_t kThreadFrom = 20000;
  // Progress is published this often: a wake-up a few dozen microseconds, not one a student.
  static constexpr std::size_t kPublishEvery = 512;
  static constexpr std::size_t kFailed = static_cast<std::size_t>(-1);

  void compute(std::size_t i) { keys_[i] = stored_keys(adds_[i]->after_values()); }

  void compute_all() {
    try {
      for (std::size_t i = 0; i < keys_.size(); ++i) {
        if (stop_.load(std::memory_order_relaxed)) return;
        prefetch_ahead(adds_, i);
        compute(i);
        if ((i + 1) % kPublishEvery == 0 || i + 1 == keys_.size()) {
          ready_.store(i + 1, std::memory_order_release);
          ready_.notify_one();
        }
      }
    } catch (...) {
      ready_.store(kFailed, std::memory_order_release);
      ready_.notify_one();
      throw;
    }
  }

  const std::vector<const Change*>& adds_;
  std::vector<StoredKeys> keys_;
  std::atomic<std::size_t> ready_{0};
  std::atomic<bool> stop_{false};
  std::future<void> worker_;  // last: destroyed (joined) first
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

}  // namespace

CommittedStudents::~CommittedStudents() = default;

std::unique_ptr<CommittedRoster> CommittedStudents::roster(const std::string& feed) {
  return std::make_unique<SqlCommitted>(db_, feed);
}

std::int64_t CommittedStudents::count(const std::string& feed) {
  Statement q(db_, "SELECT count(*) FROM students WHERE feed = ?");
  q.bind(1, feed);
  q.step();
  return q.integer(0);
}

bool CommittedStudents::any(const std::string& feed) {
  Statement q(db_, "SELECT 1 FROM students WHERE feed = ? LIMIT 1");
  q.bind(1, feed);
  return q.step();
}

void CommittedStudents::for_each(
    const std::string& feed, const std::function<void(const std::vector<std::string>&)>& visit) {
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

std::optional<StudentRecord> CommittedStudents::record(const std::string& feed,
                                                       const std::string& state_id) {
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

std::optional<std::vector<std::string>> CommittedStudents::values(const std::string& feed,
                                                                  const std::string& id) {
  // Prepared once: a rollback of a large first load reads a student per change.
  if (!values_query_) {
    values_query_ =
        std::make_unique<Statement>(db_, std::string("SELECT ") + kStudentColumns +
                                             " FROM students WHERE feed = ? AND state_id = ?");
  }
  Statement& q = *values_query_;
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

void CommittedStudents::apply_changes(const std::string& feed, std::int64_t run,
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
      record_id_change(db_, feed, from, c.state_id, run, now_utc(clock_));
    }
  }
  if (!bulk_updates.empty()) update_in_bulk(feed, run, bulk_updates);
  if (adds.empty()) return;
  BulkInsert ins(db_, "students",
                 with_student_fields({"feed"}, {"digest", "added_run", "updated_run",
                                                "identity_key", "platform_id"}));
  std::vector<std::optional<std::string_view>> row(kFieldCount + 6);
  const std::string run_text = std::to_string(run);
  char digest[24], key[24];
  AddedKeys keys(adds);
  for (std::size_t a = 0; a < adds.size(); ++a) {
    const Change* c = adds[a];
    prefetch_ahead(adds, a);
    const StudentValues view = c->after_values();
    const StoredKeys& k = keys.at(a);
    const std::string_view digest_text(
        digest, static_cast<std::size_t>(
                    std::to_chars(digest, digest + sizeof digest, k.digest).ptr - digest));
    const std::string_view key_text(
        key, static_cast<std::size_t>(std::to_chars(key, key + sizeof key, k.identity).ptr - key));
    row[0] = feed;
    for (std::size_t i = 0; i < kFieldCount; ++i)
      row[1 + i] = view[i];
    row[kFieldCount + 1] = digest_text;
    row[kFieldCount + 2] = run_text;
    row[kFieldCount + 3] = run_text;
    row[kFieldCount + 4] = key_text;
    row[kFieldCount + 5] = c->platform_id;
    ins.add(row);
  }
  ins.finish();
  count_students(db_, feed, static_cast<std::int64_t>(adds.size()));
  for (const Change* c : adds) {
    if (!c->platform_id.empty()) link_existing(db_, feed, c->platform_id, c->state_id, run);
  }
}

void CommittedStudents::update_in_bulk(const std::string& feed, std::int64_t run,
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

void CommittedStudents::remove_student(const std::string& feed, const std::string& id) {
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
  run("DELETE FROM existing_students WHERE feed = ? AND (state_id = ? OR linked_state_id = ?)", 3);
}

}  // namespace rosterd
