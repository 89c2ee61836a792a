// The cross-match of one kind of code (grades, campuses or diagnoses): a district value is
// translated through the code map first; a value that is not mapped must be a platform code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "validators/code_map.h"
#include "validators/course_match.h"
#include "validators/reference_table.h"

namespace rosterd {

class CodeTranslator {
 public:
  // Checks that every map entry points at a code of `table`; throws ConfigError naming the map
  // file and line otherwise. `kind` ("grade", "campus", "diagnosis") is used in messages.
  CodeTranslator(std::string kind, ReferenceTable table, std::optional<CodeMap> map);

  // The platform code for a district value, or nullopt when the value is unknown.
  std::optional<std::string_view> translate(std::string_view value) const;

  const std::string& kind() const { return kind_; }
  const ReferenceTable& table() const { return table_; }
  const std::optional<CodeMap>& map() const { return map_; }

 private:
  // Every value that translates (map entries first, then table codes), in one open-addressing
  // array: translate() runs for three fields of every row, and two unordered_map lookups showed
  // in profiles.
  struct Slot {
    std::uint64_t hash = 0;
    bool used = false;
    std::string value;
    std::string platform_code;
  };
  void add_slot(const std::string& value, const std::string& platform_code);

  std::string kind_;
  ReferenceTable table_;
  std::optional<CodeMap> map_;
  std::vector<Slot> slots_;
};

// The cross-match of a feed. A kind without a table is not checked: its values pass unchanged.
struct ReferenceSet {
  std::optional<CodeTranslator> grades;
  std::optional<CodeTranslator> campuses;
  std::optional<CodeTranslator> diagnoses;
  // A staff member's role, and an enrollment's role other than student (validators/kind_check.h).
  std::optional<CodeTranslator> staff_roles;
  // A section's course (its platform courses; one it cannot match is only a warning).
  std::optional<CourseMatch> courses;
};

}  // namespace rosterd
