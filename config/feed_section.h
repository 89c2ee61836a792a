// One feed's section of the configuration (`feeds.NAME`): its format, reference tables and code
// maps, checks, policy, drop, mail lists, schedule, identity rules, scope and import rules.
#pragma once

#include <filesystem>
#include <string>

#include "config/config.h"
#include "config/yaml_node.h"

namespace rosterd {

// Reads and validates `feeds.NAME` (`n`), loading the tables and maps it names (relative paths
// against `base`). `smtp_configured`: whether the top-level smtp section exists, without which a
// feed may name no mail list. Throws ConfigError naming the key and its line.
FeedConfig parse_feed(const std::string& name, const YamlNode& n, const std::filesystem::path& base,
                      bool smtp_configured);

}  // namespace rosterd
