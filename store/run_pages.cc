#include "store/run_pages.h"

#include <algorithm>

#include "core/civil_date.h"
#include "store/store_support.h"
#include "store/value_codec.h"

namespace rosterd {
namespace {

// The codes of one severity, as an SQL list ('a', 'b').
std::string codes_of(Severity severity) {
  std::string out;
  for (std::size_t i = 0; i < kDiscrepancyCodeCount; ++i) {
    const auto code = static_cast<DiscrepancyCode>(i);
    if (code_severity(code) != severity) continue;
    out += (out.empty() ? "'" : ", '") + std::string(code_name(code)) + "'";
  }
  return out.empty() ? "''" : out;
}

// The file-level codes (a refusal), as an SQL list: they are the run's outcome, not a row's.
std::string file_level_codes() {
  std::string out;
  for (std::size_t i = 0; i < kDiscrepancyCodeCount; ++i) {
    const auto code = static_cast<DiscrepancyCode>(i);
    if (is_file_level(code))
      out += (out.empty() ? "'" : ", '") + std::string(code_name(code)) + "'";
  }
  return out.empty() ? "''" : out;
}

// The first state ID after every one starting with `prefix`.
std::string prefix_end(std::string prefix) {
  while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff)
    prefix.pop_back();
  if (prefix.empty()) return std::string();
  prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
  return prefix;
}

}  // namespace

std::vector<Discrepancy> RunPages::discrepancies(std::int64_t id, const DiscrepancyFilter& f,
                                                 std::size_t offset, std::size_t limit,
                                                 std::size_t& matching) {
  std::string where =
      " FROM run_discrepancies WHERE run = ? AND code NOT IN (" + file_level_codes() + ")";
  if (f.code) where += " AND code = ?";
  if (f.severity) where += " AND code IN (" + codes_of(*f.severity) + ")";
  if (!f.student_id.empty()) where += " AND student_id = ?";
  const auto bind = [&](Statement& q) {
    int i = 1;
    q.bind(i++, id);
    if (f.code) q.bind(i++, code_name(*f.code));
    if (!f.student_id.empty()) q.bind(i++, f.student_id);
    return i;
  };
  {
    Statement count(db_, "SELECT count(*)" + where);
    bind(count);
    count.step();
    matching = static_cast<std::size_t>(count.integer(0));
  }
  std::vector<Discrepancy> out;
  Statement q(
      db_, std::string("SELECT ") + kDiscrepancyColumns + where + " ORDER BY seq LIMIT ? OFFSET ?");
  const int next = bind(q);
  q.bind(next, static_cast<std::int64_t>(limit)).bind(next + 1, static_cast<std::int64_t>(offset));
  while (q.step())
    out.push_back(read_discrepancy(q));
  return out;
}

std::vector<Change> RunPages::changes(std::int64_t id, const ChangeFilter& f, std::size_t offset,
                                      std::size_t limit) {
  const std::string end = prefix_end(f.state_id_prefix);
  std::string range;
  if (!f.state_id_prefix.empty())
    range = end.empty() ? " AND state_id >= ?" : " AND state_id >= ? AND state_id < ?";
  if (!f.after.empty()) range += " AND state_id > ?";
  const auto bind_range = [&](Statement& q, int i) {
    if (!f.after.empty()) {
      // Bound after the prefix's values (the SQL names them first).
      if (!f.state_id_prefix.empty()) {
        q.bind(i++, f.state_id_prefix);
        if (!end.empty()) q.bind(i++, end);
      }
      q.bind(i++, f.after);
      return i;
    }
    if (f.state_id_prefix.empty()) return i;
    q.bind(i++, f.state_id_prefix);
    if (!end.empty()) q.bind(i++, end);
    return i;
  };
  // Both sources are read in state ID order up to offset + limit rows, then merged.
  const auto want = static_cast<std::int64_t>(offset + limit);
  std::vector<Change> out;
  {
    Statement q(db_, std::string("SELECT ") + kChangeColumns + " FROM run_changes WHERE run = ?" +
                         (f.kind ? " AND kind = ?" : "") + range + " ORDER BY state_id LIMIT ?");
    int i = 1;
    q.bind(i++, id);
    if (f.kind) q.bind(i++, change_kind_name(*f.kind));
    i = bind_range(q, i);
    q.bind(i, want);
    while (q.step())
      out.push_back(read_change(q));
  }
  const auto r = runs_.get(id);
  if (r && r->kind != RunKind::rollback && r->state == RunState::committed &&
      (!f.kind || *f.kind == ChangeKind::added)) {
    Statement a(db_, std::string("SELECT ") + kStudentColumns +
                         " FROM students WHERE feed = ? AND added_run = ?" + range +
                         " ORDER BY state_id LIMIT ?");
    int i = 1;
    a.bind(1, r->feed).bind(2, id);
    i = 3;
    i = bind_range(a, i);
    a.bind(i, want);
    while (a.step())
      out.push_back(read_addition(a));
    std::sort(out.begin(), out.end(),
              [](const Change& x, const Change& y) { return x.state_id < y.state_id; });
  }
  if (offset >= out.size()) return {};
  out.erase(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(offset));
  if (out.size() > limit) out.resize(limit);
  return out;
}

std::map<std::string, FeedCounts> RunPages::feed_counts() {
  std::map<std::string, FeedCounts> out;
  {
    Statement q(db_,
                // A file cut in two (policy.on_trip: hold_unsafe) is two runs: its rows once.
                "SELECT feed, decision, count(*), sum(CASE WHEN split_of IS NULL THEN rows_read "
                "ELSE 0 END), sum(CASE WHEN split_of IS NULL THEN rows_rejected ELSE 0 END) FROM "
                "runs WHERE kind = 'ingest' GROUP BY feed, decision");
    while (q.step()) {
      FeedCounts& c = out[std::string(q.text(0))];
      c.runs_by_decision[std::string(q.text(1))] = q.integer(2);
      c.rows_read += q.integer(3);
      c.rows_rejected += q.integer(4);
      if (q.text(1) == "held") c.held_runs = q.integer(2);
    }
  }
  {
    Statement q(db_, "SELECT feed, count(*) FROM alerts WHERE status = 'open' GROUP BY feed");
    while (q.step())
      out[std::string(q.text(0))].open_alerts = q.integer(1);
  }
  {
    Statement q(db_,
                "SELECT feed, count(*) FROM outbox WHERE status IN ('pending', 'sending') GROUP "
                "BY feed");
    while (q.step())
      out[std::string(q.text(0))].outbox_waiting = q.integer(1);
  }
  {
    Statement q(db_,
                "SELECT feed, max(finished) FROM runs WHERE decision = 'committed' GROUP BY feed");
    while (q.step()) {
      if (const auto t = parse_utc_timestamp(std::string(q.text(1))))
        out[std::string(q.text(0))].last_committed_at = *t;
    }
  }
  return out;
}

}  // namespace rosterd
