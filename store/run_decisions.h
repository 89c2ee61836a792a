// What a person decides about a run: approve a held run (its after-images applied, as it would
// have committed), reject it, or roll a committed run back (its before-images restored, as a
// run of its own). Each in one transaction.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "store/action_log.h"
#include "store/committed_entities.h"
#include "store/committed_students.h"
#include "store/run_records.h"
#include "store/sql_db.h"

namespace rosterd {

class RunDecisions {
 public:
  // Neither `runs`, `students` nor `actions` is owned.
  RunDecisions(SqlDb& db, const Clock& clock, RunRecords& runs, CommittedStudents& students,
               CommittedEntities& entities, ActionLog& actions)
      : db_(db),
        clock_(clock),
        runs_(runs),
        students_(students),
        entities_(entities),
        actions_(actions) {}

  // Commits a held run; refused (Error) when it is not held or its base has changed. `by` is
  // recorded as the one who decided (runs.decided_by, and the action log in the same
  // transaction).
  void approve(std::int64_t id, const Actor& by);
  // Discards a held run.
  void reject(std::int64_t id, const Actor& by);
  // Restores every student the run touched to its before-image, as a new run; refused when a
  // later committed run touched the same students, unless `force`. Returns the new run's id.
  std::int64_t rollback(std::int64_t id, bool force, const Actor& by);

 private:
  SqlDb& db_;
  const Clock& clock_;
  RunRecords& runs_;
  CommittedStudents& students_;
  CommittedEntities& entities_;
  ActionLog& actions_;
};

}  // namespace rosterd
