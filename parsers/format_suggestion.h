// A feed's format worked out from a sample of the district's file (`rosterd suggest-format`):
// the preset it matches, or the delimiter, quoting, encoding, line ends and date format found
// in the bytes, and each column placed as a rosterd field by its header or its values.
//
// Why a machine does this: a new district's first file usually comes with no spec, and the
// vendor's engineer otherwise reads it by eye, column by column (the "Match Fields" step of
// rostering tools). The result is a starting point that `rosterd check` then proves.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/civil_date.h"
#include "parsers/format_preset.h"
#include "parsers/roster_format.h"

namespace rosterd {

// One column of the file's header and where it went.
struct ColumnPlacement {
  std::string header;
  std::optional<Field> field;  // empty: rosterd does not read the column
  // How it was placed: "by its header", "by its values (dates)"; empty when not placed.
  std::string how;
};

struct FormatSuggestion {
  std::string file;
  RosterFormat format;
  // The preset the header matches (every column the preset needs is there), if any; `format`
  // is then the preset's with what the sample showed to differ.
  const FormatPreset* preset = nullptr;
  std::vector<ColumnPlacement> columns;
  // What was found, one sentence each ("comma-separated, fields in double quotes", "CRLF line
  // ends", "dates as 31/12/2015: day first, as some days are over 12").
  std::vector<std::string> found;
  // What needs a person, one sentence each (a required field with no column, status values
  // that mean neither active nor inactive, day and month that cannot be told apart).
  std::vector<std::string> unsure;
  std::size_t rows_sampled = 0;
  // Set when the sample cannot be a roster at all (empty, binary, UTF-16); nothing else is.
  std::string refusal;
};

// Rows looked at: enough to see dates with a day over 12 and most status values, few enough
// that a million-row file is answered at once.
inline constexpr std::size_t kSuggestionSampleRows = 2000;
// A header with more columns is refused.
inline constexpr std::size_t kMaxSuggestionColumns = 1024;

// Works out the format of `sample`, the first bytes of the file called `name` (the whole file
// when `whole` is true; otherwise its last, possibly cut, line is left out). Two-digit years are
// read against `as_of`.
FormatSuggestion suggest_format(std::string_view name, std::string_view sample, bool whole,
                                CivilDate as_of);

}  // namespace rosterd
