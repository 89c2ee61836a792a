#include "planner/identity_match.h"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>

namespace rosterd {
namespace {

constexpr std::array<AlertKind, 4> kAlertKinds = {AlertKind::possible_match, AlertKind::rekey,
                                                  AlertKind::existing_match,
                                                  AlertKind::existing_unmatched};

StudentValues after_view(const Change& c) {
  StudentValues v{};
  for (std::size_t i = 0; i < kFieldCount; ++i)
    v[i] = c.after(i);
  return v;
}

void sort_candidates(std::vector<MatchCandidate>& cands) {
  std::sort(cands.begin(), cands.end(), [](const MatchCandidate& a, const MatchCandidate& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
}

// One run's matching; the steps of match_identities share its indexes.
class Matcher {
 public:
  Matcher(Plan& plan, CommittedRoster& committed, const IdentityState& state,
          const IdentityPolicy& policy)
      : plan_(plan),
        changes_(plan.changes),
        counts_(plan.counts),
        committed_(committed),
        state_(state),
        policy_(policy),
        drop_(changes_.size(), false),
        handled_(changes_.size(), false) {
    for (std::size_t i = 0; i < changes_.size(); ++i) {
      const Change& c = changes_[i];
      if (c.kind == ChangeKind::added) adds_.push_back(i);
      // A deactivation of a student absent from the file (a row with status I has a line).
      if (c.kind == ChangeKind::deactivated && c.line == 0) absent_deactivation_[c.state_id] = i;
    }
  }

  void run() {
    if (adds_.empty() && state_.protected_ids.empty()) return;
    apply_resolutions();
    match_committed();
    for (const std::string& id : state_.protected_ids)
      keep_for_review(id);
    if (!state_.existing.empty()) reconcile_existing();
    rebuild();
  }

 private:
  // The student's deactivation (absent from the file) is withheld while an alert is open.
  void keep_for_review(const std::string& id) {
    const auto it = absent_deactivation_.find(id);
    if (it == absent_deactivation_.end() || drop_[it->second]) return;
    drop_[it->second] = true;
    --counts_.deactivated;
    ++counts_.kept_for_review;
  }

  // The row at `add` becomes committed student `before`'s new state ID.
  void rekey(std::size_t add, const std::vector<std::string>& before) {
    Change c = changes_[add];
    c.kind = ChangeKind::rekeyed;
    c.before = before;
    c.changed_fields = changed_mask(before, c);
    const std::string& old_id = before[field_index(Field::state_id)];
    if (const auto it = absent_deactivation_.find(old_id);
        it != absent_deactivation_.end() && !drop_[it->second]) {
      drop_[it->second] = true;
      --counts_.deactivated;
    }
    rekeys_.push_back(std::move(c));
    drop_[add] = true;
    --counts_.added;
    ++counts_.rekeyed;
  }

  void hold_for_review(std::size_t add) {
    drop_[add] = true;
    --counts_.added;
    ++counts_.held_for_review;
  }

  IdentityAlert alert_for(AlertKind kind, std::size_t add) const {
    IdentityAlert a;
    a.kind = kind;
    a.state_id = changes_[add].state_id;
    a.line = changes_[add].line;
    a.row = changes_[add].after_strings();
    return a;
  }

  void apply_resolutions() {
    if (state_.resolutions.empty()) return;
    std::unordered_map<std::string_view, const Resolution*> by_id;
    for (const Resolution& r : state_.resolutions)
      by_id[r.state_id] = &r;
    std::unordered_set<std::string_view> absent;
    for (const AbsentStudent& a : plan_.absent)
      absent.insert(a.state_id);
    for (std::size_t i : adds_) {
      const auto it = by_id.find(changes_[i].state_id);
      if (it == by_id.end()) continue;
      const Resolution& r = *it->second;
      if (r.kind == AlertKind::existing_match) {
        if (r.match) {
          changes_[i].platform_id = r.to;
          ++counts_.linked;
          linked_existing_.insert(r.to);
        }
      } else if (r.match) {
        // The old ID must still be committed and absent from this file. Otherwise (the SIS
        // sends the old ID again) the row waits for a person to decide again: adding it would
        // make the duplicate the decision was meant to prevent.
        if (absent.count(r.to) == 0 || used_old_.count(r.to) != 0) {
          handled_[i] = true;
          hold_for_review(i);
          plan_.reopened_resolutions.push_back(r.alert);
          continue;
        }
        used_old_.insert(r.to);
        resolved_rekeys_.emplace_back(i, r.to);
      }
      handled_[i] = true;
      plan_.applied_resolutions.push_back(r.alert);
    }
  }

  void match_committed() {
    std::unordered_multimap<std::uint64_t, const AbsentStudent*> by_key;
    by_key.reserve(plan_.absent.size());
    for (const AbsentStudent& a : plan_.absent) {
      if (used_old_.count(a.state_id) == 0) by_key.emplace(a.identity_key, &a);
    }
    std::vector<std::pair<std::size_t, std::vector<const AbsentStudent*>>> raw;
    std::vector<std::string> to_fetch;
    if (!by_key.empty()) {
      for (std::size_t i : adds_) {
        if (handled_[i]) continue;
        const Change& c = changes_[i];
        const auto [b, e] = by_key.equal_range(identity_key(
            c.after(field_index(Field::last_name)), c.after(field_index(Field::birth_date))));
        if (b == e) continue;
        std::vector<const AbsentStudent*> ids;
        for (auto it = b; it != e; ++it) {
          ids.push_back(it->second);
          // Inactive students have no deactivation to take their values from: read them.
          if (!it->second->active) to_fetch.push_back(it->second->state_id);
        }
        raw.emplace_back(i, std::move(ids));
      }
    }
    for (const auto& r : resolved_rekeys_)
      to_fetch.push_back(r.second);
    if (raw.empty() && resolved_rekeys_.empty()) return;
    // Active absent students' values are in their deactivations' before-images already.
    std::unordered_map<std::string_view, const std::vector<std::string>*> values;
    for (const auto& [id, i] : absent_deactivation_) {
      if (changes_[i].before) values.emplace(id, &*changes_[i].before);
    }
    std::erase_if(to_fetch, [&](const std::string& id) { return values.count(id) != 0; });
    std::sort(to_fetch.begin(), to_fetch.end());
    to_fetch.erase(std::unique(to_fetch.begin(), to_fetch.end()), to_fetch.end());
    std::vector<std::pair<std::string, std::vector<std::string>>> fetched;
    if (!to_fetch.empty()) fetched = committed_.fetch(to_fetch);
    for (const auto& [id, v] : fetched)
      values.emplace(id, &v);

    for (const auto& [add, old_id] : resolved_rekeys_) {
      if (const auto it = values.find(old_id); it != values.end()) rekey(add, *it->second);
    }

    struct Found {
      std::size_t add;
      std::vector<MatchCandidate> candidates;
    };
    std::vector<Found> found;
    std::unordered_map<std::string_view, std::uint32_t> claims;
    for (const auto& [add, ids] : raw) {
      const StudentValues row = after_view(changes_[add]);
      Found f{add, {}};
      for (const AbsentStudent* s : ids) {
        const std::string& id = s->state_id;
        const auto it = values.find(id);
        if (it == values.end()) continue;
        const StudentValues cand = values_view(*it->second);
        if (!same_person(row, cand, policy_.match_on)) continue;
        f.candidates.push_back(MatchCandidate{id, match_score(row, cand), *it->second});
        ++claims[s->state_id];  // a view of plan_.absent, which outlives the map
      }
      if (f.candidates.empty()) continue;
      sort_candidates(f.candidates);
      found.push_back(std::move(f));
    }
    const auto one_to_one = [&](const Found& f) {
      return f.candidates.size() == 1 && claims.find(f.candidates[0].id)->second == 1;
    };
    const std::size_t pairs =
        static_cast<std::size_t>(std::count_if(found.begin(), found.end(), one_to_one));
    const bool rekey_run = policy_.rekey_min_students > 0 && pairs >= policy_.rekey_min_students;
    for (Found& f : found) {
      if (rekey_run && one_to_one(f)) {
        IdentityAlert a = alert_for(AlertKind::rekey, f.add);
        rekey(f.add, f.candidates[0].values);
        ++counts_.proposed_rekeys;
        a.candidates = std::move(f.candidates);
        plan_.alerts.push_back(std::move(a));
        continue;
      }
      IdentityAlert a = alert_for(AlertKind::possible_match, f.add);
      hold_for_review(f.add);
      for (const MatchCandidate& c : f.candidates)
        keep_for_review(c.id);
      a.candidates = std::move(f.candidates);
      plan_.alerts.push_back(std::move(a));
    }
  }

  // Go-live: additions matched to the platform's existing students, by state ID, then local ID,
  // then name and birth date.
  void reconcile_existing() {
    const std::vector<ExistingStudent>& ex = state_.existing;
    std::unordered_map<std::string_view, std::vector<std::size_t>> by_state, by_local;
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> by_key;
    for (std::size_t e = 0; e < ex.size(); ++e) {
      const auto& v = ex[e].values;
      if (!v[field_index(Field::state_id)].empty())
        by_state[v[field_index(Field::state_id)]].push_back(e);
      if (!v[field_index(Field::local_id)].empty())
        by_local[v[field_index(Field::local_id)]].push_back(e);
      by_key[identity_key(v[field_index(Field::last_name)], v[field_index(Field::birth_date)])]
          .push_back(e);
    }
    std::vector<std::pair<std::size_t, std::vector<std::size_t>>> found;
    std::vector<std::uint32_t> claims(ex.size(), 0);
    const std::unordered_set<std::string_view> alert_rows(state_.existing_alert_rows.begin(),
                                                          state_.existing_alert_rows.end());
    for (std::size_t i : adds_) {
      if (handled_[i] || drop_[i]) continue;
      if (!state_.go_live && alert_rows.count(changes_[i].state_id) == 0) continue;
      const Change& c = changes_[i];
      std::vector<std::size_t> cands;
      if (const auto it = by_state.find(c.after(field_index(Field::state_id)));
          it != by_state.end()) {
        cands = it->second;
      } else if (const auto jt = by_local.find(c.after(field_index(Field::local_id)));
                 !c.after(field_index(Field::local_id)).empty() && jt != by_local.end()) {
        cands = jt->second;
      } else if (const auto kt = by_key.find(identity_key(c.after(field_index(Field::last_name)),
                                                          c.after(field_index(Field::birth_date))));
                 kt != by_key.end()) {
        const StudentValues row = after_view(c);
        for (std::size_t e : kt->second) {
          if (same_person(row, values_view(ex[e].values), policy_.match_on)) cands.push_back(e);
        }
      }
      std::erase_if(cands,
                    [&](std::size_t e) { return linked_existing_.count(ex[e].platform_id); });
      if (cands.empty()) continue;
      for (std::size_t e : cands)
        ++claims[e];
      found.emplace_back(i, std::move(cands));
    }
    std::vector<bool> settled(ex.size(), false);
    for (std::size_t e = 0; e < ex.size(); ++e)
      settled[e] = linked_existing_.count(ex[e].platform_id) != 0;
    for (auto& [add, cands] : found) {
      if (state_.go_live && cands.size() == 1 && claims[cands[0]] == 1) {
        changes_[add].platform_id = ex[cands[0]].platform_id;
        ++counts_.linked;
        settled[cands[0]] = true;
        continue;
      }
      IdentityAlert a = alert_for(AlertKind::existing_match, add);
      const StudentValues row = after_view(changes_[add]);
      for (std::size_t e : cands) {
        a.candidates.push_back(MatchCandidate{
            ex[e].platform_id, match_score(row, values_view(ex[e].values)), ex[e].values});
        settled[e] = true;  // not unmatched: it waits for the alert's decision
      }
      sort_candidates(a.candidates);
      hold_for_review(add);
      plan_.alerts.push_back(std::move(a));
    }
    for (std::size_t e = 0; e < ex.size() && state_.go_live; ++e) {
      if (settled[e]) continue;
      IdentityAlert a;
      a.kind = AlertKind::existing_unmatched;
      a.candidates.push_back(MatchCandidate{ex[e].platform_id, 0, ex[e].values});
      a.outcome = policy_.unmatched_existing == UnmatchedExisting::deactivate ? "inactive" : "kept";
      plan_.alerts.push_back(std::move(a));
    }
  }

  void rebuild() {
    std::vector<Change> out;
    out.reserve(changes_.size() + rekeys_.size());
    for (std::size_t i = 0; i < changes_.size(); ++i) {
      if (!drop_[i]) out.push_back(std::move(changes_[i]));
    }
    for (Change& c : rekeys_)
      out.push_back(std::move(c));
    const auto by_id = [](const Change& a, const Change& b) { return a.state_id < b.state_id; };
    if (!std::is_sorted(out.begin(), out.end(), by_id)) std::sort(out.begin(), out.end(), by_id);
    changes_ = std::move(out);
  }

  Plan& plan_;
  std::vector<Change>& changes_;
  PlanCounts& counts_;
  CommittedRoster& committed_;
  const IdentityState& state_;
  const IdentityPolicy& policy_;
  std::vector<bool> drop_;
  std::vector<bool> handled_;  // decided by a resolution: not matched again
  std::vector<std::size_t> adds_;
  // Views of changes_' state IDs, which stay put until rebuild().
  std::unordered_map<std::string_view, std::size_t> absent_deactivation_;
  std::unordered_set<std::string> used_old_;  // old IDs a resolution re-keys
  std::vector<std::pair<std::size_t, std::string>> resolved_rekeys_;
  std::unordered_set<std::string> linked_existing_;  // platform IDs linked by a resolution
  std::vector<Change> rekeys_;
};

}  // namespace

std::string_view alert_kind_name(AlertKind kind) {
  switch (kind) {
    case AlertKind::possible_match:
      return "possible_match";
    case AlertKind::rekey:
      return "rekey";
    case AlertKind::existing_match:
      return "existing_match";
    case AlertKind::existing_unmatched:
      return "existing_unmatched";
  }
  return "possible_match";
}

std::optional<AlertKind> alert_kind_from_name(std::string_view name) {
  for (AlertKind k : kAlertKinds) {
    if (alert_kind_name(k) == name) return k;
  }
  return std::nullopt;
}

void match_identities(Plan& plan, CommittedRoster& committed, const IdentityState& state,
                      const IdentityPolicy& policy) {
  Matcher(plan, committed, state, policy).run();
}

}  // namespace rosterd
