// The platform's reference tables and the district's code maps, in the configuration:
// `feeds.NAME.reference` (grades, campuses and diagnoses for students; staff roles and courses
// for the other kinds, docs/whole-roster.md).
#pragma once

#include <filesystem>

#include "config/yaml_node.h"
#include "validators/code_translator.h"
#include "validators/kind_check.h"

namespace rosterd {

// Reads `reference:` (each table and map read and checked now: a map line naming a code the
// table lacks stops rosterd with the file and line). `preset` is the feed's format preset, whose
// grade words join the grade map; `base` the configuration's folder. Throws ConfigError naming
// the key and its line.
ReferenceSet parse_reference(const YamlNode& n, std::string_view preset,
                             const std::filesystem::path& base);

// Refuses a staff role or course table whose kinds the feed does not take: it would check
// nothing. Throws ConfigError naming the key and its line.
void check_reference_kinds(const YamlNode& n, const ReferenceSet& reference,
                           const RosterKinds& kinds);

}  // namespace rosterd
