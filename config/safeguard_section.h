// A feed's safeguards in the configuration: `feeds.NAME.policy` (what holds a run) and
// `feeds.NAME.school_year` (the rollover window that weighs a new year's file).
#pragma once

#include <optional>

#include "config/yaml_node.h"
#include "planner/policy.h"
#include "planner/rollover.h"

namespace rosterd {

// Reads `policy:` into `p` (defaults kept for keys left out). Throws ConfigError naming the key
// and its line.
void parse_policy(const YamlNode& n, Policy& p);

// Reads `school_year:`; nullopt when it (or its rollover) is left out. Throws ConfigError.
std::optional<RolloverConfig> parse_rollover(const YamlNode& n);

}  // namespace rosterd
