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

void sort_candidates(std::vector<MatchCandidate>& cands) {
  std::sort(cands.begin(), cands.end(), [](const MatchCandidate& a, const MatchCandidate& b) {
    return a.score != b.score ? a.score > b.score : a.id < b.id;
  });
}

// One run's matching; the steps of match_identities share its indexes. Absent students are
// addressed by their index in plan.absent (sorted by ID, as the committed roster is read), so
// that a re-key of 100,000 students needs no node-based hash table.
class Matcher {
 public:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  Matcher(Plan& plan, CommittedRoster& committed, const IdentityState& state,
          const IdentityPolicy& policy)
      : plan_(plan),
        changes_(plan.changes),
        counts_(plan.counts),
        absent_(plan.absent),
        committed_(committed),
        state_(state),
        policy_(policy),
        drop_(changes_.size(), false),
        handled_(changes_.size(), false) {
    const auto by_id = [](const AbsentStudent& a, const AbsentStudent& b) {
      return a.state_id < b.state_id;
    };
    if (!std::is_sorted(absent_.begin(), absent_.end(), by_id))
      std::sort(absent_.begin(), absent_.end(), by_id);
    deactivation_.assign(absent_.size(), kNone);
    for (std::size_t i = 0; i < changes_.size(); ++i) {
      const Change& c = changes_[i];
      if (c.kind == ChangeKind::added) adds_.push_back(i);
      // A deactivation of a student absent from the file (a row with status I has a line).
      if (c.kind == ChangeKind::deactivated && c.line == 0) {
        if (const std::size_t a = absent_index(c.state_id); a != kNone) deactivation_[a] = i;
      }
    }
  }

  void run() {
    if (adds_.empty() && state_.protected_ids.empty()) return;
    used_.assign(absent_.size(), false);
    apply_resolutions();
    match_committed();
    for (const std::string& id : state_.protected_ids)
      keep_for_review(absent_index(id));
    if (!state_.existing.empty()) reconcile_existing();
    rebuild();
  }

 private:
  std::size_t absent_index(std::string_view id) const {
    const auto it =
        std::lower_bound(absent_.begin(), absent_.end(), id,
                         [](const AbsentStudent& a, std::string_view v) { return a.state_id < v; });
    return it != absent_.end() && it->state_id == id
               ? static_cast<std::size_t>(it - absent_.begin())
               : kNone;
  }

  // The absent student's deactivation is withheld while an alert about it is open.
  void keep_for_review(std::size_t a) {
    if (a == kNone || deactivation_[a] == kNone || drop_[deactivation_[a]]) return;
    drop_[deactivation_[a]] = true;
    --counts_.deactivated;
    ++counts_.kept_for_review;
  }

  // The row at `add` becomes absent student `a`'s new state ID; `before` is its record.
  void rekey(std::size_t add, std::size_t a, std::vector<std::string> before) {
    Change c = changes_[add];
    c.kind = ChangeKind::rekeyed;
    c.changed_fields = changed_mask(before, c);
    c.before = std::move(before);
    if (deactivation_[a] != kNone && !drop_[deactivation_[a]]) {
      drop_[deactivation_[a]] = true;
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
        const std::size_t a = absent_index(r.to);
        if (a == kNone || used_[a]) {
          handled_[i] = true;
          hold_for_review(i);
          plan_.reopened_resolutions.push_back(r.alert);
          continue;
        }
        used_[a] = true;
        resolved_rekeys_.emplace_back(i, a);
      }
      handled_[i] = true;
      plan_.applied_resolutions.push_back(r.alert);
      plan_.applied_resolution_rows.push_back(r.state_id);
    }
  }

  void match_committed() {
    // (identity key, absent index), sorted: an equal range is a row's candidates.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> by_key;
    struct Raw {
      std::size_t add;
      std::size_t begin, end;  // in by_key
    };
    std::vector<Raw> raw;
    values_.assign(absent_.size(), nullptr);
    std::vector<bool> wanted(absent_.size(), false);
    if (!absent_.empty()) {
      by_key.reserve(absent_.size());
      for (std::size_t a = 0; a < absent_.size(); ++a) {
        if (!used_[a]) by_key.emplace_back(absent_[a].identity_key, static_cast<std::uint32_t>(a));
      }
      std::sort(by_key.begin(), by_key.end());
      for (std::size_t i : adds_) {
        if (handled_[i]) continue;
        const Change& c = changes_[i];
        const std::uint64_t key = identity_key(c.after(field_index(Field::last_name)),
                                               c.after(field_index(Field::birth_date)));
        const auto b = std::lower_bound(by_key.begin(), by_key.end(),
                                        std::pair<std::uint64_t, std::uint32_t>(key, 0));
        auto e = b;
        while (e != by_key.end() && e->first == key) {
          wanted[e->second] = true;
          ++e;
        }
        if (b == e) continue;
        raw.push_back({i, static_cast<std::size_t>(b - by_key.begin()),
                       static_cast<std::size_t>(e - by_key.begin())});
      }
    }
    for (const auto& r : resolved_rekeys_)
      wanted[r.second] = true;
    if (raw.empty() && resolved_rekeys_.empty()) return;
    // Active absent students' values are in their deactivations' before-images already; the
    // others (inactive students) are read.
    std::vector<std::string> to_fetch;
    for (std::size_t a = 0; a < absent_.size(); ++a) {
      if (!wanted[a]) continue;
      if (deactivation_[a] != kNone && changes_[deactivation_[a]].before) {
        values_[a] = &*changes_[deactivation_[a]].before;
      } else {
        to_fetch.push_back(absent_[a].state_id);
      }
    }
    if (!to_fetch.empty()) fetched_ = committed_.fetch(to_fetch);
    for (const auto& [id, v] : fetched_) {
      if (const std::size_t a = absent_index(id); a != kNone) values_[a] = &v;
    }

    for (const auto& [add, a] : resolved_rekeys_) {
      if (values_[a] != nullptr) rekey(add, a, *values_[a]);
    }

    struct Found {
      std::size_t add;
      std::vector<MatchCandidate> candidates;
      std::vector<std::uint32_t> absent;  // the candidates' absent indexes
    };
    std::vector<Found> found;
    found.reserve(raw.size());
    std::vector<std::uint32_t> claims(absent_.size(), 0);
    for (const Raw& r : raw) {
      const StudentValues row = changes_[r.add].after_values();
      Found f{r.add, {}, {}};
      for (std::size_t k = r.begin; k < r.end; ++k) {
        const std::uint32_t a = by_key[k].second;
        if (values_[a] == nullptr) continue;
        const StudentValues cand = values_view(*values_[a]);
        if (!same_person(row, cand, policy_.match_on)) continue;
        f.candidates.push_back(
            MatchCandidate{absent_[a].state_id, match_score(row, cand), *values_[a]});
        f.absent.push_back(a);
        ++claims[a];
      }
      if (f.candidates.empty()) continue;
      if (f.candidates.size() > 1) sort_candidates(f.candidates);
      found.push_back(std::move(f));
    }
    const auto one_to_one = [&](const Found& f) {
      return f.candidates.size() == 1 && claims[f.absent[0]] == 1;
    };
    const std::size_t pairs =
        static_cast<std::size_t>(std::count_if(found.begin(), found.end(), one_to_one));
    const bool rekey_run = policy_.rekey_min_students > 0 && pairs >= policy_.rekey_min_students;
    for (Found& f : found) {
      if (rekey_run && one_to_one(f)) {
        IdentityAlert a = alert_for(AlertKind::rekey, f.add);
        // The old record's values go to the change's before-image; the alert names it by ID.
        rekey(f.add, f.absent[0], std::move(f.candidates[0].values));
        f.candidates[0].values.clear();
        ++counts_.proposed_rekeys;
        a.candidates = std::move(f.candidates);
        plan_.alerts.push_back(std::move(a));
        continue;
      }
      IdentityAlert a = alert_for(AlertKind::possible_match, f.add);
      hold_for_review(f.add);
      for (std::uint32_t c : f.absent)
        keep_for_review(c);
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
    // A row links on its own only when its campus goes live with this run.
    std::set<std::string, std::less<>> going_live;
    const auto campus_goes_live = [&](std::string_view campus) {
      return state_.go_live || state_.live_campuses.count(campus) == 0;
    };
    std::vector<bool> may_link(changes_.size(), false);
    for (std::size_t i : adds_) {
      if (handled_[i] || drop_[i]) continue;
      const std::string_view campus = changes_[i].after(field_index(Field::campus));
      may_link[i] = campus_goes_live(campus);
      if (may_link[i]) going_live.emplace(campus);
      if (!may_link[i] && alert_rows.count(changes_[i].state_id) == 0) continue;
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
        const StudentValues row = c.after_values();
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
      if (may_link[add] && cands.size() == 1 && claims[cands[0]] == 1) {
        changes_[add].platform_id = ex[cands[0]].platform_id;
        ++counts_.linked;
        settled[cands[0]] = true;
        continue;
      }
      IdentityAlert a = alert_for(AlertKind::existing_match, add);
      const StudentValues row = changes_[add].after_values();
      for (std::size_t e : cands) {
        a.candidates.push_back(MatchCandidate{
            ex[e].platform_id, match_score(row, values_view(ex[e].values)), ex[e].values});
        settled[e] = true;  // not unmatched: it waits for the alert's decision
      }
      sort_candidates(a.candidates);
      hold_for_review(add);
      plan_.alerts.push_back(std::move(a));
    }
    for (std::size_t e = 0; e < ex.size(); ++e) {
      if (settled[e]) continue;
      // Unmatched only when its campus went live with this run; out of scope, it waits.
      const std::string& campus = ex[e].values[field_index(Field::campus)];
      const std::string& grade = ex[e].values[field_index(Field::grade)];
      if (state_.scope != nullptr && !state_.scope->takes(campus, grade)) continue;
      if (!state_.go_live && going_live.count(campus) == 0) continue;
      IdentityAlert a;
      a.kind = AlertKind::existing_unmatched;
      a.candidates.push_back(MatchCandidate{ex[e].platform_id, 0, ex[e].values});
      a.outcome = policy_.unmatched_existing == UnmatchedExisting::deactivate ? "inactive" : "kept";
      plan_.alerts.push_back(std::move(a));
    }
  }

  // In place: a first load's million changes must not be held twice.
  void rebuild() {
    // Nothing dropped and nothing added: the plan's changes are as make_plan sorted them.
    if (rekeys_.empty() && std::find(drop_.begin(), drop_.end(), true) == drop_.end()) return;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < changes_.size(); ++i) {
      if (drop_[i]) continue;
      if (kept != i) changes_[kept] = std::move(changes_[i]);
      ++kept;
    }
    changes_.erase(changes_.begin() + static_cast<std::ptrdiff_t>(kept), changes_.end());
    for (Change& c : rekeys_)
      changes_.push_back(std::move(c));
    sort_changes_by_id(changes_);
  }

  Plan& plan_;
  std::vector<Change>& changes_;
  PlanCounts& counts_;
  std::vector<AbsentStudent>& absent_;
  CommittedRoster& committed_;
  const IdentityState& state_;
  const IdentityPolicy& policy_;
  std::vector<bool> drop_;
  std::vector<bool> handled_;  // decided by a resolution: not matched again
  std::vector<std::size_t> adds_;
  std::vector<std::size_t> deactivation_;  // per absent student: its deactivation, or kNone
  std::vector<bool> used_;                 // per absent student: a resolution re-keys it
  std::vector<const std::vector<std::string>*> values_;  // per absent student, when read
  std::vector<std::pair<std::string, std::vector<std::string>>> fetched_;
  std::vector<std::pair<std::size_t, std::size_t>> resolved_rekeys_;  // (add, absent index)
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
