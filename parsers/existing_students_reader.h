// Reads the platform's existing students for go-live reconciliation (`rosterd import-existing`):
// the feed's own layout (delimiter, quoting, column names, date format) plus a column with the
// platform's student ID. Any of the feed's columns may be missing, and state IDs may be blank —
// the platform may never have had them — but every row needs a platform ID, a last name and a
// birth date, or it could never be matched.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/field.h"
#include "parsers/roster_format.h"

namespace rosterd {

struct ExistingRow {
  std::uint32_t line = 0;
  std::string platform_id;
  std::array<std::string, kFieldCount> values;  // birth_date as YYYY-MM-DD; "" when absent
};

// One thing wrong with the file: where and what to do.
struct ExistingProblem {
  std::uint32_t line = 0;  // 0: the file as a whole
  std::string column;
  std::string message;
};

struct ExistingFile {
  std::vector<ExistingRow> rows;
  std::vector<ExistingProblem> problems;  // the import is refused when there is any
};

// Throws rosterd::Error when the file cannot be opened.
ExistingFile read_existing_students(const std::filesystem::path& path, const RosterFormat& format,
                                    const std::string& id_column);

}  // namespace rosterd
