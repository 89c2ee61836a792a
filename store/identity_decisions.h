// What people decide about identity (docs/identity.md), over the identity tables
// (identity_tables.h): an open alert resolved as the same student under a new ID or a new
// student, a held run's proposed re-keys rejected, the decisions applied at once as a run of
// their own, and the platform's existing students loaded before go-live.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "planner/identity_match.h"
#include "store/action_log.h"
#include "store/alert_record.h"
#include "store/committed_students.h"
#include "store/run_records.h"
#include "store/sql_db.h"

namespace rosterd {

class IdentityDecisions {
 public:
  // Neither `runs`, `students` nor `actions` is owned. Every decision is recorded in the action
  // log in its own transaction.
  IdentityDecisions(SqlDb& db, const Clock& clock, RunRecords& runs, CommittedStudents& students,
                    ActionLog& actions)
      : db_(db), clock_(clock), runs_(runs), students_(students), actions_(actions) {}

  // Decided alerts not yet applied, candidates of open alerts, and pending existing students.
  IdentityState state(const std::string& feed);
  // The feed's alerts (all feeds when empty), oldest first; only open and decided-but-unapplied
  // ones unless `all`.
  std::vector<AlertRecord> alerts(const std::string& feed, bool all);
  std::optional<AlertRecord> alert(std::int64_t id);
  // Records a person's decision on an open alert: `match` (with `to`, one of its candidates;
  // may be empty when it has one) or create. Throws Error saying why when it cannot be.
  void resolve(std::int64_t id, bool match, const std::string& to, const Actor& by);
  // Rejects held run `run` and marks its proposed re-keys `create` (the next run adds them as
  // new students). Returns how many.
  std::size_t reject_rekeys(std::int64_t run, const Actor& by);
  // Applies the feed's decided alerts now, in one transaction, as a committed run of kind
  // `resolve`; returns its id, or nullopt when nothing was applied. A decision that no longer
  // applies (the old ID is gone, the new one exists) is named in `skipped` and its alert
  // opened again.
  std::optional<std::int64_t> apply(const std::string& feed, const Actor& by,
                                    std::vector<std::string>& skipped);
  // Loads the platform's existing students for go-live reconciliation, replacing an earlier
  // import not yet used. Throws Error when the feed already has committed students.
  std::size_t import_existing(const std::string& feed,
                              const std::vector<ExistingStudent>& students);

 private:
  SqlDb& db_;
  const Clock& clock_;
  RunRecords& runs_;
  CommittedStudents& students_;
  ActionLog& actions_;
};

}  // namespace rosterd
