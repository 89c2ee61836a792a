#include "planner/unsafe_changes.h"

#include "core/text.h"

namespace rosterd {
namespace {

constexpr std::string_view kCampusPrefix = "per_campus.";
constexpr std::string_view kCampusDeactivate = ".max_deactivate_pct";

// The count of `plan` that `c` is one of.
std::uint32_t* count_of(PlanCounts& p, const Change& c) {
  switch (c.kind) {
    case ChangeKind::added:
      return &p.added;
    case ChangeKind::updated:
      return &p.updated;
    case ChangeKind::deactivated:
      return c.left_scope ? &p.left_scope : &p.deactivated;
    case ChangeKind::reactivated:
      return &p.reactivated;
    case ChangeKind::removed:
      return &p.opted_out;
    case ChangeKind::rekeyed:
      return &p.rekeyed;
  }
  return nullptr;
}

}  // namespace

bool UnsafeChanges::holds(const Change& c) const {
  if (whole) return true;
  if (c.kind == ChangeKind::deactivated) {
    if (c.left_scope) return scope_leavers;
    if (withdrawals) return true;
    if (!campus_withdrawals.empty() && c.before) {
      return campus_withdrawals.count((*c.before)[field_index(Field::campus)]) != 0;
    }
    return false;
  }
  return false;
}

UnsafeChanges unsafe_changes(const std::vector<SafeguardTrip>& trips) {
  UnsafeChanges u;
  for (const SafeguardTrip& t : trips) {
    const std::string_view name = t.name;
    if (name == "max_deactivate_pct") {
      u.withdrawals = true;
    } else if (name == "scope_change") {
      u.scope_leavers = true;
    } else if (name.starts_with(kCampusPrefix) && name.ends_with(kCampusDeactivate) &&
               name.size() >= kCampusPrefix.size() + kCampusDeactivate.size()) {
      u.campus_withdrawals.insert(std::string(name.substr(
          kCampusPrefix.size(), name.size() - kCampusPrefix.size() - kCampusDeactivate.size())));
    } else {
      // About the file as a whole: rejected rows, a file cut short (its last row may be torn),
      // a swapped column or a file updating nearly everyone (every row carries the fault,
      // additions too), a re-key, the new year's file.
      u.whole = true;
    }
  }
  return u;
}

SplitChanges split_changes(const Plan& plan, const UnsafeChanges& unsafe) {
  SplitChanges s;
  s.committed_counts = plan.counts;
  s.held_counts.active_before = plan.counts.active_before;
  for (const Change& c : plan.changes) {
    if (!unsafe.holds(c)) {
      s.committed.push_back(c);
      continue;
    }
    std::uint32_t* from = count_of(s.committed_counts, c);
    if (from != nullptr && *from != 0) --*from;
    if (std::uint32_t* to = count_of(s.held_counts, c)) ++*to;
    s.held.push_back(c);
  }
  return s;
}

std::string held_changes_phrase(const PlanCounts& held) {
  std::vector<std::string> parts;
  const auto part = [&](std::uint32_t n, const char* one, const char* many) {
    if (n != 0) parts.push_back(group_thousands(n) + " " + (n == 1 ? one : many));
  };
  part(held.updated, "update", "updates");
  part(held.reactivated, "reactivation", "reactivations");
  part(held.deactivated, "deactivation", "deactivations");
  part(held.left_scope, "deactivation out of scope", "deactivations out of scope");
  if (parts.empty()) return "no changes";
  std::string s = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i)
    s += (i + 1 == parts.size() ? " and " : ", ") + parts[i];
  return s;
}

}  // namespace rosterd
