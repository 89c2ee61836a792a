// A feed's safeguards in the configuration: `feeds.NAME.policy` (what holds a run) and
// `feeds.NAME.school_year` (the rollover window that weighs a new year's file) and
// `feeds.NAME.expect` (the counts a district confirmed before its first live set).
#pragma once

#include <map>
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

// Reads `expect:` (`{students: "5200±2%", staff: "340±5%"}`) into `students` (nullopt when left
// out) and `kinds`. Throws ConfigError for a malformed count or a name that is no kind (the
// caller checks that each kind is one the feed takes).
void parse_expect(const YamlNode& n, std::optional<ExpectedCount>& students,
                  std::map<EntityKind, ExpectedCount>& kinds);

}  // namespace rosterd
