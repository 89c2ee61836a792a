#include "parsers/existing_students_reader.h"

#include <fstream>
#include <optional>
#include <unordered_map>

#include "core/civil_date.h"
#include "core/error.h"
#include "core/text.h"
#include "core/utf8.h"
#include "parsers/field_splitter.h"

namespace rosterd {

ExistingFile read_existing_students(const std::filesystem::path& path, const RosterFormat& format,
                                    const std::string& id_column) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open " + path.string() + ": check the path and its permissions.");
  ExistingFile out;
  const auto problem = [&](std::uint32_t line, const std::string& column, std::string msg) {
    if (out.problems.size() < 1000) out.problems.push_back({line, column, std::move(msg)});
  };
  const FieldSplitter splitter(format.delimiter, format.quote);
  std::string line;
  std::vector<std::string_view> fields;
  std::uint32_t number = 0;
  std::optional<std::size_t> id_at;
  std::array<std::optional<std::size_t>, kFieldCount> at{};
  std::size_t columns = 0;
  std::unordered_map<std::string, std::uint32_t> seen;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 && line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    if (trim(line).empty()) continue;
    if (!is_valid_utf8(line)) {
      problem(number, "", "is not valid UTF-8: export the file as UTF-8.");
      continue;
    }
    const SplitResult split = splitter.split(line.data(), fields);
    if (split.broken_field) {
      problem(number, "",
              "has a broken quoted field (field " + std::to_string(*split.broken_field + 1) + ").");
      continue;
    }
    if (!id_at) {
      columns = fields.size();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (iequals(fields[i], id_column)) id_at = i;
        for (std::size_t f = 0; f < kFieldCount; ++f) {
          if (iequals(fields[i], format.columns[f])) at[f] = i;
        }
      }
      if (!id_at) {
        problem(number, id_column,
                "the header has no " + id_column +
                    " column (the platform's student ID; identity.existing_id_column names it).");
      }
      for (Field f : {Field::last_name, Field::first_name, Field::birth_date}) {
        if (!at[field_index(f)]) {
          problem(number, format.columns[field_index(f)],
                  "the header has no " + format.columns[field_index(f)] +
                      " column: students are matched by name and birth date.");
        }
      }
      if (!out.problems.empty()) return out;
      continue;
    }
    if (fields.size() != columns) {
      problem(number, "",
              "has " + std::to_string(fields.size()) + " fields, the header " +
                  std::to_string(columns) + ".");
      continue;
    }
    ExistingRow row;
    row.line = number;
    row.platform_id = std::string(fields[*id_at]);
    for (std::size_t f = 0; f < kFieldCount; ++f) {
      if (at[f]) row.values[f] = std::string(fields[*at[f]]);
    }
    if (row.platform_id.empty()) {
      problem(number, id_column, "is empty: every existing student needs the platform's ID.");
      continue;
    }
    if (const auto [it, fresh] = seen.emplace(row.platform_id, number); !fresh) {
      problem(number, id_column,
              "repeats " + row.platform_id + " (line " + std::to_string(it->second) +
                  "): each existing student once.");
      continue;
    }
    std::string& dob = row.values[field_index(Field::birth_date)];
    if (row.values[field_index(Field::last_name)].empty()) {
      problem(number, format.columns[field_index(Field::last_name)], "is empty.");
      continue;
    }
    auto date = read_date(dob, format.date_format, today_utc()).date;
    for (std::size_t i = 0; !date && i < format.other_date_formats.size(); ++i)
      date = read_date(dob, format.other_date_formats[i], today_utc()).date;
    if (!date) {
      problem(number, format.columns[field_index(Field::birth_date)],
              "has \"" + display_safe(dob) + "\", not a date in the feed's format " +
                  format.date_format + ".");
      continue;
    }
    dob = to_iso(*date);
    out.rows.push_back(std::move(row));
  }
  if (!id_at && out.problems.empty()) problem(0, "", "is empty: it needs a header row.");
  return out;
}

}  // namespace rosterd
