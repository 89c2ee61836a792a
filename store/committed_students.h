// The committed roster (students): every committed student of every feed, with the digest the
// plan compares and the identity key the matcher looks up; the changes a committed run applies
// to it; and each feed's committed count (committed_count.h), kept in the same transactions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "planner/plan.h"
#include "store/sql_db.h"
#include "store/student_record.h"

namespace rosterd {

class CommittedStudents {
 public:
  // `clock` stamps re-keys.
  CommittedStudents(SqlDb& db, const Clock& clock) : db_(db), clock_(clock) {}
  ~CommittedStudents();

  // The feed's committed roster, as the planner reads it. Its full read (for_each_digest)
  // throws StoreDamagedError when it finds fewer or more students than the feed's count.
  std::unique_ptr<CommittedRoster> roster(const std::string& feed);

  // Every committed student of the feed, sorted by state ID (kFieldCount values, Field order).
  // Throws StoreDamagedError, after the last visit, when fewer or more students were read than
  // the feed has committed (a damaged store), so a caller must not act on a partial result
  // before this returns.
  void for_each(const std::string& feed,
                const std::function<void(const std::vector<std::string>&)>& visit);

  // The committed student now called `state_id`, with the IDs it had before and its changes.
  std::optional<StudentRecord> record(const std::string& feed, const std::string& state_id);

  // One committed student's values (kFieldCount, Field order), if the feed has it.
  std::optional<std::vector<std::string>> values(const std::string& feed, const std::string& id);

  // Applies `changes` as run `run`: updates, additions (in bulk), re-keys (recorded as ID
  // changes), deactivations and opt-out removals (the student and its history go), keeping the
  // feed's count. REQUIRES: inside the run's transaction. Throws StoreError when a re-keyed
  // student is no longer there.
  void apply_changes(const std::string& feed, std::int64_t run, const std::vector<Change>& changes);

  // How many students the feed has committed, by counting them.
  std::int64_t count(const std::string& feed);
  // Whether the feed has committed any student: one look-up, not a count of a million.
  bool any(const std::string& feed);

 private:
  void update_in_bulk(const std::string& feed, std::int64_t run,
                      const std::vector<const Change*>& updates);
  void remove_student(const std::string& feed, const std::string& id);

  SqlDb& db_;
  const Clock& clock_;
  std::unique_ptr<Statement> values_query_;  // prepared once: a rollback reads one a change
};

}  // namespace rosterd
