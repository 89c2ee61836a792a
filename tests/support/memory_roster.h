// A committed roster in memory, for planner tests: what a store's CommittedRoster reads
// (digests, identity keys, values), updated by applying plans.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "planner/plan.h"

namespace rosterd::testing {

class MemoryRoster : public CommittedRoster {
 public:
  void for_each_digest(const std::function<void(const Entry&)>& visit) override;
  std::vector<std::pair<std::string, std::vector<std::string>>> fetch(
      const std::vector<std::string>& ids) override;

  // Adds or replaces a student (kFieldCount values; the state ID first).
  void add(const std::vector<std::string>& values) { students[values[0]] = values; }
  // Every change's values after it (re-keys move the student to its new ID).
  void apply(const Plan& plan);

  std::map<std::string, std::vector<std::string>> students;
};

}  // namespace rosterd::testing
