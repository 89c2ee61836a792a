#include "store/identity_tables.h"

#include <array>
#include <utility>

#include <set>

#include "core/error.h"
#include "core/text.h"
#include "store/value_codec.h"

namespace rosterd {

namespace {

constexpr std::array<std::pair<AlertStatus, std::string_view>, 7> kAlertStatusNames = {{
    {AlertStatus::open, "open"},
    {AlertStatus::proposed, "proposed"},
    {AlertStatus::match, "match"},
    {AlertStatus::create, "create"},
    {AlertStatus::applied, "applied"},
    {AlertStatus::dismissed, "dismissed"},
    {AlertStatus::settled, "settled"},
}};

}  // namespace

std::string_view alert_status_name(AlertStatus status) {
  for (const auto& [s, name] : kAlertStatusNames) {
    if (s == status) return name;
  }
  return "open";
}

std::optional<AlertStatus> alert_status_from_name(std::string_view name) {
  for (const auto& [s, n] : kAlertStatusNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}
namespace {

// Candidates in one column: records separated by RS, each "id US score US values...".
std::string encode_candidates(const std::vector<MatchCandidate>& cands) {
  std::string out;
  for (std::size_t i = 0; i < cands.size(); ++i) {
    if (i != 0) out += '\x1e';
    out += cands[i].id + '\x1f' + std::to_string(cands[i].score) + '\x1f' +
           encode_values(cands[i].values);
  }
  return out;
}

std::vector<MatchCandidate> decode_candidates(std::string_view text) {
  std::vector<MatchCandidate> out;
  if (text.empty()) return out;
  for (std::string_view rec : split(text, '\x1e')) {
    MatchCandidate c;
    const std::size_t a = rec.find('\x1f');
    const std::size_t b = a == std::string_view::npos ? a : rec.find('\x1f', a + 1);
    c.id = std::string(rec.substr(0, a));
    if (b != std::string_view::npos) {
      c.score = std::stoi(std::string(rec.substr(a + 1, b - a - 1)));
      if (b + 1 < rec.size()) c.values = decode_values(rec.substr(b + 1));
    }
    out.push_back(std::move(c));
  }
  return out;
}

constexpr const char* kAlertColumns =
    "id, feed, run, kind, status, state_id, line, row, candidates, resolution_to, decided_by, "
    "decided, applied_run, raised";

AlertRecord read_alert(const Statement& q) {
  AlertRecord a;
  a.id = q.integer(0);
  a.feed = std::string(q.text(1));
  a.run = q.integer(2);
  a.alert.kind = alert_kind_from_name(q.text(3)).value_or(AlertKind::possible_match);
  if (const auto status = alert_status_from_name(q.text(4))) {
    a.status = *status;
  } else {
    throw StoreError("the roster store holds an alert with status \"" + std::string(q.text(4)) +
                     "\", which this rosterd does not know: run the newer rosterd that wrote it.");
  }
  a.alert.state_id = std::string(q.text(5));
  a.alert.line = static_cast<std::uint32_t>(q.integer(6));
  if (!q.text(7).empty()) a.alert.row = decode_values(q.text(7));
  a.alert.candidates = decode_candidates(q.text(8));
  a.resolution_to = std::string(q.text(9));
  if (a.alert.kind == AlertKind::existing_unmatched) a.alert.outcome = a.resolution_to;
  a.decided_by = std::string(q.text(10));
  a.decided = std::string(q.text(11));
  a.applied_run = q.optional_integer(12);
  a.raised = std::string(q.text(13));
  return a;
}

void set_existing_outcome(SqlDb& db, const std::string& feed, const std::string& platform_id,
                          const std::string& outcome, std::int64_t run) {
  Statement up(db,
               "UPDATE existing_students SET outcome = ?, run = ? WHERE feed = ? AND platform_id = "
               "? AND outcome = 'pending'");
  up.bind(1, outcome).bind(2, run).bind(3, feed).bind(4, platform_id).run();
}

}  // namespace

void record_alerts(SqlDb& db, const std::string& feed, std::int64_t run,
                   const std::vector<IdentityAlert>& alerts, bool committed,
                   const std::string& now) {
  Statement find(db,
                 "SELECT id FROM alerts WHERE feed = ? AND kind = ? AND state_id = ? AND status = "
                 "'open'");
  Statement refresh(db,
                    "UPDATE alerts SET run = ?, line = ?, row = ?, candidates = ? WHERE id = ?");
  Statement ins(db,
                "INSERT INTO alerts (feed, run, kind, status, state_id, line, row, candidates, "
                "resolution_to, raised) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const IdentityAlert& a : alerts) {
    const std::string row = a.row.empty() ? std::string() : encode_values(a.row);
    const std::string cands = encode_candidates(a.candidates);
    if (a.kind == AlertKind::possible_match || a.kind == AlertKind::existing_match) {
      find.bind(1, feed).bind(2, alert_kind_name(a.kind)).bind(3, a.state_id);
      const bool seen = find.step();
      const std::int64_t id = seen ? find.integer(0) : 0;
      find.reset();
      if (seen) {
        refresh.bind(1, run)
            .bind(2, static_cast<std::int64_t>(a.line))
            .bind(3, row)
            .bind(4, cands)
            .bind(5, id)
            .run();
        continue;
      }
    }
    AlertStatus status = AlertStatus::open;
    if (a.kind == AlertKind::rekey)
      status = committed ? AlertStatus::applied : AlertStatus::proposed;
    if (a.kind == AlertKind::existing_unmatched)
      status = committed ? AlertStatus::settled : AlertStatus::proposed;
    ins.bind(1, feed)
        .bind(2, run)
        .bind(3, alert_kind_name(a.kind))
        .bind(4, alert_status_name(status))
        .bind(5, a.state_id)
        .bind(6, static_cast<std::int64_t>(a.line))
        .bind(7, row)
        .bind(8, cands)
        .bind(9, a.outcome)
        .bind(10, now)
        .run();
    if (committed && a.kind == AlertKind::existing_unmatched)
      set_existing_outcome(db, feed, a.candidates.at(0).id, a.outcome, run);
  }
}

void record_applied_resolutions(SqlDb& db, std::int64_t run, const std::vector<std::int64_t>& ids,
                                bool committed) {
  Statement up(db, committed ? "UPDATE alerts SET status = 'applied', applied_run = ? WHERE id = ?"
                             : "UPDATE alerts SET applied_run = ? WHERE id = ?");
  for (std::int64_t id : ids)
    up.bind(1, run).bind(2, id).run();
}

void settle_run_alerts(SqlDb& db, std::int64_t run) {
  Statement q(db, std::string("SELECT ") + kAlertColumns +
                      " FROM alerts WHERE run = ? AND status = 'proposed' AND kind = "
                      "'existing_unmatched'");
  q.bind(1, run);
  while (q.step()) {
    const AlertRecord a = read_alert(q);
    if (!a.alert.candidates.empty())
      set_existing_outcome(db, a.feed, a.alert.candidates[0].id, a.resolution_to, run);
  }
  Statement up(db,
               "UPDATE alerts SET status = CASE kind WHEN 'rekey' THEN 'applied' ELSE 'settled' "
               "END, applied_run = CASE kind WHEN 'rekey' THEN run ELSE applied_run END WHERE run "
               "= ? AND status = 'proposed'");
  up.bind(1, run).run();
  Statement res(db,
                "UPDATE alerts SET status = 'applied' WHERE applied_run = ? AND status IN "
                "('match', 'create')");
  res.bind(1, run).run();
}

void dismiss_stale_proposals(SqlDb& db, const std::string& feed, std::int64_t committed_run) {
  Statement up(db,
               "UPDATE alerts SET status = 'dismissed' WHERE feed = ? AND status = 'proposed' AND "
               "run != ?");
  up.bind(1, feed).bind(2, committed_run).run();
}

void dismiss_run_alerts(SqlDb& db, std::int64_t run) {
  Statement up(db, "UPDATE alerts SET status = 'dismissed' WHERE run = ? AND status = 'proposed'");
  up.bind(1, run).run();
  Statement res(db,
                "UPDATE alerts SET applied_run = NULL WHERE applied_run = ? AND status IN "
                "('match', 'create')");
  res.bind(1, run).run();
}

void link_existing(SqlDb& db, const std::string& feed, const std::string& platform_id,
                   const std::string& state_id, std::int64_t run) {
  Statement up(db,
               "UPDATE existing_students SET outcome = 'linked', linked_state_id = ?, run = ? "
               "WHERE feed = ? AND platform_id = ?");
  up.bind(1, state_id).bind(2, run).bind(3, feed).bind(4, platform_id).run();
}

IdentityState load_identity_state(SqlDb& db, const std::string& feed) {
  IdentityState s;
  {
    Statement any(db, "SELECT 1 FROM students WHERE feed = ? LIMIT 1");
    any.bind(1, feed);
    s.go_live = !any.step();
  }
  Statement committed(db, "SELECT 1 FROM students WHERE feed = ? AND state_id = ?");
  const auto is_committed = [&](const std::string& id) {
    committed.bind(1, feed).bind(2, id);
    const bool found = committed.step();
    committed.reset();
    return found;
  };
  std::set<std::string> protect;
  for (const AlertRecord& a : query_alerts(db, feed, false)) {
    // An alert whose row is a committed student by now (added some other way) protects no one.
    if ((a.status == AlertStatus::open || a.status == AlertStatus::match) &&
        is_committed(a.alert.state_id))
      continue;
    if (a.status == AlertStatus::open && a.alert.kind == AlertKind::existing_match)
      s.existing_alert_rows.push_back(a.alert.state_id);
    const bool committed_kind =
        a.alert.kind == AlertKind::possible_match || a.alert.kind == AlertKind::rekey;
    // A decision stays pending until a committed run applies it (status `applied`); a held
    // run that carries it (applied_run) may never be approved.
    if (a.is_decided()) {
      Resolution r;
      r.alert = a.id;
      r.kind = a.alert.kind == AlertKind::rekey ? AlertKind::possible_match : a.alert.kind;
      r.state_id = a.alert.state_id;
      r.match = a.status == AlertStatus::match;
      r.to = a.resolution_to;
      s.resolutions.push_back(std::move(r));
    }
    // The student a person matched stays until the match is applied; an open alert's
    // candidates stay until it is decided.
    if (committed_kind && a.status == AlertStatus::open) {
      for (const MatchCandidate& c : a.alert.candidates)
        protect.insert(c.id);
    }
    if (committed_kind && a.status == AlertStatus::match) protect.insert(a.resolution_to);
  }
  s.protected_ids.assign(protect.begin(), protect.end());
  Statement q(db,
              "SELECT platform_id, state_id, local_id, first_name, middle_name, last_name, "
              "birth_date, grade, campus, status FROM existing_students WHERE feed = ? AND "
              "outcome = 'pending' ORDER BY platform_id");
  q.bind(1, feed);
  while (q.step()) {
    ExistingStudent e;
    if (s.existing.empty() && !s.go_live) {
      Statement live(db, "SELECT DISTINCT campus FROM students WHERE feed = ?");
      live.bind(1, feed);
      while (live.step())
        s.live_campuses.emplace(live.text(0));
    }
    e.platform_id = std::string(q.text(0));
    e.values.assign(kFieldCount, std::string());
    const Field order[] = {Field::state_id,    Field::local_id,  Field::first_name,
                           Field::middle_name, Field::last_name, Field::birth_date,
                           Field::grade,       Field::campus,    Field::status};
    for (int i = 0; i < 9; ++i)
      e.values[field_index(order[i])] = std::string(q.text(i + 1));
    s.existing.push_back(std::move(e));
  }
  return s;
}

std::vector<AlertRecord> query_alerts(SqlDb& db, const std::string& feed, bool all,
                                      std::optional<std::int64_t> id) {
  std::vector<AlertRecord> out;
  // One statement per shape, so that the database can use the id or (feed, status) index.
  std::string sql = std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE TRUE";
  if (id) sql += " AND id = ?";
  if (!feed.empty()) sql += " AND feed = ?";
  if (!all) sql += " AND status IN ('open', 'proposed', 'match', 'create')";
  Statement q(db, sql + " ORDER BY id");
  int next = 1;
  if (id) q.bind(next++, *id);
  if (!feed.empty()) q.bind(next++, feed);
  while (q.step())
    out.push_back(read_alert(q));
  return out;
}

void record_resolution(SqlDb& db, std::int64_t id, bool match, const std::string& to,
                       const std::string& who, const std::string& now) {
  Statement up(db,
               "UPDATE alerts SET status = ?, resolution_to = ?, decided_by = ?, decided = ?, "
               "applied_run = NULL WHERE id = ?");
  up.bind(1, match ? "match" : "create").bind(2, to).bind(3, who).bind(4, now).bind(5, id).run();
}

void reopen_alert(SqlDb& db, std::int64_t id) {
  Statement up(db,
               "UPDATE alerts SET status = 'open', resolution_to = '', decided_by = '', decided = "
               "'', applied_run = NULL WHERE id = ? AND status IN ('match', 'create')");
  up.bind(1, id).run();
}

void mark_applied(SqlDb& db, std::int64_t id, std::int64_t run) {
  Statement up(db, "UPDATE alerts SET status = 'applied', applied_run = ? WHERE id = ?");
  up.bind(1, run).bind(2, id).run();
}

void replace_existing(SqlDb& db, const std::string& feed,
                      const std::vector<ExistingStudent>& students, const std::string& now) {
  Statement del(db, "DELETE FROM existing_students WHERE feed = ? AND outcome = 'pending'");
  del.bind(1, feed).run();
  Statement ins(db,
                "INSERT INTO existing_students (feed, platform_id, state_id, local_id, first_name, "
                "middle_name, last_name, birth_date, grade, campus, status, imported) VALUES (?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const ExistingStudent& e : students) {
    const auto v = [&](Field f) { return std::string_view(e.values[field_index(f)]); };
    ins.bind(1, feed)
        .bind(2, e.platform_id)
        .bind(3, v(Field::state_id))
        .bind(4, v(Field::local_id))
        .bind(5, v(Field::first_name))
        .bind(6, v(Field::middle_name))
        .bind(7, v(Field::last_name))
        .bind(8, v(Field::birth_date))
        .bind(9, v(Field::grade))
        .bind(10, v(Field::campus))
        .bind(11, v(Field::status))
        .bind(12, now)
        .run();
  }
}

void record_id_change(SqlDb& db, const std::string& feed, const std::string& old_id,
                      const std::string& new_id, std::int64_t run, const std::string& now) {
  Statement ins(db,
                "INSERT INTO student_id_changes (feed, old_id, new_id, run, changed) VALUES (?, ?, "
                "?, ?, ?)");
  ins.bind(1, feed).bind(2, old_id).bind(3, new_id).bind(4, run).bind(5, now).run();
}

std::vector<IdChange> query_id_history(SqlDb& db, const std::string& feed,
                                       const std::string& state_id) {
  std::vector<IdChange> out;
  Statement q(db,
              "SELECT old_id, new_id, run, changed FROM student_id_changes WHERE feed = ? AND "
              "new_id = ? ORDER BY run DESC LIMIT 1");
  std::set<std::string> seen{state_id};
  std::string current = state_id;
  while (true) {
    q.bind(1, feed).bind(2, current);
    if (!q.step()) break;
    IdChange c{std::string(q.text(0)), std::string(q.text(1)), q.integer(2),
               std::string(q.text(3))};
    q.reset();
    if (!seen.insert(c.old_id).second) break;  // an ID given back later: stop, never loop
    current = c.old_id;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace rosterd
