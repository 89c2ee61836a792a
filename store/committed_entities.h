// The committed roster's other kinds (docs/whole-roster.md): a table a kind (roster_staff,
// roster_sections, ...) with a real column a field, so that each `roster_current_KIND` view
// reads plainly; the changes each run made to them (run_kind_changes, with before- and
// after-images: a held run's approval applies the after-images, a rollback the before-images);
// and each run's counts per kind (run_kind_counts). Written inside the run's own transaction, so
// students and every kind change together or not at all.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "planner/kind_plan.h"
#include "store/sql_db.h"
#include "validators/check_counts.h"

namespace rosterd {

// One committed run's change to a row (rosterd record KIND ID).
struct KindRowChange {
  std::int64_t run = 0;
  KindChangeType type = KindChangeType::added;
  std::vector<std::string> before;  // empty for an addition
  std::vector<std::string> after;
  std::optional<std::int64_t> rolled_back_by;  // the rollback that undid the run, if any
};

class CommittedEntities {
 public:
  explicit CommittedEntities(SqlDb& db) : db_(db) {}

  // The feed's committed rows of `kind`, read `page` rows a query. REQUIRES: page > 0.
  CommittedKindRows rows(const std::string& feed, EntityKind kind, std::size_t page = 50000);

  // Each committed row of `kind` (values in the kind's field order, and whether active), sorted
  // by key.
  void for_each(const std::string& feed, EntityKind kind,
                const std::function<void(const std::vector<std::string>&, bool active)>& visit);

  // One committed row, by the values of the kind's key fields in order; nullopt when absent.
  std::optional<CommittedKindRow> row(const std::string& feed, EntityKind kind,
                                      const std::vector<std::string>& key);

  // Applies `plan`'s changes as run `run`. REQUIRES: inside the run's transaction.
  void apply(const std::string& feed, std::int64_t run, const KindPlan& plan);

  // Records run `run`'s counts for each kind, and (`with_changes`: a committed or held run) the
  // plans' changes. REQUIRES: inside the run's transaction.
  void record(std::int64_t run, const std::vector<KindPlan>& plans,
              const std::vector<KindRunCounts>& counts, bool with_changes);

  // Records the discrepancies of each kind's file of run `run` (store/kind_discrepancies.h).
  // REQUIRES: inside the run's transaction.
  void record_discrepancies(std::int64_t run, const std::vector<KindCheckResult>& kinds);

  // The discrepancies recorded for run `run`, each with `kind` (and `kind_field` when a field
  // is concerned), in EntityKind then file order: the first `limit`, and in `total` how many.
  std::vector<Discrepancy> discrepancies(std::int64_t run, std::size_t limit, std::size_t& total);

  // The changes recorded for run `run`, as one plan a kind that has any (in EntityKind order).
  std::vector<KindPlan> recorded(std::int64_t run);

  // Each kind's counts recorded for run `run`, in EntityKind order.
  std::vector<KindRunCounts> counts(std::int64_t run);

  // Undoes run `target`'s recorded changes as run `run` (its before-images restored, its
  // additions removed), recording the undoing as run `run`'s changes. REQUIRES: inside the
  // rollback's transaction.
  void revert(const std::string& feed, std::int64_t run, std::int64_t target);

  // Takes every row of other kinds that names `state_id` as a student (its enrollments as a
  // student, its guardian links), and their recorded images, out of the store: an opted-out
  // student leaves nothing behind. REQUIRES: inside the transaction that removes the student.
  void remove_student(const std::string& feed, const std::string& state_id);

  // Every committed run of `feed` that changed the row of `kind` whose key fields hold `key`
  // (in the key's order), oldest first; a run rolled back says by which rollback.
  std::vector<KindRowChange> history(const std::string& feed, EntityKind kind,
                                     const std::vector<std::string>& key);

  // Later committed runs of `feed` (not rolled back) that changed a row run `target` changed.
  std::vector<std::int64_t> later_changes(const std::string& feed, std::int64_t target);

 private:
  SqlDb& db_;
};

// The migration that creates the kinds' tables and views (SQLite 19, PostgreSQL 14): the fields
// of schema step 0 (core/entity_kind.h).
std::string_view committed_entities_sql();

// The migration that adds sections' platform courses (schema step 1; SQLite 21, PostgreSQL 16).
std::string_view section_platform_courses_sql(SqlDialect dialect);

// The table of `kind`'s committed rows ("roster_staff").
std::string kind_table(EntityKind kind);

}  // namespace rosterd
