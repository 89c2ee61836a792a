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

  // The longest code a table may list. A student's row keeps up to 32 diagnosis codes, a grade
  // and a campus beside nine values of at most 4,096 bytes each, and must fit a StudentTable
  // row (core/student_table.h, kMaxRowBytes).
  static constexpr std::size_t kMaxCodeBytes = 256;

  // Reads a `Code|Name` file (header row first). Throws ConfigError for a bad file, a code
  // listed twice or a code longer than kMaxCodeBytes.
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
