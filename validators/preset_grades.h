// A preset's grade vocabulary joined to a feed's grade table: the map a feed's grades are
// translated through when its format comes from a preset (parsers/format_preset.h).
#pragma once

#include <optional>
#include <vector>

#include "parsers/format_preset.h"
#include "validators/code_map.h"
#include "validators/reference_table.h"

namespace rosterd {

// `district_map` (the feed's own grade map, if any) with each of `words` added that it does not
// already translate and that is no code of `table`: the word maps to the first of its grade's
// aliases (grade_code_aliases) the table has. A word whose grade the table has under no alias is
// left out, so its rows are reported as unknown_grade. The district's entries always win.
CodeMap grade_map_with_words(const std::vector<GradeWord>& words, const ReferenceTable& table,
                             const std::optional<CodeMap>& district_map);

}  // namespace rosterd
