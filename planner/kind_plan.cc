#include "planner/kind_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_set>

#include "core/text.h"
#include "planner/percent.h"

namespace rosterd {
namespace {

std::vector<std::string> row_values(const EntityTable& t, EntityTable::Index row) {
  std::vector<std::string> v;
  v.reserve(t.fields());
  for (std::size_t f = 0; f < t.fields(); ++f)
    v.emplace_back(t.get(row, f));
  return v;
}

}  // namespace

std::string_view kind_change_name(KindChangeType t) {
  switch (t) {
    case KindChangeType::added:
      return "added";
    case KindChangeType::updated:
      return "updated";
    case KindChangeType::deactivated:
      return "deactivated";
    case KindChangeType::reactivated:
      return "reactivated";
    case KindChangeType::removed:
      return "removed";
    case KindChangeType::removed_inactive:
      return "removed_inactive";
  }
  return "added";
}

std::optional<KindChangeType> kind_change_from_name(std::string_view name) {
  for (KindChangeType t :
       {KindChangeType::added, KindChangeType::updated, KindChangeType::deactivated,
        KindChangeType::reactivated, KindChangeType::removed, KindChangeType::removed_inactive}) {
    if (kind_change_name(t) == name) return t;
  }
  return std::nullopt;
}

std::string kind_row_key(EntityKind kind, const std::vector<std::string>& values) {
  std::string key;
  const EntityKindInfo& info = kind_info(kind);
  for (std::size_t i = 0; i < info.key.size(); ++i) {
    if (i != 0) key += '\x1f';
    const std::size_t f = info.key[i];
    if (f < values.size()) key += values[f];
  }
  return key;
}

std::optional<std::string_view> student_named(EntityKind kind,
                                              const std::vector<std::string>& values) {
  const EntityKindInfo& info = kind_info(kind);
  for (std::size_t f = 0; f < info.fields.size() && f < values.size(); ++f) {
    if (info.fields[f].refers_to == Referent::students) return values[f];
    if (info.fields[f].refers_to == Referent::people) {
      const auto role = entity_field(info, "role");
      if (role && *role < values.size() && iequals(values[*role], "student")) return values[f];
    }
  }
  return std::nullopt;
}

KindPlan plan_kind(const KindCheckResult& file, const CommittedKindRows& committed,
                   const StudentSettlement& students) {
  KindPlan plan;
  plan.kind = file.kind;
  for (const auto& [key, row] : committed)
    if (row.active) ++plan.counts.active_before;
  std::unordered_set<std::string> listed;  // keys the set lists, accepted or rejected
  listed.reserve(file.rows.size());
  for (EntityTable::Index r = 0; r < file.rows.size(); ++r) {
    std::vector<std::string> values = row_values(file.rows, r);
    std::string key = kind_row_key(file.kind, values);
    const auto it = committed.find(key);
    listed.insert(std::move(key));
    if (file.rows.rejected(r)) {
      if (it != committed.end()) ++plan.counts.kept_rejected;
      continue;
    }
    if (students) {
      // A row of a student the run leaves out of the roster waits with the student.
      if (const auto student = student_named(file.kind, values);
          student && !students.in_roster_after(*student)) {
        ++plan.counts.kept_for_student;
        continue;
      }
    }
    if (it == committed.end()) {
      ++plan.counts.added;
      plan.changes.push_back({KindChangeType::added, {}, std::move(values)});
    } else if (!it->second.active) {
      ++plan.counts.reactivated;
      plan.changes.push_back({KindChangeType::reactivated, it->second.values, std::move(values)});
    } else if (it->second.values == values) {
      ++plan.counts.unchanged;
    } else {
      ++plan.counts.updated;
      plan.changes.push_back({KindChangeType::updated, it->second.values, std::move(values)});
    }
  }
  std::vector<const std::pair<const std::string, CommittedKindRow>*> gone;
  for (const auto& entry : committed) {
    if (!entry.second.active || listed.contains(entry.first)) continue;
    if (students) {
      // A student the run keeps though the file lacks them (a withdrawal held or suppressed)
      // keeps their rows too.
      const auto student = student_named(file.kind, entry.second.values);
      if (student && students.active_after(*student) && !students.listed(*student)) {
        ++plan.counts.kept_for_student;
        continue;
      }
    }
    gone.push_back(&entry);
  }
  std::sort(gone.begin(), gone.end(),
            [](const auto* a, const auto* b) { return a->first < b->first; });
  for (const auto* entry : gone) {
    ++plan.counts.deactivated;
    if (students) {
      const auto student = student_named(file.kind, entry->second.values);
      if (student && !students.active_after(*student)) ++plan.counts.left_with_student;
    }
    plan.changes.push_back(
        {KindChangeType::deactivated, entry->second.values, entry->second.values});
  }
  return plan;
}

std::vector<SafeguardTrip> kind_trips(const std::vector<KindPlan>& plans,
                                      const std::vector<KindCheckResult>& files,
                                      const Policy& policy,
                                      const std::map<EntityKind, ExpectedCount>& expected) {
  std::vector<SafeguardTrip> trips;
  for (const KindPlan& plan : plans) {
    const std::string name(kind_info(plan.kind).name);
    const KindPolicy& own = policy.kinds[static_cast<std::size_t>(plan.kind)];
    const KindPlanCounts& c = plan.counts;
    for (const KindCheckResult& f : files) {
      if (f.kind != plan.kind) continue;
      const double limit = own.max_reject_pct.value_or(policy.max_reject_pct);
      const double rejected = pct(f.counts.rows_rejected, f.counts.rows_read);
      if (over(rejected, limit)) {
        trips.push_back({name + ".max_reject_pct", limit, rejected,
                         group_thousands(f.counts.rows_rejected) + " of " +
                             group_thousands(f.counts.rows_read) + " rows of the " + name +
                             " file are rejected (" + fmt_pct(rejected) + ")"});
      }
    }
    if (c.active_before > 0 && c.updated >= Policy::kChangeLimitFloor) {
      // A file that updates nearly every row of a kind is another kind of file: a swapped
      // pair of columns, contact values all refused and dropped.
      const double limit = own.max_update_pct.value_or(policy.max_update_pct);
      const double updated = pct(c.updated, c.active_before);
      if (over(updated, limit)) {
        trips.push_back({name + ".max_update_pct", limit, updated,
                         group_thousands(c.updated) + " of " + group_thousands(c.active_before) +
                             " active " + name + " rows would be updated (" + fmt_pct(updated) +
                             ")"});
      }
    }
    if (c.active_before > 0) {
      const double limit = own.max_deactivate_pct.value_or(policy.max_deactivate_pct);
      const std::uint32_t weighed = c.deactivated - c.left_with_student;
      const double gone = pct(weighed, c.active_before);
      if (over(gone, limit)) {
        const std::string besides =
            c.left_with_student == 0
                ? ""
                : " besides the " + group_thousands(c.left_with_student) + " of students who left";
        trips.push_back({name + ".max_deactivate_pct", limit, gone,
                         group_thousands(weighed) + " of " + group_thousands(c.active_before) +
                             " active " + name + " rows would be deactivated" + besides + " (" +
                             fmt_pct(gone) + ")"});
      }
    } else if (const auto e = expected.find(plan.kind); e != expected.end()) {
      const ExpectedCount& want = e->second;
      const std::uint32_t added = c.added + c.reactivated;
      if (added < want.low() || added > want.high()) {
        const double off = 100.0 * std::abs(static_cast<double>(added) - want.count) / want.count;
        char within[32];
        std::snprintf(within, sizeof within, "%g", want.within_pct());
        const std::string range = want.low() != want.high() ? group_thousands(want.low()) + " to " +
                                                                  group_thousands(want.high())
                                                            : group_thousands(want.count);
        trips.push_back({"expect." + name, want.within_pct(), off,
                         "the first set adds " + group_thousands(added) + " " + name +
                             " rows, outside the " + range + " the district confirmed (" +
                             group_thousands(want.count) + " ±" + within + "%)"});
      }
    }
  }
  return trips;
}

}  // namespace rosterd
