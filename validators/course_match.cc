#include "validators/course_match.h"

#include <algorithm>

#include "core/error.h"
#include "parsers/code_list_reader.h"

namespace rosterd {

CourseMatch::CourseMatch(ReferenceTable table, std::vector<MapLine> map, std::string map_source)
    : table_(std::move(table)) {
  std::unordered_map<std::string, std::uint32_t> pair_lines;
  for (MapLine& m : map) {
    const std::string where = map_source + ":" + std::to_string(m.line) + ": ";
    if (m.platform_code.empty()) {
      throw ConfigError(where + "district course \"" + m.district_code +
                        "\" maps to an empty platform course.");
    }
    if (!table_.contains(m.platform_code)) {
      throw ConfigError(where + "district course \"" + m.district_code + "\" maps to \"" +
                        m.platform_code + "\", which is not a course of the platform table " +
                        table_.source() + ". Correct the map, or add the course to the table.");
    }
    const auto [it, added] = pair_lines.emplace(m.district_code + '\x1f' + m.platform_code, m.line);
    if (!added) {
      throw ConfigError(where + "district course \"" + m.district_code +
                        "\" is already matched to \"" + m.platform_code + "\" on line " +
                        std::to_string(it->second) + ". Keep one line a pair.");
    }
    matches_[m.district_code].push_back(std::move(m.platform_code));
  }
  // A platform course the district writes as it is matches itself, unless the map says otherwise.
  for (const auto& [code, name] : table_.entries())
    matches_.try_emplace(code, std::vector<std::string>{code});
}

CourseMatch CourseMatch::load(const std::filesystem::path& table,
                              const std::optional<std::filesystem::path>& map) {
  std::vector<MapLine> lines;
  if (map) {
    for (CodePair& p : read_code_pairs(*map))
      lines.push_back({std::move(p.first), std::move(p.second), p.line});
  }
  return CourseMatch(ReferenceTable::load(table), std::move(lines), map ? map->string() : "");
}

std::span<const std::string> CourseMatch::platform_courses(std::string_view district_code) const {
  const auto it = matches_.find(district_code);
  if (it == matches_.end()) return {};
  return it->second;
}

}  // namespace rosterd
