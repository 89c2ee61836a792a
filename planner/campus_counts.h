// A run's counts per campus, so that each school's person finds their part of the report
// (issue "Feed rules").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "planner/identity_match.h"
#include "planner/plan.h"
#include "validators/roster_check.h"

namespace rosterd {

struct CampusCounts {
  std::string campus;  // a platform code; as written for a rejected row; "" when unknown
  std::uint32_t rows = 0;
  std::uint32_t rejected = 0;
  std::uint32_t warned = 0;
  std::uint32_t added = 0;
  std::uint32_t updated = 0;      // updates, reactivations and re-keys
  std::uint32_t deactivated = 0;  // by the file (status I) or absent from it
  std::uint32_t withdrawn = 0;    // of those, absent from the file
  std::uint32_t left_scope = 0;   // deactivated because their rows left the feed's scope
  std::uint32_t alerts = 0;       // identity alerts on the campus's rows
};

// Rows (by the campus of each row that names a state ID), discrepancies, and — with a plan —
// its changes (an addition or update by its new campus, a deactivation by its committed one)
// and alerts. Sorted by campus.
std::vector<CampusCounts> campus_counts(const CheckResult& check, const Plan* plan);

}  // namespace rosterd
