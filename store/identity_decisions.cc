#include "store/identity_decisions.h"

#include <algorithm>

#include "core/text.h"
#include "store/identity_tables.h"
#include "store/store_support.h"

namespace rosterd {

IdentityState IdentityDecisions::state(const std::string& feed) {
  return load_identity_state(db_, feed);
}

std::vector<AlertRecord> IdentityDecisions::alerts(const std::string& feed, bool all) {
  return query_alerts(db_, feed, all);
}

std::optional<AlertRecord> IdentityDecisions::alert(std::int64_t id) {
  auto list = query_alerts(db_, "", true, id);
  if (list.empty()) return std::nullopt;
  return std::move(list.front());
}

void IdentityDecisions::resolve(std::int64_t id, bool match, const std::string& to,
                                const Actor& by) {
  const std::string& who = by.who;
  Transaction tx(db_);
  const auto a = alert(id);
  const std::string name = "alert " + std::to_string(id);
  if (!a) throw NotFoundError(NotFoundError::What::alert, "there is no " + name + ".");
  if (a->status == AlertStatus::proposed && a->alert.kind == AlertKind::rekey) {
    throw Error(name + " is part of held run " + std::to_string(a->run) +
                "'s proposed ID mapping: decide the whole run: approve it (every student takes "
                "the new ID), or reject its re-keys (they are added as new students).");
  }
  if (a->alert.kind == AlertKind::existing_unmatched) {
    throw Error(name + " reports an existing student no roster row matched (" + a->resolution_to +
                "); there is nothing to decide.");
  }
  if (a->status != AlertStatus::open && !a->is_decided()) {
    throw Error(
        name + " is " + std::string(alert_status_name(a->status)) +
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
        throw Error(name + " has " + std::to_string(a->alert.candidates.size()) + " candidates (" +
                    ids + "): name the one that is this student.");
      }
      chosen = a->alert.candidates[0].id;
    } else if (std::none_of(a->alert.candidates.begin(), a->alert.candidates.end(),
                            [&](const MatchCandidate& c) { return c.id == chosen; })) {
      throw Error(chosen + " is not a candidate of " + name + " (" + ids + ").");
    }
  } else if (!chosen.empty()) {
    throw Error("a candidate is named for a match only, not for a new student.");
  }
  record_resolution(db_, id, match, chosen, who, now_utc(clock_));
  actions_.record(by, "resolve", a->feed, a->run, id,
                  match ? "match to " + chosen : std::string("a new student"));
  tx.commit();
}

std::size_t IdentityDecisions::reject_rekeys(std::int64_t run_id, const Actor& by) {
  const std::string& who = by.who;
  Transaction tx(db_);
  const RunRecord r = runs_.held(run_id, "reject");
  Statement mark(db_,
                 "UPDATE alerts SET status = 'create', decided_by = ?, decided = ? WHERE run = ? "
                 "AND kind = 'rekey' AND status = 'proposed'");
  mark.bind(1, who).bind(2, now_utc(clock_)).bind(3, run_id).run();
  const auto count = static_cast<std::size_t>(db_.changes());
  dismiss_run_alerts(db_, run_id);
  Statement up(db_,
               "UPDATE runs SET decision = 'rejected', decided_by = ?, reason = ? WHERE id = ?");
  up.bind(1, who)
      .bind(2, r.reason + "; rejected by " + who + " at " + now_utc(clock_) +
                   ": its re-keys are to be added as new students")
      .bind(3, run_id)
      .run();
  actions_.record(by, "reject", r.feed, run_id, std::nullopt,
                  "re-keys to be added as new students");
  tx.commit();
  return count;
}

std::optional<std::int64_t> IdentityDecisions::apply(const std::string& feed, const Actor& by,
                                                     std::vector<std::string>& skipped) {
  const std::string& who = by.who;
  Transaction tx(db_);
  std::vector<AlertRecord> decided;
  for (AlertRecord& a : query_alerts(db_, feed, false)) {
    if (a.is_decided()) decided.push_back(std::move(a));
  }
  if (decided.empty()) return std::nullopt;
  const auto base = runs_.last_committed(feed);
  const std::string now = now_utc(clock_);
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
  const auto values_of = [&](const std::string& id) { return students_.values(feed, id); };
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
    if (a.status == AlertStatus::match && committed_kind) {
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
      if (a.status == AlertStatus::match) {
        c.platform_id = a.resolution_to;
        ++counts.linked;
      }
      ++counts.added;
    }
    std::vector<Change> one;
    one.push_back(c);
    students_.apply_changes(feed, run_id, one);
    changes.push_back(std::move(c));
    mark_applied(db_, a.id, run_id);
  }
  runs_.record_changes(run_id, changes, Decision::committed);
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
  runs_.supersede_held(feed, run_id);
  actions_.record(by, "apply", feed, run_id, std::nullopt, "decided alerts applied");
  tx.commit();
  return run_id;
}

std::size_t IdentityDecisions::import_existing(const std::string& feed,
                                               const std::vector<ExistingStudent>& students) {
  Transaction tx(db_);
  Statement q(db_, "SELECT count(*) FROM students WHERE feed = ?");
  q.bind(1, feed);
  q.step();
  if (q.integer(0) > 0) {
    throw Error("feed " + feed + " already has " +
                group_thousands(static_cast<unsigned long long>(q.integer(0))) +
                " committed students: the platform's existing students are loaded before the "
                "first live file, to be matched by it. After go-live, ID changes are caught as "
                "possible matches.");
  }
  replace_existing(db_, feed, students, now_utc(clock_));
  tx.commit();
  return students.size();
}

}  // namespace rosterd
