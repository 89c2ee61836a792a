// A feed's safeguards in the configuration: `feeds.NAME.policy` (what holds a run) and
// `feeds.NAME.school_year` (the rollover window that weighs a new year's file).
#pragma once

#include <optional>
#include <vector>

#include "config/yaml_node.h"
#include "planner/policy.h"
#include "planner/rollover.h"

namespace rosterd {

// Reads `policy:` into `p` (defaults kept for keys left out). Throws ConfigError naming the key
// and its line.
void parse_policy(const YamlNode& n, Policy& p);

// Reads `school_year:`: its rollover (nullopt when left out) and blackout windows. Throws
// ConfigError.
void parse_school_year(const YamlNode& n, std::optional<RolloverConfig>& rollover,
                       std::vector<YearlyWindow>& blackout);

}  // namespace rosterd
