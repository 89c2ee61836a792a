// What a set would change in each kind of the roster beside students (docs/whole-roster.md):
// rows added, updated, deactivated (a row the committed roster has that the set no longer
// lists: a teacher who left, an enrollment that ended) and reactivated, compared by each row's
// key; and the safeguards per kind, so that a set that drops half the enrollments is held even
// when every student is still there.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/entity_kind.h"
#include "planner/committed_kind_rows.h"
#include "planner/decision.h"
#include "planner/policy.h"
#include "validators/kind_check.h"

namespace rosterd {

// `removed`: a rollback took away a row its run added, as the row then was (undone in turn, it
// comes back so: `removed_inactive` when a later run had deactivated it).
enum class KindChangeType : std::uint8_t {
  added,
  updated,
  deactivated,
  reactivated,
  removed,
  removed_inactive
};

std::string_view kind_change_name(KindChangeType t);  // "added", ...
std::optional<KindChangeType> kind_change_from_name(std::string_view name);

// Where a change's image is: a row of the checked file the plan was made from, or of the plan's
// own rows (images read from the store). Indexes, not copies: a first load adds millions.
struct KindImage {
  static constexpr std::uint32_t kNone = UINT32_MAX;
  std::uint32_t row = kNone;
  bool in_file = false;

  bool empty() const { return row == kNone; }
};

struct KindChange {
  KindChangeType type = KindChangeType::added;
  // The row's values: before (none for an addition) and after (for a deactivation, the values
  // it keeps, which are before's).
  KindImage before;
  KindImage after;
};

// A change's image viewed: the row's values in the kind's field order; empty for no image.
class KindRowView {
 public:
  KindRowView() = default;
  KindRowView(const EntityTable* table, EntityTable::Index row) : table_(table), row_(row) {}

  bool empty() const { return table_ == nullptr; }
  std::size_t size() const { return table_ ? table_->fields() : 0; }
  std::string_view operator[](std::size_t field) const { return table_->get(row_, field); }
  std::vector<std::string> values() const;

 private:
  const EntityTable* table_ = nullptr;
  EntityTable::Index row_ = 0;
};

struct KindPlanCounts {
  std::uint32_t added = 0;
  std::uint32_t updated = 0;
  std::uint32_t deactivated = 0;
  std::uint32_t reactivated = 0;
  std::uint32_t unchanged = 0;
  // Committed rows whose row in the set is rejected: kept as they were.
  std::uint32_t kept_rejected = 0;
  // Rows kept as they were because the student they name is not settled by this run: a row
  // of a student the run does not add (held for review, import rules, a held part), or a
  // committed row of a student the run keeps though the file lacks them.
  std::uint32_t kept_for_student = 0;
  // Of `deactivated`, the rows of students the run leaves inactive or without a row (their
  // withdrawal weighed, and decided, on the students): not weighed again by the kind's
  // max_deactivate_pct.
  std::uint32_t left_with_student = 0;
  // Active committed rows before the run.
  std::uint32_t active_before = 0;
};

struct KindPlan {
  EntityKind kind = EntityKind::staff;
  // Additions, updates and reactivations in file order, then deactivations by key.
  std::vector<KindChange> changes;
  KindPlanCounts counts;
  // The checked file's rows the images `in_file` index, borrowed: REQUIRES the KindCheckResult
  // the plan was made from to stay where it is while the plan is read.
  const EntityTable* file_rows = nullptr;
  // The plan's own rows; shared, so that a copied plan reads the same images.
  std::shared_ptr<EntityTable> own_rows;

  KindRowView before(const KindChange& c) const { return view(c.before); }
  KindRowView after(const KindChange& c) const { return view(c.after); }
  KindRowView view(KindImage image) const;

  // Copies `values` (the kind's field order) into the plan's own rows.
  KindImage own(std::span<const std::string_view> values);
  KindImage own(const KindRowView& values);
  KindImage own(const std::vector<std::string>& values);
};

// What a run did to one kind: its file's counts and its plan's (as the store keeps them).
struct KindRunCounts {
  EntityKind kind = EntityKind::staff;
  CheckCounts check;
  KindPlanCounts plan;
};

// One committed row of a kind: its values (the kind's field order) and whether it is active.
struct CommittedKindRow {
  std::vector<std::string> values;
  bool active = true;
};

// A row's key in the store: its key fields' values joined by the unit separator (no accepted
// value holds one), so that a composite key cannot be read two ways.
std::string kind_row_key(EntityKind kind, const std::vector<std::string>& values);
std::string kind_row_key(EntityKind kind, const KindRowView& values);

// Where the run leaves the students, for the rows of other kinds that name one (an
// enrollment's student, a guardian link's).
struct StudentSettlement {
  // Whether the student is in the roster once the run's students' changes apply (active or
  // not): a row naming one who is not waits.
  std::function<bool(std::string_view)> in_roster_after;
  // Whether the student is active once the run's students' changes apply.
  std::function<bool(std::string_view)> active_after;
  // Whether the students' file lists the student (an accepted row).
  std::function<bool(std::string_view)> listed;

  explicit operator bool() const { return in_roster_after && active_after && listed; }
};

// The student a row of `kind` names as a student (an enrollment's person in the student role,
// a guardian link's student), if any.
std::optional<std::string_view> student_named(EntityKind kind,
                                              const std::vector<std::string>& values);

// The plan of one kind: `file`'s accepted rows against `committed`. A rejected row keeps its
// committed row as it was. With `students`, a row naming a student the run leaves out of the
// roster is not taken, and a committed row of a student the run keeps though the file lacks
// them is not deactivated (both kept_for_student): the kinds follow the students' plan.
KindPlan plan_kind(const KindCheckResult& file, const CommittedKindRows& committed,
                   const StudentSettlement& students = {});
// The plan borrows the file's rows (KindPlan::file_rows): never a temporary's.
KindPlan plan_kind(KindCheckResult&& file, const CommittedKindRows& committed,
                   const StudentSettlement& students = {}) = delete;

// The safeguards per kind: `KIND.max_deactivate_pct` (when the kind had active rows),
// `KIND.max_update_pct` (when at least Policy::kChangeLimitFloor rows are updated),
// `KIND.max_reject_pct`, and on a kind's first load `expect.KIND` (`expected`, when set). Each
// limit is the kind's own (policy.KIND.*) or else the feed's for students.
std::vector<SafeguardTrip> kind_trips(const std::vector<KindPlan>& plans,
                                      const std::vector<KindCheckResult>& files,
                                      const Policy& policy,
                                      const std::map<EntityKind, ExpectedCount>& expected);

}  // namespace rosterd
