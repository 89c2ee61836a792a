// What a roster file would change in a feed's committed roster.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/student_table.h"
#include "planner/feed_rules.h"
#include "validators/roster_check.h"

namespace rosterd {

// `removed` only comes from a rollback that undoes an addition. `rekeyed`: a committed student
// takes a new state ID (the change's state_id; the old one is before[state_id]), keeping its
// record and history (docs/identity.md).
enum class ChangeKind : std::uint8_t { added, updated, deactivated, reactivated, removed, rekeyed };

std::string_view change_kind_name(ChangeKind kind);
std::optional<ChangeKind> change_kind_from_name(std::string_view name);

// One student the plan changes. `before` is empty for an added student. Its members are
// ordered so that only its last 3 bytes are padding: a first load holds a million of them.
struct Change {
  std::string state_id;
  std::optional<std::vector<std::string>> before;  // kFieldCount values
  // An addition linked to a student the platform had before go-live (import-existing).
  std::string platform_id;
  // The values after the change (kFieldCount, Field order): a row of the checked file's table
  // (which must outlive the change), or a copy in `owned_after`. A plan of a million additions
  // must not copy a million rows; read them with after(i).
  const StudentTable* after_table = nullptr;
  std::shared_ptr<const std::vector<std::string>> owned_after;
  StudentTable::Index after_row = 0;
  // The file line the new values came from (0 for a student absent from the file).
  std::uint32_t line = 0;
  // Bit i set: field i differs between before and after.
  std::uint16_t changed_fields = 0;
  ChangeKind kind = ChangeKind::added;
  bool has_after = false;  // after_table or owned_after holds the values after the change
  // A deactivation because the student's row fell out of the feed's scope, not a withdrawal.
  bool left_scope = false;

  // The values after the change, as views. REQUIRES: has_after.
  StudentValues after_values() const {
    StudentValues v{};
    for (std::size_t i = 0; i < kFieldCount; ++i)
      v[i] = after(i);
    return v;
  }
  // Value i after the change. REQUIRES: has_after.
  std::string_view after(std::size_t i) const {
    return owned_after ? std::string_view((*owned_after)[i])
                       : after_table->get(after_row, static_cast<Field>(i));
  }
  // Asks the CPU for the values after the change ahead of their use: the table's entry
  // (`values` false), then, some changes later, the values (StudentTable::prefetch_values).
  void prefetch_after(bool values) const {
    if (after_table == nullptr || owned_after) return;
    if (values) {
      after_table->prefetch_values(after_row);
    } else {
      after_table->prefetch_entry(after_row);
    }
  }
  // The values after the change are row `row` of `table`, which must outlive the change.
  void set_after(const StudentTable& table, StudentTable::Index row) {
    after_table = &table;
    after_row = row;
    owned_after.reset();
    has_after = true;
  }
  // The values after the change are a copy the change owns.
  void set_after(std::vector<std::string> values);
  std::vector<std::string> after_strings() const;
};

// Bit i set: value i of `before` differs from the change's value i after.
std::uint16_t changed_mask(const std::vector<std::string>& before, const Change& c);

struct PlanCounts {
  std::uint32_t added = 0;
  std::uint32_t updated = 0;
  std::uint32_t deactivated = 0;
  std::uint32_t reactivated = 0;
  std::uint32_t unchanged = 0;
  // Committed students whose row in the file was rejected: kept as they are.
  std::uint32_t kept_rejected = 0;
  // Active students in the committed roster before the run.
  std::uint32_t active_before = 0;
  // Identity (planner/identity_match.h). Students given a new state ID, of them proposed by
  // re-key detection (not decided by a person); rows not added because they may be a committed
  // or existing student (an open alert); students not deactivated while such an alert is open;
  // additions linked to an imported existing student.
  std::uint32_t rekeyed = 0;
  std::uint32_t proposed_rekeys = 0;
  std::uint32_t held_for_review = 0;
  std::uint32_t kept_for_review = 0;
  std::uint32_t linked = 0;
  // Feed rules (planner/feed_rules.h). Rows out of scope (not imported); committed students
  // deactivated, or kept, because their row left the scope; opted-out students removed;
  // changes the import rules suppressed (reported, not made).
  std::uint32_t out_of_scope = 0;
  std::uint32_t left_scope = 0;
  std::uint32_t kept_out_of_scope = 0;
  std::uint32_t opted_out = 0;
  std::uint32_t suppressed_added = 0;
  std::uint32_t suppressed_updated = 0;
  std::uint32_t suppressed_deactivated = 0;
  // Added students whose rows the last committed run's scope left out (a config change).
  std::uint32_t entered_scope = 0;
};

// A committed student absent from the file: a candidate for a new ID's possible match.
struct AbsentStudent {
  std::string state_id;
  std::uint64_t identity_key = 0;  // core/identity_key.h
  bool active = true;
};

struct IdentityAlert;

struct Plan {
  std::vector<Change> changes;  // sorted by state ID
  PlanCounts counts;
  std::vector<AbsentStudent> absent;
  // Filled by match_identities (planner/identity_match.h).
  std::vector<IdentityAlert> alerts;
  std::vector<std::int64_t> applied_resolutions;     // alert ids whose decision this plan applies
  std::vector<std::string> applied_resolution_rows;  // their rows' state IDs, in that order
  std::vector<std::int64_t> reopened_resolutions;    // decisions that no longer apply
  // Changes the feed's import rules suppressed (apply_import_rules): reported, never made.
  std::vector<Change> suppressed;

  Plan();
  Plan(Plan&&) noexcept;
  Plan& operator=(Plan&&) noexcept;
  ~Plan();
};

// The committed roster of a feed, as the planner reads it. A store implements it.
class CommittedRoster {
 public:
  struct Entry {
    std::string state_id;
    std::uint64_t digest = 0;
    bool active = true;
    std::uint64_t identity_key = 0;  // core/identity_key.h
  };
  virtual ~CommittedRoster() = default;
  // Calls `visit` once for every committed student of the feed, in ascending state ID order
  // (byte order).
  virtual void for_each_digest(const std::function<void(const Entry&)>& visit) = 0;
  // The committed values (kFieldCount, in Field order) of each of `ids` that exists.
  virtual std::vector<std::pair<std::string, std::vector<std::string>>> fetch(
      const std::vector<std::string>& ids) = 0;
};

// Compares the checked file with the committed roster. Accepted rows add, update, deactivate
// (status I) or reactivate students; an active committed student absent from the file is
// deactivated (other values kept), unless the file is a delta (check.file.delta), which leaves
// out who did not change; a committed student whose row was rejected is kept as is.
// With `rules`: rows out of scope are not imported, and a committed student whose row is out
// of scope is deactivated (left_scope) or kept, as the scope says; an opted-out student is
// removed (kind `removed`, no values kept); skipped fields are never compared or written (an
// addition leaves them empty, an update keeps them).
// REQUIRES: `check` was made with CheckRun::keep_rows and is not refused.
Plan make_plan(const CheckResult& check, CommittedRoster& committed, const FeedRules& rules = {});

// Sorts `changes` by state ID (byte order, as std::string's operator< compares), equal IDs in
// their present order. A plan is usually in order already (checked first, in one pass); a
// file not sorted by ID (an SIS export by school or name) gives a million additions in file
// order. Sorting those 136-byte changes whole took 0.65 s at 1M (every swap moves their
// strings); this sorts 24-byte keys and then moves each change once.
void sort_changes_by_id(std::vector<Change>& changes);

// For each field, how many students the plan updates (or reactivates) with a new value of it:
// what the field-change safeguards measure (policy.max_field_change_pct).
std::array<std::uint32_t, kFieldCount> field_change_counts(const Plan& plan);

// Additions whose rows the scope `before` would have left out: students a change of the scope
// brings in.
std::uint32_t count_entering(const Plan& plan, const FeedScope& before);

// Moves the changes `rules` forbid from plan.changes to plan.suppressed, with their counts.
// An opt-out removal is never suppressed.
void apply_import_rules(Plan& plan, const ImportRules& rules);

}  // namespace rosterd
