#include "planner/kind_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "core/text.h"
#include "planner/percent.h"

namespace rosterd {
namespace {

// kind_row_key of a row whose values are `values[f]`, f in the kind's field order.
template <typename Row>
std::string row_key(EntityKind kind, const Row& values) {
  std::string key;
  const EntityKindInfo& info = kind_info(kind);
  for (std::size_t i = 0; i < info.key.size(); ++i) {
    if (i != 0) key += '\x1f';
    const std::size_t f = info.key[i];
    if (f < values.size()) key += values[f];
  }
  return key;
}

// A committed row's values, viewed for copying into a plan's own rows.
std::vector<std::string_view> committed_values(const CommittedKindRows& committed,
                                               CommittedKindRows::Index row) {
  std::vector<std::string_view> v(committed.fields());
  for (std::size_t f = 0; f < v.size(); ++f)
    v[f] = committed.get(row, f);
  return v;
}

bool same_values(const CommittedKindRows& committed, CommittedKindRows::Index c,
                 const EntityTable& file, EntityTable::Index r) {
  for (std::size_t f = 0; f < file.fields(); ++f)
    if (committed.get(c, f) != file.get(r, f)) return false;
  return true;
}

}  // namespace

std::vector<std::string> KindRowView::values() const {
  std::vector<std::string> v;
  v.reserve(size());
  for (std::size_t f = 0; f < size(); ++f)
    v.emplace_back((*this)[f]);
  return v;
}

KindRowView KindPlan::view(KindImage image) const {
  if (image.empty()) return {};
  const EntityTable* table = image.in_file ? file_rows : own_rows.get();
  if (table == nullptr || image.row >= table->size())
    throw std::logic_error("a change's image outside its plan's rows");
  return {table, image.row};
}

KindImage KindPlan::own(std::span<const std::string_view> values) {
  if (!own_rows) own_rows = std::make_shared<EntityTable>(kind_info(kind).fields.size());
  return {own_rows->append(values, 0), false};
}

KindImage KindPlan::own(const KindRowView& values) {
  std::vector<std::string_view> v(values.size());
  for (std::size_t f = 0; f < v.size(); ++f)
    v[f] = values[f];
  return own(v);
}

KindImage KindPlan::own(const std::vector<std::string>& values) {
  const std::vector<std::string_view> v(values.begin(), values.end());
  return own(v);
}

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
  return row_key(kind, values);
}

std::string kind_row_key(EntityKind kind, const KindRowView& values) {
  return row_key(kind, values);
}

namespace {

// Where a kind's rows name a student: a field that refers to students, or one that refers to
// people when the row's role field says "student".
struct StudentField {
  std::optional<std::size_t> field;
  std::optional<std::size_t> role;

  explicit StudentField(EntityKind kind) {
    const EntityKindInfo& info = kind_info(kind);
    for (std::size_t f = 0; f < info.fields.size(); ++f) {
      if (info.fields[f].refers_to == Referent::students) {
        field = f;
        return;
      }
      if (info.fields[f].refers_to == Referent::people) {
        const auto r = entity_field(info, "role");
        if (!r) continue;
        field = f;
        role = r;
        return;
      }
    }
  }

  // `get(f)` gives the row's value of field f.
  template <typename Get>
  std::optional<std::string_view> named(const Get& get) const {
    if (!field) return std::nullopt;
    if (role && !iequals(get(*role), "student")) return std::nullopt;
    return get(*field);
  }
};

}  // namespace

std::optional<std::string_view> student_named(EntityKind kind,
                                              const std::vector<std::string>& values) {
  const StudentField at(kind);
  if (!at.field || *at.field >= values.size() || (at.role && *at.role >= values.size()))
    return std::nullopt;
  return at.named([&](std::size_t f) { return std::string_view(values[f]); });
}

KindPlan plan_kind(const KindCheckResult& file, const CommittedKindRows& committed,
                   const StudentSettlement& students) {
  KindPlan plan;
  plan.kind = file.kind;
  plan.file_rows = &file.rows;
  const StudentField at(file.kind);
  for (CommittedKindRows::Index c = 0; c < committed.size(); ++c)
    if (committed.active(c)) ++plan.counts.active_before;
  std::vector<bool> listed(committed.size());  // committed rows the set lists, accepted or not
  for (EntityTable::Index r = 0; r < file.rows.size(); ++r) {
    const std::optional<CommittedKindRows::Index> it = committed.find(file.rows, r);
    if (it) listed[*it] = true;
    if (file.rows.rejected(r)) {
      if (it) ++plan.counts.kept_rejected;
      continue;
    }
    if (students) {
      // A row of a student the run leaves out of the roster waits with the student.
      if (const auto student = at.named([&](std::size_t f) { return file.rows.get(r, f); });
          student && !students.in_roster_after(*student)) {
        ++plan.counts.kept_for_student;
        continue;
      }
    }
    const KindImage in_file{r, true};
    if (!it) {
      ++plan.counts.added;
      plan.changes.push_back({KindChangeType::added, {}, in_file});
    } else if (!committed.active(*it)) {
      ++plan.counts.reactivated;
      plan.changes.push_back(
          {KindChangeType::reactivated, plan.own(committed_values(committed, *it)), in_file});
    } else if (same_values(committed, *it, file.rows, r)) {
      ++plan.counts.unchanged;
    } else {
      ++plan.counts.updated;
      plan.changes.push_back(
          {KindChangeType::updated, plan.own(committed_values(committed, *it)), in_file});
    }
  }
  std::vector<CommittedKindRows::Index> gone;
  for (CommittedKindRows::Index c = 0; c < committed.size(); ++c) {
    if (!committed.active(c) || listed[c]) continue;
    if (students) {
      // A student the run keeps though the file lacks them (a withdrawal held or suppressed)
      // keeps their rows too.
      const auto student = at.named([&](std::size_t f) { return committed.get(c, f); });
      if (student && students.active_after(*student) && !students.listed(*student)) {
        ++plan.counts.kept_for_student;
        continue;
      }
    }
    gone.push_back(c);
  }
  std::sort(gone.begin(), gone.end(), [&](CommittedKindRows::Index a, CommittedKindRows::Index b) {
    return committed.key_less(a, b);
  });
  for (const CommittedKindRows::Index c : gone) {
    ++plan.counts.deactivated;
    if (students) {
      const auto student = at.named([&](std::size_t f) { return committed.get(c, f); });
      if (student && !students.active_after(*student)) ++plan.counts.left_with_student;
    }
    const KindImage image = plan.own(committed_values(committed, c));
    plan.changes.push_back({KindChangeType::deactivated, image, image});
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
