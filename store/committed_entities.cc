#include "store/committed_entities.h"

#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>

#include "core/text.h"
#include "store/kind_discrepancies.h"
#include "store/store_support.h"

namespace rosterd {
namespace {

std::string quoted(std::string_view name) {
  return "\"" + std::string(name) + "\"";
}

// The kind's columns, quoted (a field may be a reserved word: guardian_links' "primary"): those
// schema steps up to `step` added (every column, by default).
std::string columns(const EntityKindInfo& k, std::uint8_t step = 255) {
  std::string s;
  for (const EntityField& f : k.fields)
    if (f.schema_step <= step) s += (s.empty() ? "" : ", ") + quoted(f.name);
  return s;
}

// The platform's read interface of a kind: its columns are a promise, as roster_current's. A
// column a later schema step adds comes after updated_run, so that the view only ever grows at
// its end (PostgreSQL's CREATE OR REPLACE keeps what the platform built on it).
std::string current_view_sql(const EntityKindInfo& k, std::uint8_t step, bool or_replace) {
  std::string later;
  for (const EntityField& f : k.fields)
    if (f.schema_step != 0 && f.schema_step <= step) later += ", " + quoted(f.name);
  return std::string(or_replace ? "CREATE OR REPLACE VIEW" : "CREATE VIEW") + " roster_current_" +
         std::string(k.name) + " AS SELECT feed, " + columns(k, 0) +
         ", active, added_run, updated_run" + later + " FROM " + kind_table(k.kind) + ";\n";
}

// The columns schema step `step` adds, each kind's read view made again with them: replaced
// on PostgreSQL, dropped and made again on SQLite (which cannot replace a view).
std::string fields_added_sql(std::uint8_t step, SqlDialect dialect) {
  std::string s;
  for (const EntityKindInfo& k : all_entity_kinds()) {
    bool added = false;
    for (const EntityField& f : k.fields) {
      if (f.schema_step != step) continue;
      s += "ALTER TABLE " + kind_table(k.kind) + " ADD COLUMN " + quoted(f.name) +
           " TEXT NOT NULL DEFAULT '';\n";
      added = true;
    }
    if (!added) continue;
    if (dialect == SqlDialect::sqlite) {
      s += "DROP VIEW roster_current_" + std::string(k.name) + ";\n" +
           current_view_sql(k, step, false);
    } else {
      s += current_view_sql(k, step, true);
    }
  }
  return s;
}

// "\"staff_id\" = ?" for each key field, joined by AND; parameters from `first`.
std::string key_match(const EntityKindInfo& k) {
  std::string s;
  for (std::size_t i : k.key)
    s += (s.empty() ? "" : " AND ") + quoted(k.fields[i].name) + " = ?";
  return s;
}

// A row's values in one TEXT column: each as its byte length, ':' and its bytes, so that any
// value (a separator, a control character) reads back exactly.
std::string encode_row(const KindRowView& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string_view v = values[i];
    out += std::to_string(v.size());
    out += ':';
    out += v;
  }
  return out;
}

// A recorded row's values, as many as it recorded.
std::vector<std::string> decode_row(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos)
      throw StoreDamagedError("a recorded row of a kind is torn");
    std::size_t n = 0;
    for (char c : text.substr(0, colon)) {
      if (c < '0' || c > '9') throw StoreDamagedError("a recorded row of a kind is torn");
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (n > text.size() - colon - 1) throw StoreDamagedError("a recorded row of a kind is torn");
    out.emplace_back(text.substr(colon + 1, n));
    text.remove_prefix(colon + 1 + n);
  }
  return out;
}

// A recorded row of `kind`. An image recorded before a later schema step lacks that step's
// fields: a section's platform courses are then its course code, as the step's migration gave
// the committed rows, so that approving or rolling back an older run changes none of them.
std::vector<std::string> decode_kind_row(EntityKind kind, std::string_view text) {
  const EntityKindInfo& k = kind_info(kind);
  std::vector<std::string> v = decode_row(text);
  const std::size_t recorded = v.size();
  v.resize(k.fields.size());
  if (kind == EntityKind::sections) {
    const auto courses = entity_field(k, "platform_courses");
    const auto course = entity_field(k, "course_code");
    if (courses && course && recorded <= *courses) v[*courses] = v[*course];
  }
  return v;
}

std::string find_sql(const EntityKindInfo& k) {
  return "SELECT " + columns(k) + ", active FROM " + kind_table(k.kind) + " WHERE feed = ? AND " +
         key_match(k);
}

// One row by its key fields' values (`find_sql`'s statement), if the table has it.
std::optional<CommittedKindRow> find_row(Statement& q, const EntityKindInfo& k,
                                         const std::string& feed,
                                         const std::vector<std::string>& key) {
  q.bind(1, feed);
  for (std::size_t i = 0; i < key.size(); ++i)
    q.bind(static_cast<int>(i) + 2, key[i]);
  std::optional<CommittedKindRow> r;
  if (q.step()) {
    r.emplace();
    const int n = static_cast<int>(k.fields.size());
    for (int i = 0; i < n; ++i)
      r->values.emplace_back(q.text(i));
    r->active = q.integer(n) != 0;
  }
  q.reset();
  return r;
}

// The prepared statements that change one kind's table.
struct KindWriter {
  const EntityKindInfo& k;
  Statement upsert;
  Statement activate;
  Statement remove;
  Statement find;

  static std::string upsert_sql(const EntityKindInfo& k) {
    std::string params, updates, keys;
    for (std::size_t i = 0; i < k.fields.size(); ++i) {
      params += "?, ";
      updates += quoted(k.fields[i].name) + " = excluded." + quoted(k.fields[i].name) + ", ";
    }
    for (std::size_t i : k.key)
      keys += ", " + quoted(k.fields[i].name);
    return "INSERT INTO " + kind_table(k.kind) + " (feed, " + columns(k) +
           ", active, added_run, updated_run) VALUES (?, " + params + "?, ?, ?) ON CONFLICT (feed" +
           keys + ") DO UPDATE SET " + updates +
           "active = excluded.active, updated_run = excluded.updated_run";
  }

  KindWriter(SqlDb& db, const EntityKindInfo& info)
      : k(info),
        upsert(db, upsert_sql(info)),
        activate(db, "UPDATE " + kind_table(info.kind) +
                         " SET active = ?, updated_run = ? WHERE feed = ? AND " + key_match(info)),
        remove(db,
               "DELETE FROM " + kind_table(info.kind) + " WHERE feed = ? AND " + key_match(info)),
        find(db, find_sql(info)) {}

  // The row with `values`' key as it now stands, if any.
  std::optional<CommittedKindRow> current(const std::string& feed, const KindRowView& values) {
    std::vector<std::string> key;
    for (std::size_t i : k.key)
      key.emplace_back(values[i]);
    return find_row(find, k, feed, key);
  }

  void put(const std::string& feed, std::int64_t run, const KindRowView& values, bool active) {
    int p = 1;
    upsert.bind(p++, feed);
    for (std::size_t i = 0; i < values.size(); ++i)
      upsert.bind(p++, values[i]);
    upsert.bind(p, std::int64_t{active ? 1 : 0});
    upsert.bind(p + 1, run);
    upsert.bind(p + 2, run);
    upsert.run();
  }
  void erase(const std::string& feed, const KindRowView& values) {
    int p = 1;
    remove.bind(p++, feed);
    for (std::size_t i : k.key)
      remove.bind(p++, values[i]);
    remove.run();
  }
};

}  // namespace

std::string kind_table(EntityKind kind) {
  return "roster_" + std::string(kind_info(kind).name);
}

std::string_view committed_entities_sql() {
  static const std::string sql = [] {
    std::string s;
    for (const EntityKindInfo& k : all_entity_kinds()) {
      const std::string table = kind_table(k.kind);
      s += "CREATE TABLE " + table + " (\n  feed TEXT NOT NULL,\n";
      for (const EntityField& f : k.fields)
        if (f.schema_step == 0) s += "  " + quoted(f.name) + " TEXT NOT NULL DEFAULT '',\n";
      std::string keys;
      for (std::size_t i : k.key)
        keys += ", " + quoted(k.fields[i].name);
      s += "  active INTEGER NOT NULL DEFAULT 1,\n  added_run BIGINT NOT NULL,\n"
           "  updated_run BIGINT NOT NULL,\n  PRIMARY KEY (feed" +
           keys + ")\n);\n";
      s += current_view_sql(k, 0, false);
    }
    s += R"sql(
CREATE TABLE run_kind_changes (
  run_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  seq BIGINT NOT NULL,
  change TEXT NOT NULL,
  row_key TEXT NOT NULL,
  before_values TEXT,
  after_values TEXT,
  PRIMARY KEY (run_id, kind, seq)
);
CREATE INDEX run_kind_changes_row ON run_kind_changes (kind, row_key);
CREATE TABLE run_kind_counts (
  run_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  rows_read BIGINT NOT NULL,
  rows_rejected BIGINT NOT NULL,
  rows_warned BIGINT NOT NULL,
  added BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  deactivated BIGINT NOT NULL,
  reactivated BIGINT NOT NULL,
  unchanged BIGINT NOT NULL,
  kept_rejected BIGINT NOT NULL,
  kept_for_student BIGINT NOT NULL,
  left_with_student BIGINT NOT NULL,
  active_before BIGINT NOT NULL,
  PRIMARY KEY (run_id, kind)
);
)sql";
    return s;
  }();
  return sql;
}

std::string_view section_platform_courses_sql(SqlDialect dialect) {
  // A section committed before has the platform course a feed without a course table gives it:
  // its own course code (validators/kind_check.h), so that the next night changes none of them.
  static const auto sql = [](SqlDialect d) {
    return fields_added_sql(1, d) + "UPDATE roster_sections SET platform_courses = course_code;\n";
  };
  static const std::string sqlite = sql(SqlDialect::sqlite);
  static const std::string postgresql = sql(SqlDialect::postgresql);
  return dialect == SqlDialect::sqlite ? sqlite : postgresql;
}

CommittedKindRows CommittedEntities::rows(const std::string& feed, EntityKind kind,
                                          std::size_t page) {
  if (page == 0) throw std::invalid_argument("committed rows read 0 rows a page");
  const EntityKindInfo& k = kind_info(kind);
  CommittedKindRows out(kind);
  {
    Statement count(db_, "SELECT COUNT(*) FROM " + kind_table(kind) + " WHERE feed = ?");
    count.bind(1, feed);
    if (count.step()) out.reserve(static_cast<std::size_t>(count.integer(0)));
  }
  // Page by page in the primary key's order, each page after the last row of the one before:
  // PostgreSQL's client holds a whole result in memory, and five million enrollments at once
  // took more than the rows themselves. Each row goes straight into the packed table.
  std::string keys, marks;
  for (std::size_t i : k.key) {
    keys += ", " + quoted(k.fields[i].name);
    marks += ", ?";
  }
  const std::string select =
      "SELECT " + columns(k) + ", active FROM " + kind_table(kind) + " WHERE feed = ?";
  const std::string order = " ORDER BY " + keys.substr(2) + " LIMIT " + std::to_string(page);
  Statement first(db_, select + order);
  // The feed by equality and the key by a row comparison: both indexed on SQLite and PostgreSQL.
  Statement next(db_, select + " AND (" + keys.substr(2) + ") > (" + marks.substr(2) + ")" + order);
  const std::size_t n = k.fields.size();
  std::vector<std::string_view> values(n);
  for (Statement* q = &first;; q = &next) {
    q->bind(1, feed);
    if (q == &next) {
      for (std::size_t i = 0; i < k.key.size(); ++i)
        q->bind(static_cast<int>(i) + 2,
                out.get(static_cast<CommittedKindRows::Index>(out.size() - 1), k.key[i]));
    }
    std::size_t read = 0;
    while (q->step()) {
      for (std::size_t i = 0; i < n; ++i)
        values[i] = q->text(static_cast<int>(i));
      out.add(values, q->integer(static_cast<int>(n)) != 0);
      ++read;
    }
    q->reset();
    if (read < page) break;
  }
  return out;
}

void CommittedEntities::for_each(
    const std::string& feed, EntityKind kind,
    const std::function<void(const std::vector<std::string>&, bool active)>& visit) {
  const EntityKindInfo& k = kind_info(kind);
  // Byte order on both databases (PostgreSQL's default collation follows the locale).
  const std::string collate = db_.dialect() == SqlDialect::postgresql ? " COLLATE \"C\"" : "";
  std::string order;
  for (std::size_t i : k.key)
    order += (order.empty() ? "" : ", ") + quoted(k.fields[i].name) + collate;
  Statement q(db_, "SELECT " + columns(k) + ", active FROM " + kind_table(kind) +
                       " WHERE feed = ? ORDER BY " + order);
  q.bind(1, feed);
  std::vector<std::string> values(k.fields.size());
  const int n = static_cast<int>(k.fields.size());
  while (q.step()) {
    for (int i = 0; i < n; ++i)
      values[static_cast<std::size_t>(i)].assign(q.text(i));
    visit(values, q.integer(n) != 0);
  }
}

std::optional<CommittedKindRow> CommittedEntities::row(const std::string& feed, EntityKind kind,
                                                       const std::vector<std::string>& key) {
  const EntityKindInfo& k = kind_info(kind);
  if (key.size() != k.key.size()) return std::nullopt;
  Statement q(db_, find_sql(k));
  return find_row(q, k, feed, key);
}

namespace {

// Applies `plan`'s changes other than additions through `w`, counting the additions.
void apply_changes(KindWriter& w, const std::string& feed, std::int64_t run, const KindPlan& plan,
                   std::size_t& added) {
  // Every image is whole, so that a rollback undone in turn restores exactly what was.
  for (const KindChange& c : plan.changes) {
    switch (c.type) {
      case KindChangeType::added:
        ++added;
        break;
      case KindChangeType::updated:
      case KindChangeType::reactivated:
        w.put(feed, run, plan.after(c), true);
        break;
      case KindChangeType::deactivated:
        w.put(feed, run, plan.after(c), false);
        break;
      case KindChangeType::removed:
      case KindChangeType::removed_inactive:
        w.erase(feed, plan.before(c));
        break;
    }
  }
}

}  // namespace

void CommittedEntities::apply(const std::string& feed, std::int64_t run, const KindPlan& plan) {
  if (plan.changes.empty()) return;
  const EntityKindInfo& k = kind_info(plan.kind);
  std::size_t added = 0;
  {
    KindWriter w(db_, k);
    apply_changes(w, feed, run, plan, added);
  }
  if (added == 0) return;
  // Additions in bulk (COPY on PostgreSQL): a first load adds millions of rows, and a row the
  // plan adds is not in the table (the plan was made against it, or an approval finds the
  // roster it was planned against). The writer's statements are closed first: while the bulk
  // insert is open the connection runs nothing else.
  std::vector<std::string> cols{"feed"};
  for (const EntityField& f : k.fields)
    cols.push_back(quoted(f.name));
  cols.insert(cols.end(), {"active", "added_run", "updated_run"});
  BulkInsert ins(db_, kind_table(plan.kind), cols);
  const std::size_t n = k.fields.size();
  std::vector<std::optional<std::string_view>> row(n + 4);
  const std::string run_text = std::to_string(run);
  row[0] = feed;
  row[n + 1] = "1";
  row[n + 2] = run_text;
  row[n + 3] = run_text;
  for (const KindChange& c : plan.changes) {
    if (c.type != KindChangeType::added) continue;
    const KindRowView values = plan.after(c);
    for (std::size_t i = 0; i < n; ++i)
      row[1 + i] = values[i];
    ins.add(row);
  }
  ins.finish();
}

void CommittedEntities::record(std::int64_t run, const std::vector<KindPlan>& plans,
                               const std::vector<KindRunCounts>& counts, bool with_changes) {
  Statement cnt(
      db_,
      "INSERT INTO run_kind_counts (run_id, kind, rows_read, rows_rejected, rows_warned, "
      "added, updated, deactivated, reactivated, unchanged, kept_rejected, "
      "kept_for_student, left_with_student, active_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?, ?, ?, ?)");
  for (const KindRunCounts& c : counts) {
    cnt.bind(1, run)
        .bind(2, kind_info(c.kind).name)
        .bind(3, std::int64_t{c.check.rows_read})
        .bind(4, std::int64_t{c.check.rows_rejected})
        .bind(5, std::int64_t{c.check.rows_warned})
        .bind(6, std::int64_t{c.plan.added})
        .bind(7, std::int64_t{c.plan.updated})
        .bind(8, std::int64_t{c.plan.deactivated})
        .bind(9, std::int64_t{c.plan.reactivated})
        .bind(10, std::int64_t{c.plan.unchanged})
        .bind(11, std::int64_t{c.plan.kept_rejected})
        .bind(12, std::int64_t{c.plan.kept_for_student})
        .bind(13, std::int64_t{c.plan.left_with_student})
        .bind(14, std::int64_t{c.plan.active_before})
        .run();
  }
  if (!with_changes) return;
  std::size_t changes = 0;
  for (const KindPlan& p : plans)
    changes += p.changes.size();
  if (changes == 0) return;
  // In bulk (COPY on PostgreSQL): a first load records millions of additions.
  BulkInsert ins(db_, "run_kind_changes",
                 {"run_id", "kind", "seq", "change", "row_key", "before_values", "after_values"});
  const std::string run_text = std::to_string(run);
  std::vector<std::optional<std::string_view>> row(7);
  std::string seq_text, key, before, after;
  row[0] = run_text;
  for (const KindPlan& p : plans) {
    row[1] = kind_info(p.kind).name;
    std::int64_t seq = 0;
    for (const KindChange& c : p.changes) {
      seq_text = std::to_string(seq++);
      key = kind_row_key(p.kind, c.after.empty() ? p.before(c) : p.after(c));
      row[2] = seq_text;
      row[3] = kind_change_name(c.type);
      row[4] = key;
      if (c.before.empty()) {
        row[5] = std::nullopt;
      } else {
        before = encode_row(p.before(c));
        row[5] = before;
      }
      after = encode_row(p.after(c));
      row[6] = after;
      ins.add(row);
    }
  }
  ins.finish();
}

void CommittedEntities::record_discrepancies(std::int64_t run,
                                             const std::vector<KindCheckResult>& kinds) {
  KindDiscrepancies(db_).record(run, kinds);
}

std::vector<Discrepancy> CommittedEntities::discrepancies(std::int64_t run, std::size_t limit,
                                                          std::size_t& total) {
  return KindDiscrepancies(db_).list(run, limit, total);
}

std::vector<KindPlan> CommittedEntities::recorded(std::int64_t run) {
  std::vector<KindPlan> plans;
  Statement q(db_,
              "SELECT kind, change, before_values, after_values, before_values IS NULL FROM "
              "run_kind_changes WHERE run_id = ? ORDER BY kind, seq");
  q.bind(1, run);
  while (q.step()) {
    const auto kind = entity_kind_from_name(q.text(0));
    const auto type = kind_change_from_name(q.text(1));
    if (!kind || !type)
      throw StoreDamagedError("run " + std::to_string(run) +
                              " records a change of an unknown kind");
    if (plans.empty() || plans.back().kind != *kind) {
      plans.emplace_back();
      plans.back().kind = *kind;
    }
    KindChange c;
    c.type = *type;
    if (q.integer(4) == 0) c.before = plans.back().own(decode_kind_row(*kind, q.text(2)));
    c.after = plans.back().own(decode_kind_row(*kind, q.text(3)));
    plans.back().changes.push_back(c);
  }
  std::sort(plans.begin(), plans.end(),
            [](const KindPlan& a, const KindPlan& b) { return a.kind < b.kind; });
  return plans;
}

std::vector<KindRunCounts> CommittedEntities::counts(std::int64_t run) {
  std::vector<KindRunCounts> out;
  Statement q(db_,
              "SELECT kind, rows_read, rows_rejected, rows_warned, added, updated, deactivated, "
              "reactivated, unchanged, kept_rejected, kept_for_student, left_with_student, "
              "active_before FROM "
              "run_kind_counts WHERE "
              "run_id = ?");
  q.bind(1, run);
  while (q.step()) {
    const auto kind = entity_kind_from_name(q.text(0));
    if (!kind) continue;
    const auto u = [&](int i) { return static_cast<std::uint32_t>(q.integer(i)); };
    KindRunCounts c;
    c.kind = *kind;
    c.check = {u(1), u(2), u(3)};
    c.plan = {u(4), u(5), u(6), u(7), u(8), u(9), u(10), u(11), u(12)};
    out.push_back(c);
  }
  std::sort(out.begin(), out.end(),
            [](const KindRunCounts& a, const KindRunCounts& b) { return a.kind < b.kind; });
  return out;
}

void CommittedEntities::revert(const std::string& feed, std::int64_t run, std::int64_t target) {
  std::vector<KindPlan> undone = recorded(target);
  for (KindPlan& p : undone) {
    KindWriter w(db_, kind_info(p.kind));
    KindPlan undo;
    undo.kind = p.kind;
    for (auto it = p.changes.rbegin(); it != p.changes.rend(); ++it) {
      const KindChange& c = *it;
      const KindRowView before = p.before(c);
      const KindRowView after = p.after(c);
      // The undoing, recorded as a change of its own with whole images (a rollback of this
      // rollback applies it in reverse again).
      switch (c.type) {
        case KindChangeType::added: {
          // The row as it now stands (a forced rollback: a later run may have changed it).
          const std::optional<CommittedKindRow> now = w.current(feed, after);
          w.erase(feed, after);
          if (now) {
            const KindImage image = undo.own(now->values);
            undo.changes.push_back(
                {now->active ? KindChangeType::removed : KindChangeType::removed_inactive, image,
                 image});
          }
          break;
        }
        case KindChangeType::removed:
        case KindChangeType::removed_inactive:
          w.put(feed, run, before, c.type == KindChangeType::removed);
          undo.changes.push_back({KindChangeType::added, {}, undo.own(before)});
          break;
        case KindChangeType::updated:
          w.put(feed, run, before, true);
          undo.changes.push_back({KindChangeType::updated, undo.own(after), undo.own(before)});
          break;
        case KindChangeType::reactivated:
          w.put(feed, run, before, false);
          undo.changes.push_back({KindChangeType::deactivated, undo.own(after), undo.own(before)});
          break;
        case KindChangeType::deactivated:
          w.put(feed, run, before, true);
          undo.changes.push_back({KindChangeType::reactivated, undo.own(after), undo.own(before)});
          break;
      }
    }
    p = std::move(undo);
  }
  record(run, undone, {}, true);
}

void CommittedEntities::remove_student(const std::string& feed, const std::string& state_id) {
  Statement enr(db_,
                "DELETE FROM roster_enrollments WHERE feed = ? AND person_id = ? AND "
                "lower(role) = 'student'");
  enr.bind(1, feed).bind(2, state_id).run();
  Statement links(db_, "DELETE FROM roster_guardian_links WHERE feed = ? AND student_state_id = ?");
  links.bind(1, feed).bind(2, state_id).run();
  // Their images: an enrollment's key is section, person, role; a link's guardian, student. The
  // LIKE narrows (it may also match another case, or a teacher of the same ID); each key is
  // then compared exactly.
  // Whether a row of `kind` whose key fields are `parts` is theirs: an enrollment of theirs as
  // a student, a link of a guardian to them.
  const auto theirs = [&](const std::string& kind, const std::vector<std::string_view>& parts) {
    return kind == "enrollments"
               ? parts.size() == 3 && parts[1] == state_id && iequals(parts[2], "student")
               : parts.size() == 2 && parts[1] == state_id;
  };
  std::string id;
  for (char c : state_id) {
    if (c == '%' || c == '_' || c == '\\') id += '\\';
    id += c;
  }
  Statement q(db_,
              "SELECT run_id, kind, seq, row_key FROM run_kind_changes WHERE run_id IN (SELECT id "
              "FROM runs WHERE feed = ?) AND kind IN ('enrollments', 'guardian_links') AND "
              "row_key LIKE ? ESCAPE '\\'");
  q.bind(1, feed).bind(2, "%\x1f" + id + "%");
  struct Image {
    std::int64_t run;
    std::string kind;
    std::int64_t seq;
  };
  std::vector<Image> gone;
  while (q.step()) {
    const std::string kind(q.text(1));
    if (theirs(kind, split(q.text(3), '\x1f'))) gone.push_back({q.integer(0), kind, q.integer(2)});
  }
  Statement del(db_, "DELETE FROM run_kind_changes WHERE run_id = ? AND kind = ? AND seq = ?");
  for (const Image& g : gone)
    del.bind(1, g.run).bind(2, g.kind).bind(3, g.seq).run();
  // The kinds' discrepancies that name them: a row of theirs, by its key (values joined by
  // '/'), as their images are matched above.
  gone.clear();
  Statement dq(db_,
               "SELECT run_id, kind, seq, row_key FROM run_kind_discrepancies WHERE run_id IN "
               "(SELECT id FROM runs WHERE feed = ?) AND kind IN ('enrollments', "
               "'guardian_links') AND row_key LIKE ? ESCAPE '\\'");
  dq.bind(1, feed).bind(2, "%/" + id + "%");
  while (dq.step()) {
    const std::string kind(dq.text(1));
    if (theirs(kind, split(dq.text(3), '/'))) gone.push_back({dq.integer(0), kind, dq.integer(2)});
  }
  Statement ddel(db_,
                 "DELETE FROM run_kind_discrepancies WHERE run_id = ? AND kind = ? AND seq = ?");
  for (const Image& g : gone)
    ddel.bind(1, g.run).bind(2, g.kind).bind(3, g.seq).run();
}

std::vector<KindRowChange> CommittedEntities::history(const std::string& feed, EntityKind kind,
                                                      const std::vector<std::string>& key) {
  const EntityKindInfo& k = kind_info(kind);
  std::vector<KindRowChange> out;
  if (key.size() != k.key.size()) return out;
  std::vector<std::string> values(k.fields.size());
  for (std::size_t i = 0; i < key.size(); ++i)
    values[k.key[i]] = key[i];
  Statement q(db_,
              "SELECT c.run_id, c.change, c.before_values, c.after_values, c.before_values IS "
              "NULL, r.rolled_back_by FROM run_kind_changes c JOIN runs r ON r.id = c.run_id "
              "WHERE c.kind = ? AND c.row_key = ? AND r.feed = ? AND r.decision = 'committed' "
              "ORDER BY c.run_id, c.seq");
  q.bind(1, std::string(k.name)).bind(2, kind_row_key(kind, values)).bind(3, feed);
  while (q.step()) {
    KindRowChange c;
    c.run = q.integer(0);
    const auto type = kind_change_from_name(q.text(1));
    if (!type)
      throw StoreDamagedError("run " + std::to_string(c.run) + " records an unknown change");
    c.type = *type;
    if (q.integer(4) == 0) c.before = decode_kind_row(kind, q.text(2));
    c.after = decode_kind_row(kind, q.text(3));
    c.rolled_back_by = q.optional_integer(5);
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<std::int64_t> CommittedEntities::later_changes(const std::string& feed,
                                                           std::int64_t target) {
  // A later run that was itself rolled back, and the rollback that undid it, cancel out.
  Statement q(db_,
              "SELECT DISTINCT c2.run_id FROM run_kind_changes c1 JOIN run_kind_changes c2 ON "
              "c2.kind = c1.kind AND c2.row_key = c1.row_key AND c2.run_id > c1.run_id JOIN runs "
              "r ON r.id = c2.run_id WHERE c1.run_id = ? AND r.feed = ? AND r.decision = "
              "'committed' AND r.rolled_back_by IS NULL AND NOT (r.kind = 'rollback' AND "
              "r.target_run > ?) ORDER BY c2.run_id");
  q.bind(1, target).bind(2, feed).bind(3, target);
  std::vector<std::int64_t> out;
  while (q.step())
    out.push_back(q.integer(0));
  return out;
}

}  // namespace rosterd
