// The district's course codes matched to the platform's courses (a feed's reference.courses):
// a section is seen by nobody on the platform until its course is matched to a platform course
// (Summit: "sections synced need to be matched to platform courses"), and one district course
// may be taught as several platform courses, so its code may be on several lines of the map.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/text.h"
#include "validators/reference_table.h"

namespace rosterd {

class CourseMatch {
 public:
  // One line of the map: a district course code and one platform course it is taught as.
  struct MapLine {
    std::string district_code;
    std::string platform_code;
    std::uint32_t line = 0;
  };

  // Checks that every line names a platform course of `table` and that no pair is listed twice;
  // throws ConfigError naming `map_source` and the line otherwise.
  CourseMatch(ReferenceTable table, std::vector<MapLine> map, std::string map_source);

  // Reads the platform's `Code|Name` table and, when given, the `DistrictCode|PlatformCode`
  // map (header rows first). Throws ConfigError ("FILE:LINE: ...").
  static CourseMatch load(const std::filesystem::path& table,
                          const std::optional<std::filesystem::path>& map);

  // The platform courses of a district course code, in the map's order: the map's when it lists
  // the code, else the code itself when the platform has it, else none.
  std::span<const std::string> platform_courses(std::string_view district_code) const;

  const ReferenceTable& table() const { return table_; }

 private:
  ReferenceTable table_;
  std::unordered_map<std::string, std::vector<std::string>, StringHash, std::equal_to<>> matches_;
};

}  // namespace rosterd
