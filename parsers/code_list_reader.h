// Reads the small two-column files of a feed's cross-match: reference tables (`Code|Name`) and
// code maps (`DistrictCode|PlatformCode`). A header row, then one pair a line, `|`-delimited.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace rosterd {

struct CodePair {
  std::uint32_t line = 0;
  std::string first;   // the code (table) or the district code (map)
  std::string second;  // the name (table) or the platform code (map)
};

// Reads every pair after the header; blank lines are skipped, values trimmed, extra columns
// ignored. Throws rosterd::ConfigError ("FILE:LINE: ...") for a file that cannot be read, an
// empty code, a line with one column, or bytes that are not UTF-8.
std::vector<CodePair> read_code_pairs(const std::filesystem::path& path);

}  // namespace rosterd
