#include "validators/preset_grades.h"

namespace rosterd {

CodeMap grade_map_with_words(const std::vector<GradeWord>& words, const ReferenceTable& table,
                             const std::optional<CodeMap>& district_map) {
  CodeMap map = district_map ? *district_map : CodeMap();
  for (const GradeWord& w : words) {
    if (map.find(w.word) != nullptr || table.contains(w.word)) continue;
    for (std::string_view alias : grade_code_aliases(w.ceds)) {
      if (!table.contains(alias)) continue;
      map.add(std::string(w.word), std::string(alias));
      break;
    }
  }
  return map;
}

}  // namespace rosterd
