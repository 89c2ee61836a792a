#include "ops/run_actions.h"

#include "pipeline/run_mail.h"

namespace rosterd {

std::vector<RunRecord> run_history(RosterStore& store, const std::string& feed, std::size_t last) {
  return store.runs().history(feed, last);
}

std::vector<KindRunCounts> run_kind_counts(RosterStore& store, std::int64_t run) {
  return store.entities().counts(run);
}

RunView show_run(RosterStore& store, std::int64_t id) {
  const auto run = store.runs().get(id);
  if (!run)
    throw NotFoundError(NotFoundError::What::run, "there is no run " + std::to_string(id) + ".");
  RunView v;
  v.run = *run;
  v.discrepancies = store.runs().discrepancies(id);
  v.changes = store.runs().changes(id);
  for (const AlertRecord& a : store.identity().alerts(run->feed, true)) {
    if (a.run == id) v.alerts.push_back(a.alert);
  }
  for (const Discrepancy& d : v.discrepancies) {
    if (!is_file_level(d.code)) v.rows_.push_back(d);
  }
  v.actions = store.actions().for_run(id);
  v.kind_counts = store.entities().counts(id);
  // At most kKindDiscrepanciesShown: a broken file of five million enrollments is a few
  // thousand examples' worth to a person, not five million objects in one answer.
  std::size_t kind_discrepancies = 0;
  v.kind_discrepancies =
      store.entities().discrepancies(id, RunView::kKindDiscrepanciesShown, kind_discrepancies);
  if (run->held_part) v.held_part = store.runs().get(*run->held_part);
  return v;
}

RunReport RunView::report() const {
  RunReport r = report_of_run(run);
  r.kind_counts = kind_counts;
  r.kind_discrepancies = kind_discrepancies;
  if (held_part) {
    r.held_part = held_part->plan;
    r.held_state = held_part->state;
  }
  for (const Discrepancy& d : discrepancies) {
    ++r.by_code[static_cast<std::size_t>(d.code)];
    if (is_file_level(d.code)) r.refusal = d;
  }
  r.discrepancies = &rows_;
  r.changes = &changes;
  r.alerts = &alerts;
  for (const ActionRecord& a : actions)
    r.actions.push_back({a.at, a.who, a.via, a.action, a.reason, a.detail});
  return r;
}

RunRecord approve_run(RosterStore& store, std::int64_t id, const Actor& by) {
  store.decisions().approve(id, by);
  return *store.runs().get(id);
}

RunRecord reject_run(RosterStore& store, std::int64_t id, const Actor& by) {
  store.decisions().reject(id, by);
  return *store.runs().get(id);
}

RunRecord rollback_run(RosterStore& store, std::int64_t id, bool force, const Actor& by) {
  return *store.runs().get(store.decisions().rollback(id, force, by));
}

}  // namespace rosterd
