// A district-to-platform code map: translates the codes a district's SIS uses ("1", "KG",
// "HS-North") to the platform's ("01", "K", "102").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/text.h"

namespace rosterd {

class CodeMap {
 public:
  struct Entry {
    std::string platform_code;
    std::uint32_t line = 0;  // in the map file, for configuration errors
  };

  CodeMap() = default;

  // Reads a `DistrictCode|PlatformCode` file (header row first). Throws ConfigError for a bad
  // file or a district code mapped twice.
  static CodeMap load(const std::filesystem::path& path);

  void add(std::string district_code, std::string platform_code, std::uint32_t line = 0);
  const Entry* find(std::string_view district_code) const;
  const std::unordered_map<std::string, Entry, StringHash, std::equal_to<>>& entries() const {
    return entries_;
  }
  const std::string& source() const { return source_; }

 private:
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> entries_;
  std::string source_;
};

}  // namespace rosterd
