#include "planner/plan.h"

#include <algorithm>
#include <array>
#include <future>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>

#include "core/hash.h"
#include "core/id_order.h"
#include "planner/identity_match.h"
#include "planner/student_digest.h"

namespace rosterd {

std::string_view change_kind_name(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::added:
      return "added";
    case ChangeKind::updated:
      return "updated";
    case ChangeKind::deactivated:
      return "deactivated";
    case ChangeKind::reactivated:
      return "reactivated";
    case ChangeKind::removed:
      return "removed";
    case ChangeKind::rekeyed:
      return "rekeyed";
  }
  return "updated";
}

std::optional<ChangeKind> change_kind_from_name(std::string_view name) {
  for (ChangeKind k : {ChangeKind::added, ChangeKind::updated, ChangeKind::deactivated,
                       ChangeKind::reactivated, ChangeKind::removed, ChangeKind::rekeyed}) {
    if (change_kind_name(k) == name) return k;
  }
  return std::nullopt;
}

Plan::Plan() = default;
Plan::Plan(Plan&&) noexcept = default;
Plan& Plan::operator=(Plan&&) noexcept = default;
Plan::~Plan() = default;

void Change::set_after(std::vector<std::string> values) {
  values.resize(kFieldCount);
  owned_after = std::make_shared<const std::vector<std::string>>(std::move(values));
  after_table = nullptr;
  has_after = true;
}

std::vector<std::string> Change::after_strings() const {
  std::vector<std::string> out;
  out.reserve(kFieldCount);
  for (std::size_t i = 0; i < kFieldCount; ++i)
    out.emplace_back(after(i));
  return out;
}

std::uint16_t changed_mask(const std::vector<std::string>& before, const Change& c) {
  std::uint16_t mask = 0;
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (before[i] != c.after(i)) mask = static_cast<std::uint16_t>(mask | (1u << i));
  }
  return mask;
}

namespace {

// The file's values with the skipped fields replaced: from `keep` (an update keeps what is
// committed) or blank (an addition).
std::vector<std::string> without_skipped(const StudentTable& file, StudentTable::Index row,
                                         const std::bitset<kFieldCount>& skip,
                                         const std::vector<std::string>* keep) {
  std::vector<std::string> v;
  v.reserve(kFieldCount);
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (skip[i]) {
      v.push_back(keep != nullptr ? (*keep)[i] : std::string());
    } else {
      v.emplace_back(file.get(row, static_cast<Field>(i)));
    }
  }
  return v;
}

}  // namespace

Plan make_plan(const CheckResult& check, CommittedRoster& committed, const FeedRules& rules) {
  Plan plan;
  const StudentTable& file = check.students;
  const FeedScope& scope = rules.scope;
  const std::bitset<kFieldCount>& skip = rules.import.skip;
  const auto row_in_scope = [&](StudentTable::Index i) {
    return scope.takes(file.get(i, Field::campus), file.get(i, Field::grade));
  };
  // The digest the store would hold for the row: skipped fields are never written.
  const auto row_digest = [&](StudentTable::Index i) {
    StudentValues v = file.values(i);
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      if (skip[f]) v[f] = std::string_view();
    }
    return student_digest(v);
  };
  // Committed students come in ID order. A merge with the file's rows in ID order finds each
  // student's row: when the file is in ID order too (SIS exports often are), reading its rows
  // as they are; otherwise through keys of its IDs sorted once (core/id_order.h), made only at
  // the first committed student (a first load has none). A hash index of the file took two
  // or three cache misses a student instead (1.7 s for a next night of 1M rows not in ID
  // order, against 1.0 s in ID order). Of rows with one ID (all rejected), the first stands
  // for it.
  bool file_sorted = true;
  for (StudentTable::Index i = 1; i < file.size() && file_sorted; ++i) {
    file_sorted = file.get(i - 1, Field::state_id) <= file.get(i, Field::state_id);
  }
  const auto file_id = [&](std::uint32_t i) { return file.get(i, Field::state_id); };
  IdOrder in_order;         // the file's IDs in ID order, when the file is not
  std::string_view prefix;  // the in_order.shared bytes every one of them starts with
  bool ordered = false;
  std::size_t cursor = 0;
  const auto find_row = [&](std::string_view id) -> std::optional<StudentTable::Index> {
    if (file_sorted) {
      while (cursor < file.size() && file_id(static_cast<std::uint32_t>(cursor)) < id)
        ++cursor;
      if (cursor < file.size() && file_id(static_cast<std::uint32_t>(cursor)) == id) {
        return static_cast<StudentTable::Index>(cursor);
      }
      return std::nullopt;
    }
    if (!ordered) {
      in_order = ids_in_order(file.size(), file_id);
      if (!in_order.keys.empty()) prefix = file_id(0).substr(0, in_order.shared);
      ordered = true;
    }
    const std::vector<IdKey>& keys = in_order.keys;
    if (keys.empty()) return std::nullopt;
    // An ID that does not start with the prefix comes before or after all of the file's.
    const int head = id.substr(0, in_order.shared).compare(prefix);
    if (head != 0) {
      if (head > 0) cursor = keys.size();
      return std::nullopt;
    }
    constexpr std::uint32_t kSought = std::numeric_limits<std::uint32_t>::max();
    const IdKey sought = make_id_key(id, kSought, in_order.shared);
    const auto id_of = [&](std::uint32_t i) { return i == kSought ? id : file_id(i); };
    while (cursor < keys.size() && compare_ids(keys[cursor], sought, id_of) < 0)
      ++cursor;
    if (cursor < keys.size() && compare_ids(keys[cursor], sought, id_of) == 0)
      return keys[cursor].index;
    return std::nullopt;
  };

  // The digest of each accepted row, computed on two threads at the first committed student
  // (a first load has none to compare with): hashing a million rows is a third of planning a
  // next night, and the check's threads are done.
  std::vector<std::uint64_t> file_digests;
  const auto digest_rows = [&](StudentTable::Index from, StudentTable::Index to) {
    for (StudentTable::Index i = from; i < to; ++i) {
      if (!file.rejected(i))
        file_digests[i] = skip.any() ? row_digest(i) : student_digest(file.values(i));
    }
  };
  const auto digest_file = [&] {
    file_digests.assign(file.size(), 0);
    const auto half = static_cast<StudentTable::Index>(file.size() / 2);
    if (half < 10000) {
      digest_rows(0, static_cast<StudentTable::Index>(file.size()));
      return;
    }
    std::future<void> other;
    try {
      other = std::async(std::launch::async, digest_rows, half,
                         static_cast<StudentTable::Index>(file.size()));
    } catch (const std::system_error&) {
      digest_rows(0, static_cast<StudentTable::Index>(file.size()));  // no thread to be had
      return;
    }
    // Should this half throw, the future's destructor waits for the other (std::async's does).
    digest_rows(0, half);
    other.get();  // rethrows what the other half threw (std::bad_alloc)
  };

  std::vector<bool> seen(file.size(), false);
  std::unordered_map<std::string, StudentTable::Index> changed;  // digest differs: ID -> file row
  std::vector<std::string> absent_active;  // committed active students not in the file
  std::vector<std::string> leaving;        // active students whose row left the scope
  std::string previous_id;
  committed.for_each_digest([&](const CommittedRoster::Entry& e) {
    if (e.active) ++plan.counts.active_before;
    if (e.state_id < previous_id) {
      throw std::logic_error("CommittedRoster::for_each_digest did not visit students in ID order");
    }
    previous_id = e.state_id;
    const auto row = find_row(e.state_id);
    if (scope.opted_out(e.state_id)) {
      // Removed whatever the file says; no values are kept in the change.
      if (row) seen[*row] = true;
      Change c;
      c.kind = ChangeKind::removed;
      c.state_id = e.state_id;
      c.changed_fields = static_cast<std::uint16_t>((1u << kFieldCount) - 1);
      plan.changes.push_back(std::move(c));
      ++plan.counts.opted_out;
      return;
    }
    if (!row) {
      // A delta leaves out who did not change: kept as committed, never withdrawn, and never
      // a candidate for a new ID's re-key (the student is still there).
      if (check.file.delta) {
        ++plan.counts.unchanged;
        return;
      }
      if (e.active) absent_active.push_back(e.state_id);
      plan.absent.push_back(AbsentStudent{e.state_id, e.identity_key, e.active});
      return;
    }
    seen[*row] = true;
    if (file.rejected(*row)) {
      ++plan.counts.kept_rejected;
      return;
    }
    if (!row_in_scope(*row)) {
      if (e.active && scope.out_of_scope == OutOfScope::deactivate) {
        leaving.push_back(e.state_id);
      } else {
        ++plan.counts.kept_out_of_scope;
      }
      return;
    }
    if (file_digests.empty()) digest_file();
    if (file_digests[*row] == e.digest) {
      ++plan.counts.unchanged;
      return;
    }
    changed.emplace(e.state_id, *row);
  });
  in_order = {};  // 24 bytes a row, not wanted past the merge

  // New students: accepted rows whose ID the roster does not have yet. Room for all of them
  // at once: a first load of a million must not copy its changes as the vector grows (nor hold
  // the old copy and the new at its peak).
  std::size_t unseen = 0;
  for (StudentTable::Index i = 0; i < file.size(); ++i)
    unseen += seen[i] || file.rejected(i) ? 0 : 1;
  plan.changes.reserve(plan.changes.size() + unseen);
  for (StudentTable::Index i = 0; i < file.size(); ++i) {
    // Accepted rows never share an ID: every row of a repeated ID is rejected.
    if (seen[i] || file.rejected(i)) continue;
    if (scope.opted_out(file.get(i, Field::state_id)) || !row_in_scope(i)) {
      ++plan.counts.out_of_scope;
      continue;
    }
    Change c;
    c.kind = ChangeKind::added;
    c.state_id = std::string(file.get(i, Field::state_id));
    if (skip.any()) {
      c.set_after(without_skipped(file, i, skip, nullptr));
    } else {
      c.set_after(file, i);
    }
    c.changed_fields = static_cast<std::uint16_t>((1u << kFieldCount) - 1);
    c.line = file.line(i);
    plan.changes.push_back(std::move(c));
    ++plan.counts.added;
  }

  // Changed and absent students: read their committed values for the before-image.
  std::vector<std::string> to_fetch = std::move(absent_active);
  for (const auto& [id, row] : changed)
    to_fetch.push_back(id);
  const std::unordered_set<std::string> left(leaving.begin(), leaving.end());
  to_fetch.insert(to_fetch.end(), leaving.begin(), leaving.end());
  // In the store's key order: each read lands next to the one before, in pages already read.
  std::sort(to_fetch.begin(), to_fetch.end());
  plan.changes.reserve(plan.changes.size() + to_fetch.size());
  for (auto& [id, before] : committed.fetch(to_fetch)) {
    Change c;
    c.state_id = id;
    if (const auto it = changed.find(id); it != changed.end()) {
      if (skip.any()) {
        c.set_after(without_skipped(file, it->second, skip, &before));
      } else {
        c.set_after(file, it->second);
      }
      c.line = file.line(it->second);
    } else {
      std::vector<std::string> withdrawn = before;
      withdrawn[field_index(Field::status)].assign(1, 'I');
      c.set_after(std::move(withdrawn));  // (gcc 12 -Wrestrict misfires on = "I")
    }
    const bool was_active = before[field_index(Field::status)] == "A";
    const bool is_active = c.after(field_index(Field::status)) == "A";
    c.kind = was_active && !is_active   ? ChangeKind::deactivated
             : !was_active && is_active ? ChangeKind::reactivated
                                        : ChangeKind::updated;
    c.changed_fields = changed_mask(before, c);
    c.before = std::move(before);
    if (c.changed_fields == 0) {
      // The digest differed but the values do not (a digest from an older normalisation).
      ++plan.counts.unchanged;
      continue;
    }
    if (left.count(id) != 0) c.left_scope = true;
    switch (c.kind) {
      case ChangeKind::deactivated:
        ++(c.left_scope ? plan.counts.left_scope : plan.counts.deactivated);
        break;
      case ChangeKind::reactivated:
        ++plan.counts.reactivated;
        break;
      default:
        ++plan.counts.updated;
        break;
    }
    plan.changes.push_back(std::move(c));
  }
  // Rosters usually come sorted by ID, so the additions often are already: check before sorting.
  // Additions alone from a file in ID order (a first load) are in order: they came in file order.
  const bool only_additions = plan.changes.size() == plan.counts.added;
  if (!(file_sorted && only_additions)) sort_changes_by_id(plan.changes);
  return plan;
}

// The cycles below hold a change aside while they move others: a move that threw would lose it.
static_assert(std::is_nothrow_move_constructible_v<Change> &&
              std::is_nothrow_move_assignable_v<Change>);

void sort_changes_by_id(std::vector<Change>& changes) {
  const auto by_id = [](const Change& a, const Change& b) { return a.state_id < b.state_id; };
  if (std::is_sorted(changes.begin(), changes.end(), by_id)) return;
  if (changes.size() > std::numeric_limits<std::uint32_t>::max()) {
    std::stable_sort(changes.begin(), changes.end(), by_id);
    return;
  }
  std::vector<IdKey> keys = ids_in_order(changes.size(), [&](std::uint32_t i) {
                              return std::string_view(changes[i].state_id);
                            }).keys;
  // Position k takes the change now at keys[k].index: follow each cycle of that permutation,
  // moving every change once. `from` marks a placed position with its own index. Each move
  // reads a change far from the last, so the loop asks for the one kPrefetch steps further
  // along the cycle in advance (0.12 s to 0.08 s at 1M).
  std::vector<std::uint32_t> from(changes.size());
  for (std::size_t k = 0; k < keys.size(); ++k)
    from[k] = keys[k].index;
  keys = {};
  constexpr int kPrefetch = 8;
  const auto prefetch = [&](std::size_t i) {
    const char* p = reinterpret_cast<const char*>(&changes[i]);
    for (std::size_t b = 0; b < sizeof(Change); b += 64)
      __builtin_prefetch(p + b);
  };
  for (std::size_t start = 0; start < changes.size(); ++start) {
    if (from[start] == start) continue;
    std::size_t ahead = from[start];
    for (int d = 0; d < kPrefetch && ahead != start; ++d) {
      prefetch(ahead);
      ahead = from[ahead];
    }
    Change held = std::move(changes[start]);
    std::size_t at = start;
    for (;;) {
      const std::size_t next = from[at];
      from[at] = static_cast<std::uint32_t>(at);
      if (next == start) {
        changes[at] = std::move(held);
        break;
      }
      if (ahead != start) {
        prefetch(ahead);
        ahead = from[ahead];
      }
      changes[at] = std::move(changes[next]);
      at = next;
    }
  }
}

std::array<std::uint32_t, kFieldCount> field_change_counts(const Plan& plan) {
  std::array<std::uint32_t, kFieldCount> n{};
  for (const Change& c : plan.changes) {
    if (c.kind != ChangeKind::updated && c.kind != ChangeKind::reactivated) continue;
    for (std::size_t i = 0; i < kFieldCount; ++i)
      n[i] += (c.changed_fields >> i) & 1U;
  }
  return n;
}

std::uint32_t count_entering(const Plan& plan, const FeedScope& before) {
  std::uint32_t n = 0;
  for (const Change& c : plan.changes) {
    if (c.kind == ChangeKind::added &&
        !before.takes(c.after(field_index(Field::campus)), c.after(field_index(Field::grade))))
      ++n;
  }
  return n;
}

void apply_import_rules(Plan& plan, const ImportRules& rules) {
  if (rules.skip.any()) {
    // A re-key takes the row's values: its skipped fields keep the committed ones.
    for (Change& c : plan.changes) {
      if (c.kind != ChangeKind::rekeyed || !c.before) continue;
      std::vector<std::string> after = c.after_strings();
      for (std::size_t i = 0; i < kFieldCount; ++i) {
        if (rules.skip[i]) after[i] = (*c.before)[i];
      }
      c.set_after(std::move(after));
      c.changed_fields = changed_mask(*c.before, c);
    }
  }
  if (rules.add && rules.update && rules.deactivate) return;
  PlanCounts& n = plan.counts;
  std::vector<Change> kept;
  kept.reserve(plan.changes.size());
  for (Change& c : plan.changes) {
    bool allowed = true;
    switch (c.kind) {
      case ChangeKind::added:
        allowed = rules.add;
        if (!allowed) {
          --n.added;
          ++n.suppressed_added;
        }
        break;
      case ChangeKind::updated:
      case ChangeKind::reactivated:
      case ChangeKind::rekeyed:
        allowed = rules.update;
        if (!allowed) {
          --(c.kind == ChangeKind::updated       ? n.updated
             : c.kind == ChangeKind::reactivated ? n.reactivated
                                                 : n.rekeyed);
          if (c.kind == ChangeKind::rekeyed && n.proposed_rekeys > 0) --n.proposed_rekeys;
          ++n.suppressed_updated;
        }
        break;
      case ChangeKind::deactivated:
        allowed = rules.deactivate;
        if (!allowed) {
          --(c.left_scope ? n.left_scope : n.deactivated);
          ++n.suppressed_deactivated;
        }
        break;
      case ChangeKind::removed:  // an opt-out is never suppressed
        break;
    }
    if (!allowed && c.kind == ChangeKind::rekeyed) {
      // A proposed re-key the rules forbid becomes a possible match for a person to decide.
      for (IdentityAlert& a : plan.alerts) {
        if (a.kind == AlertKind::rekey && a.state_id == c.state_id)
          a.kind = AlertKind::possible_match;
      }
    }
    (allowed ? kept : plan.suppressed).push_back(std::move(c));
  }
  plan.changes = std::move(kept);
  // A person's decision whose change the rules suppressed is not applied: it waits.
  std::unordered_set<std::string_view> suppressed_rows;
  for (const Change& c : plan.suppressed)
    suppressed_rows.insert(c.state_id);
  for (std::size_t i = plan.applied_resolutions.size(); i-- > 0;) {
    if (i < plan.applied_resolution_rows.size() &&
        suppressed_rows.count(plan.applied_resolution_rows[i]) != 0) {
      plan.applied_resolutions.erase(plan.applied_resolutions.begin() +
                                     static_cast<std::ptrdiff_t>(i));
      plan.applied_resolution_rows.erase(plan.applied_resolution_rows.begin() +
                                         static_cast<std::ptrdiff_t>(i));
    }
  }
}

}  // namespace rosterd
