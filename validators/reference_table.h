// A platform reference table: the codes the platform accepts for grades, campuses or diagnoses.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/text.h"

namespace rosterd {

class ReferenceTable {
 public:
  ReferenceTable() = default;

  // Reads a `Code|Name` file (header row first). Throws ConfigError for a bad file or a code
  // listed twice.
  static ReferenceTable load(const std::filesystem::path& path);

  void add(std::string code, std::string name);
  bool contains(std::string_view code) const { return names_.find(code) != names_.end(); }
  // REQUIRES: contains(code).
  const std::string& name(std::string_view code) const { return names_.find(code)->second; }
  std::size_t size() const { return names_.size(); }
  const std::string& source() const { return source_; }
  const std::unordered_map<std::string, std::string, StringHash, std::equal_to<>>& entries() const {
    return names_;
  }

 private:
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> names_;
  std::string source_;
};

}  // namespace rosterd
