// rosterd's configuration: one YAML file, validated whole at start-up (conf/rosterd.example.yaml
// documents every key). Relative paths in it resolve against the file's own folder.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "parsers/roster_format.h"
#include "planner/policy.h"
#include "validators/check_options.h"
#include "validators/code_translator.h"

namespace rosterd {

enum class FeedMode { live, test };

struct StoreConfig {
  std::filesystem::path sqlite;
};

struct FeedConfig {
  std::string name;
  FeedMode mode = FeedMode::live;
  RosterFormat format = RosterFormat::default_layout();
  CheckOptions checks;
  ReferenceSet reference;
  Policy policy;
};

struct Config {
  std::filesystem::path file;
  StoreConfig store;
  std::map<std::string, FeedConfig, std::less<>> feeds;

  // The feed called `name`; with an empty name, the only feed when there is just one.
  // Throws UsageError naming the feeds there are.
  const FeedConfig& feed(std::string_view name) const;
};

// Loads and validates the file, its reference tables and code maps. Throws ConfigError with
// "FILE:LINE: key.path: what is wrong. What to do." for the first problem found.
Config load_config(const std::filesystem::path& path);

// The same from YAML text; `display_name` names it in messages and `base_dir` anchors relative
// paths.
Config parse_config(std::string_view yaml, const std::string& display_name,
                    const std::filesystem::path& base_dir);

}  // namespace rosterd
