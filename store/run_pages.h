// What the console shows of a run a page at a time: its discrepancies filtered by code,
// severity or student, and its planned changes by kind or state ID, paged so that the first page
// of a run with a million changes reads a few dozen rows, not all of them; and the counts the
// metrics endpoint reports.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/discrepancy.h"
#include "planner/plan.h"
#include "store/run_records.h"
#include "store/sql_db.h"

namespace rosterd {

struct DiscrepancyFilter {
  std::optional<DiscrepancyCode> code;
  std::optional<Severity> severity;
  std::string student_id;  // exact
};

struct ChangeFilter {
  std::optional<ChangeKind> kind;
  std::string state_id_prefix;
  // Only state IDs after this one: the next page of a long list reads its own rows only, where
  // an offset reads every row before it.
  std::string after;
};

// Feed-wide counts for /metrics.
struct FeedCounts {
  std::map<std::string, std::int64_t> runs_by_decision;  // "committed" -> 12, ...
  std::int64_t rows_read = 0;
  std::int64_t rows_rejected = 0;
  std::int64_t held_runs = 0;
  std::int64_t open_alerts = 0;
  std::int64_t outbox_waiting = 0;
  std::optional<std::int64_t> last_committed_at;  // seconds since the epoch
};

class RunPages {
 public:
  // `runs` is not owned.
  RunPages(SqlDb& db, RunRecords& runs) : db_(db), runs_(runs) {}

  // Up to `limit` discrepancies of run `id` from `offset` on, in file order, and how many match.
  std::vector<Discrepancy> discrepancies(std::int64_t id, const DiscrepancyFilter& filter,
                                         std::size_t offset, std::size_t limit,
                                         std::size_t& matching);
  // Up to `limit` changes of run `id` from `offset` on (after filter.after), by state ID; reads
  // offset + limit rows, so deep pages go by `after`. A committed ingest's
  // additions are in the students table (added_run), as RunRecords::changes reads them.
  std::vector<Change> changes(std::int64_t id, const ChangeFilter& filter, std::size_t offset,
                              std::size_t limit);
  std::map<std::string, FeedCounts> feed_counts();

 private:
  SqlDb& db_;
  RunRecords& runs_;
};

}  // namespace rosterd
