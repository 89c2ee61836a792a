// `rosterd suggest-format`: a feed's `format:` worked out from the district's files
// (parsers/format_suggestion.h), written as the YAML block to paste into the configuration.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/civil_date.h"
#include "parsers/format_suggestion.h"

namespace rosterd {

// How much of a file is looked at: the whole of a smaller file.
inline constexpr std::size_t kSuggestionSampleBytes = 4u << 20;

// Reads the start of each file and works out its format; a folder stands for the files in it.
// Files that make a set preset's whole set (OneRoster's manifest.csv, users.csv, orgs.csv,
// demographics.csv) give one suggestion, that preset. Throws Error naming a file that cannot be
// opened or is not a regular file.
std::vector<FormatSuggestion> suggest_formats(const std::vector<std::filesystem::path>& files,
                                              CivilDate as_of);

// The suggestion as comments (what was found, what needs a person) and a `format:` block
// indented as under `feeds.NAME:` in rosterd.yaml; a preset's block holds only what differs
// from the preset. A refused file gives comments only.
std::string suggested_format_yaml(const FormatSuggestion& s);

}  // namespace rosterd
