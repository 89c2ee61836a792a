// What a person decides about a run: approve a held run (its after-images applied, as it would
// have committed), reject it, or roll a committed run back (its before-images restored, as a
// run of its own). Each in one transaction.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "store/committed_students.h"
#include "store/run_records.h"
#include "store/sql_db.h"

namespace rosterd {

class RunDecisions {
 public:
  // Neither `runs` nor `students` is owned.
  RunDecisions(SqlDb& db, const Clock& clock, RunRecords& runs, CommittedStudents& students)
      : db_(db), clock_(clock), runs_(runs), students_(students) {}

  // Commits a held run; refused (Error) when it is not held or its base has changed. `who` is
  // recorded as the one who decided.
  void approve(std::int64_t id, const std::string& who);
  // Discards a held run.
  void reject(std::int64_t id, const std::string& who);
  // Restores every student the run touched to its before-image, as a new run; refused when a
  // later committed run touched the same students, unless `force`. Returns the new run's id.
  std::int64_t rollback(std::int64_t id, bool force, const std::string& who);

 private:
  SqlDb& db_;
  const Clock& clock_;
  RunRecords& runs_;
  CommittedStudents& students_;
};

}  // namespace rosterd
