// One committed student as `rosterd student` shows it: the record, and its history across the
// state IDs it had (docs/identity.md).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "planner/plan.h"
#include "store/alert_record.h"

namespace rosterd {

struct StudentRecord {
  std::vector<std::string> values;  // kFieldCount, Field order
  std::string platform_id;          // a go-live link, or ""
  std::int64_t added_run = 0;
  std::int64_t updated_run = 0;
  std::vector<IdChange> earlier_ids;  // newest first
  // Every committed run's change of this student, under any of its IDs, oldest first.
  std::vector<std::pair<std::int64_t, Change>> changes;
};

}  // namespace rosterd
