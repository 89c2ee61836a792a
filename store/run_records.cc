#include "store/run_records.h"

#include <unistd.h>

#include <cstdio>

#include "core/fault_point.h"
#include "core/text.h"
#include "store/identity_tables.h"
#include "store/store_support.h"
#include "store/value_codec.h"

namespace rosterd {
namespace {

// A state as the store keeps it; a name this rosterd does not know (written by a newer one) is
// refused rather than guessed.
RunState stored_state(std::string_view name) {
  if (const auto s = run_state_from_name(name)) return *s;
  throw StoreError("the roster store holds a run in state \"" + std::string(name) +
                   "\", which this rosterd does not know: run the newer rosterd that wrote it.");
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

constexpr const char* kRunColumns =
    "id, feed, kind, file_name, sha256, bytes, started, coalesce(finished, ''), decision, "
    "reason, base_run, target_run, rolled_back_by, decided_by, rows_read, rows_rejected, "
    "rows_warned, added, updated, deactivated, reactivated, unchanged, kept_rejected, "
    "active_before, safeguards, awaiting_report, rekeyed, proposed_rekeys, held_for_review, "
    "kept_for_review, linked, out_of_scope, left_scope, kept_out_of_scope, opted_out, "
    "suppressed_added, suppressed_updated, suppressed_deactivated, school_year, split_of, "
    "(SELECT min(h.id) FROM runs h WHERE h.split_of = runs.id)";

RunRecord read_run(const Statement& q) {
  RunRecord r;
  r.id = q.integer(0);
  r.feed = std::string(q.text(1));
  r.kind = run_kind_from_name(q.text(2)).value_or(RunKind::ingest);
  r.file_name = std::string(q.text(3));
  r.sha256 = std::string(q.text(4));
  r.bytes = static_cast<std::uint64_t>(q.integer(5));
  r.started = std::string(q.text(6));
  r.finished = std::string(q.text(7));
  r.state = stored_state(q.text(8));
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
  r.school_year = std::string(q.text(38));
  r.split_of = q.optional_integer(39);
  r.held_part = q.optional_integer(40);
  return r;
}

std::string no_longer_running(std::int64_t run) {
  return "run " + std::to_string(run) +
         " is no longer running (another rosterd found its connection gone and marked it "
         "failed); nothing of it was committed, and its file is taken again.";
}

}  // namespace

void RunRecords::check_feed_key(const std::string& feed, const std::string& key_column) {
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
  ins.bind(1, feed).bind(2, key_column).bind(3, now_utc(clock_)).run();
}

std::int64_t RunRecords::begin(const std::string& feed, const FileSummary& file,
                               std::optional<std::int64_t> source_file) {
  Transaction tx(db_);
  Statement ins(
      db_,
      "INSERT INTO runs (feed, kind, file_name, sha256, bytes, started, decision, pid, host, "
      "instance, delta) VALUES (?, 'ingest', ?, ?, ?, ?, 'running', ?, ?, ?, ?) RETURNING id");
  ins.bind(1, feed)
      .bind(2, file.name)
      .bind(3, file.sha256)
      .bind(4, static_cast<std::int64_t>(file.bytes))
      .bind(5, now_utc(clock_))
      .bind(6, static_cast<std::int64_t>(::getpid()))
      .bind(7, host_name())
      .bind(8, holds_.connection_instance())
      .bind(9, static_cast<std::int64_t>(file.delta ? 1 : 0));
  const std::int64_t id = returned_id(ins);
  if (source_file) {
    Statement link(db_, "UPDATE source_files SET run_id = ? WHERE id = ?");
    link.bind(1, id).bind(2, *source_file).run();
  }
  tx.commit();
  return id;
}

std::optional<std::int64_t> RunRecords::finish(const RunOutcome& o) {
  Transaction tx(db_);
  {
    // Only a run still running can finish (one marked failed meanwhile is taken again).
    Statement st(db_, "SELECT decision FROM runs WHERE id = ?");
    st.bind(1, o.run_id);
    if (!st.step() || st.text(0) != "running") throw StoreError(no_longer_running(o.run_id));
  }
  if (o.decision == Decision::committed) {
    if (last_committed(o.feed) != o.base_run) {
      throw StaleBaseError("feed " + o.feed + ": another run committed while run " +
                           std::to_string(o.run_id) +
                           " was being planned; nothing was committed. Run the file again.");
    }
    students_.apply_changes(o.feed, o.run_id, *o.changes);
    if (o.kind_plans != nullptr) {
      fault_point("store.kinds_applying");  // the students applied, the other kinds not yet
      for (const KindPlan& p : *o.kind_plans)
        entities_.apply(o.feed, o.run_id, p);
    }
  }
  record_changes(o.run_id, *o.changes, o.decision);
  if (o.kind_plans != nullptr || !o.kind_counts.empty()) {
    static const std::vector<KindPlan> kNone;
    entities_.record(o.run_id, o.kind_plans != nullptr ? *o.kind_plans : kNone, o.kind_counts,
                     o.decision == Decision::committed || o.decision == Decision::held);
  }
  if (o.kinds != nullptr) entities_.record_discrepancies(o.run_id, *o.kinds);
  if (o.decision == Decision::committed) {
    // After the kinds' changes, their images and discrepancies, which the removal takes away
    // too.
    for (const Change& c : *o.changes)
      if (c.kind == ChangeKind::removed) entities_.remove_student(o.feed, c.state_id);
  }
  record_discrepancies(o.run_id, o.refusal, o.discrepancies);
  if (o.campuses != nullptr) {
    Statement ins(db_,
                  "INSERT INTO run_campuses (run, campus, rows_read, rejected, warned, added, "
                  "updated, deactivated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (const CampusCounts& c : *o.campuses) {
      ins.bind(1, o.run_id)
          .bind(2, c.campus)
          .bind(3, std::int64_t{c.rows})
          .bind(4, std::int64_t{c.rejected})
          .bind(5, std::int64_t{c.warned})
          .bind(6, std::int64_t{c.added})
          .bind(7, std::int64_t{c.updated})
          .bind(8, std::int64_t{c.deactivated})
          .run();
    }
  }
  const bool commits = o.decision == Decision::committed;
  if (commits) {
    dismiss_stale_proposals(db_, o.feed, o.run_id);
    supersede_held(o.feed, o.run_id);
  }
  if (commits || o.decision == Decision::held) {
    if (o.alerts != nullptr)
      record_alerts(db_, o.feed, o.run_id, *o.alerts, commits, now_utc(clock_));
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
      "= ?, suppressed_updated = ?, suppressed_deactivated = ?, rules = ?, school_year = ? WHERE "
      "id = ? AND "
      "decision = 'running'");
  up.bind(1, now_utc(clock_))
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
      .bind(30, o.school_year)
      .bind(31, o.run_id)
      .run();
  // Checked again here, not only at the start: on PostgreSQL another connection may have
  // marked the run failed in between (it takes no write lock), and a run marked failed must
  // never commit. The whole transaction is then rolled back.
  if (db_.changes() != 1) throw StoreError(no_longer_running(o.run_id));
  std::optional<std::int64_t> held_part;
  if (o.held_changes != nullptr && commits) held_part = record_held_part(o);
  fault_point("store.committing");  // every write of the run made, COMMIT not yet sent
  tx.commit();
  return held_part;
}

std::int64_t RunRecords::record_held_part(const RunOutcome& o) {
  // The file's facts are the run's; the decision, counts and changes the held part's own. Its
  // base is the run, which commits in this transaction: approving it later applies its changes
  // on top, and any other commit first makes it superseded, as any held run.
  Statement ins(db_,
                "INSERT INTO runs (feed, kind, file_name, sha256, bytes, started, finished, "
                "decision, reason, base_run, split_of, pid, host, instance, delta, rows_read, "
                "rows_rejected, rows_warned, rules, school_year, safeguards, active_before, "
                "updated, deactivated, reactivated, left_scope) SELECT feed, kind, file_name, "
                "sha256, bytes, ?, ?, 'held', ?, id, id, pid, host, instance, delta, rows_read, "
                "rows_rejected, rows_warned, rules, school_year, safeguards, active_before, ?, "
                "?, ?, ? FROM runs WHERE id = ? RETURNING id");
  const std::string now = now_utc(clock_);
  ins.bind(1, now)
      .bind(2, now)
      .bind(3, o.held_reason)
      .bind(4, static_cast<std::int64_t>(o.held_plan.updated))
      .bind(5, static_cast<std::int64_t>(o.held_plan.deactivated))
      .bind(6, static_cast<std::int64_t>(o.held_plan.reactivated))
      .bind(7, static_cast<std::int64_t>(o.held_plan.left_scope))
      .bind(8, o.run_id);
  const std::int64_t id = returned_id(ins);
  record_changes(id, *o.held_changes, Decision::held);
  fault_point("store.held_part");  // the held part written, the transaction still open
  return id;
}

void RunRecords::fail(std::int64_t run, const std::string& reason) {
  Statement up(db_,
               "UPDATE runs SET decision = 'failed', finished = ?, reason = ? WHERE id = ? AND "
               "decision = 'running'");
  up.bind(1, now_utc(clock_)).bind(2, reason).bind(3, run).run();
}

void RunRecords::fail_left_by_this_process(const std::string& feed) {
  if (db_.dialect() == SqlDialect::postgresql) return;
  Statement up(db_,
               "UPDATE runs SET decision = 'failed', finished = ?, reason = ? WHERE feed = ? AND "
               "decision = 'running' AND pid = ? AND host = ?");
  up.bind(1, now_utc(clock_))
      .bind(2,
            "the run could not be finished (the store failed at its end); nothing of it was "
            "committed, and the file will be taken again")
      .bind(3, feed)
      .bind(4, static_cast<std::int64_t>(::getpid()))
      .bind(5, host_name())
      .run();
}

void RunRecords::fail_abandoned() {
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
      if (!holds_.alive(instance)) dead.push_back(id);
    }
  } else {
    Statement q(db_, "SELECT id, pid, host FROM runs WHERE decision = 'running'");
    while (q.step()) {
      if (q.text(2) == host && !process_alive(q.integer(1))) dead.push_back(q.integer(0));
    }
  }
  for (std::int64_t id : dead) {
    fail(id,
         "the process stopped before the run finished (killed or crashed); nothing of it was "
         "committed, and "
         "the file will be taken again");
  }
}

std::vector<RunRecord> RunRecords::history(const std::string& feed, std::size_t last) {
  std::vector<RunRecord> out;
  Statement q(db_, std::string("SELECT ") + kRunColumns +
                       " FROM runs WHERE (? = '' OR feed = ?) ORDER BY id DESC LIMIT ?");
  q.bind(1, feed).bind(2, feed).bind(3, static_cast<std::int64_t>(last));
  while (q.step())
    out.push_back(read_run(q));
  return out;
}

std::optional<RunRecord> RunRecords::get(std::int64_t id) {
  Statement q(db_, std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_run(q);
}

std::vector<Discrepancy> RunRecords::discrepancies(std::int64_t id) {
  std::vector<Discrepancy> out;
  Statement q(db_, std::string("SELECT ") + kDiscrepancyColumns +
                       " FROM run_discrepancies WHERE run = ? ORDER BY seq");
  q.bind(1, id);
  while (q.step())
    out.push_back(read_discrepancy(q));
  return out;
}

std::vector<Change> RunRecords::changes(std::int64_t id) {
  std::vector<Change> out;
  Statement q(db_, std::string("SELECT ") + kChangeColumns +
                       " FROM run_changes WHERE run = ? ORDER BY state_id");
  q.bind(1, id);
  while (q.step())
    out.push_back(read_change(q));
  // A committed ingest keeps its additions in the students table (added_run), not as rows here.
  const auto r = get(id);
  if (r && r->kind != RunKind::rollback && r->state == RunState::committed) {
    Statement a(db_, std::string("SELECT ") + kStudentColumns +
                         " FROM students WHERE feed = ? AND added_run = ?");
    a.bind(1, r->feed).bind(2, id);
    while (a.step())
      out.push_back(read_addition(a));
    std::sort(out.begin(), out.end(),
              [](const Change& x, const Change& y) { return x.state_id < y.state_id; });
  }
  return out;
}

std::vector<CampusCounts> RunRecords::campuses(std::int64_t id) {
  std::vector<CampusCounts> out;
  Statement q(db_,
              "SELECT campus, rows_read, rejected, warned, added, updated, deactivated FROM "
              "run_campuses WHERE run = ? ORDER BY campus");
  q.bind(1, id);
  while (q.step()) {
    CampusCounts c;
    c.campus = q.text(0);
    c.rows = static_cast<std::uint32_t>(q.integer(1));
    c.rejected = static_cast<std::uint32_t>(q.integer(2));
    c.warned = static_cast<std::uint32_t>(q.integer(3));
    c.added = static_cast<std::uint32_t>(q.integer(4));
    c.updated = static_cast<std::uint32_t>(q.integer(5));
    c.deactivated = static_cast<std::uint32_t>(q.integer(6));
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<std::int64_t> RunRecords::last_committed(const std::string& feed) {
  Statement q(db_, "SELECT max(id) FROM runs WHERE feed = ? AND decision = 'committed'");
  q.bind(1, feed);
  q.step();
  return q.optional_integer(0);
}

std::optional<std::pair<std::int64_t, std::string>> RunRecords::last_rules(
    const std::string& feed) {
  Statement q(db_,
              "SELECT id, rules FROM runs WHERE feed = ? AND decision = 'committed' AND kind = "
              "'ingest' AND rules != '' ORDER BY id DESC LIMIT 1");
  q.bind(1, feed);
  if (!q.step()) return std::nullopt;
  return std::make_pair(q.integer(0), std::string(q.text(1)));
}

std::optional<std::int64_t> RunRecords::held_delta(const std::string& feed) {
  Statement q(db_,
              "SELECT id FROM runs WHERE feed = ? AND decision = 'held' AND delta = 1 ORDER BY id "
              "LIMIT 1");
  q.bind(1, feed);
  if (!q.step()) return std::nullopt;
  return q.integer(0);
}

std::optional<std::uint32_t> RunRecords::last_committed_rows(const std::string& feed) {
  Statement q(
      db_,
      "SELECT rows_read FROM runs WHERE feed = ? AND decision = 'committed' AND kind = 'ingest' "
      "AND delta = 0 AND NOT EXISTS (SELECT 1 FROM runs h WHERE h.split_of = runs.id AND "
      "h.decision <> 'committed') ORDER BY id DESC LIMIT 1");
  q.bind(1, feed);
  if (!q.step()) return std::nullopt;
  return static_cast<std::uint32_t>(q.integer(0));
}

bool RunRecords::record_notice(const std::string& feed, RunKind kind, const std::string& key,
                               const std::string& reason) {
  // A notice's state column holds its kind, as it always has.
  const std::string_view name = run_kind_name(kind);
  Transaction tx(db_);
  Statement q(db_, "SELECT 1 FROM runs WHERE feed = ? AND kind = ? AND file_name = ?");
  q.bind(1, feed).bind(2, name).bind(3, key);
  if (q.step()) return false;
  q.reset();
  const std::string now = now_utc(clock_);
  Statement ins(db_,
                "INSERT INTO runs (feed, kind, file_name, sha256, bytes, started, finished, "
                "decision, reason, pid, host) VALUES (?, ?, ?, '', 0, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, feed)
      .bind(2, name)
      .bind(3, key)
      .bind(4, now)
      .bind(5, now)
      .bind(6, name)
      .bind(7, reason)
      .bind(8, static_cast<std::int64_t>(::getpid()))
      .bind(9, host_name())
      .run();
  tx.commit();
  return true;
}

std::vector<RunRecord> RunRecords::awaiting_report() {
  std::vector<RunRecord> out;
  Statement q(db_, std::string("SELECT ") + kRunColumns +
                       " FROM runs WHERE awaiting_report = 1 AND decision = 'held' ORDER BY id");
  while (q.step())
    out.push_back(read_run(q));
  return out;
}

bool RunRecords::clear_awaiting_report(std::int64_t run) {
  Statement up(db_,
               "UPDATE runs SET awaiting_report = 0 WHERE id = ? AND awaiting_report = 1 AND "
               "decision = 'held'");
  up.bind(1, run).run();
  return db_.changes() == 1;
}

void RunRecords::record_changes(std::int64_t run, const std::vector<Change>& changes,
                                Decision decision) {
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

void RunRecords::supersede_held(const std::string& feed, std::int64_t run) {
  {
    // A delta restates nothing: a run held before it still holds its own changes, and waits
    // for a person (approving it then says the roster changed since; ingest it again).
    Statement d(db_, "SELECT delta FROM runs WHERE id = ?");
    d.bind(1, run);
    if (d.step() && d.integer(0) != 0) return;
  }
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

RunRecord RunRecords::held(std::int64_t id, const char* verb) {
  const auto r = get(id);
  if (!r)
    throw NotFoundError(NotFoundError::What::run, "there is no run " + std::to_string(id) + ".");
  if (r->state == RunState::superseded) {
    throw Error("run " + std::to_string(id) + " is superseded: another run of feed " + r->feed +
                " committed over it, so its changes no longer apply and it cannot be " +
                (std::string(verb) == "approve" ? "approved" : "rejected") +
                ". Its reason names that run.");
  }
  if (r->state != RunState::held) {
    throw Error("run " + std::to_string(id) + " is " + std::string(run_state_name(r->state)) +
                ", not held: only a held run can be " +
                (std::string(verb) == "approve" ? "approved" : "rejected") + ".");
  }
  return *r;
}

void RunRecords::record_discrepancies(std::int64_t run, const std::optional<Discrepancy>& refusal,
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

std::string_view split_runs_sql() {
  return R"sql(
ALTER TABLE runs ADD COLUMN split_of BIGINT;
CREATE INDEX runs_split_of ON runs (split_of);
)sql";
}

std::string_view school_year_runs_sql() {
  return R"sql(
ALTER TABLE runs ADD COLUMN school_year TEXT NOT NULL DEFAULT '';
)sql";
}

}  // namespace rosterd
