// A roster file is written by whoever runs the district's export: any bytes must come out of the
// whole-file check as a result (rows, discrepancies, a refusal), never as a crash. The first
// byte picks the feed's format and whether the cross-match tables are on; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/format_preset.h"
#include "validators/roster_check.h"

namespace {

using namespace rosterd;

ReferenceTable table_of(const std::vector<std::pair<std::string, std::string>>& rows) {
  ReferenceTable t;
  for (const auto& [code, name] : rows)
    t.add(code, name);
  return t;
}

CodeMap map_of(const std::vector<std::pair<std::string, std::string>>& rows) {
  CodeMap m;
  std::uint32_t line = 2;
  for (const auto& [district, platform] : rows)
    m.add(district, platform, line++);
  return m;
}

// The tables of tests/support/roster_generator.cc (write_test_feed), so that rows can pass the
// cross-match and reach the checks after it.
ReferenceSet test_reference() {
  ReferenceSet r;
  r.grades.emplace("grade",
                   table_of({{"PK", "Pre-K"},
                             {"K", "Kindergarten"},
                             {"01", "1"},
                             {"02", "2"},
                             {"03", "3"},
                             {"04", "4"},
                             {"05", "5"},
                             {"06", "6"},
                             {"07", "7"},
                             {"08", "8"},
                             {"09", "9"},
                             {"10", "10"},
                             {"11", "11"},
                             {"12", "12"}}),
                   map_of({{"KG", "K"}, {"1", "01"}, {"2", "02"}, {"3", "03"}, {"5", "05"}}));
  r.campuses.emplace("campus",
                     table_of({{"101", "Lincoln"}, {"102", "Washington"}, {"103", "Roosevelt"}}),
                     map_of({{"LES", "101"}, {"WMS", "102"}, {"RHS", "103"}}));
  r.diagnoses.emplace(
      "diagnosis", table_of({{"AU", "Autism"}, {"OHI", "Other"}, {"SI", "Speech"}, {"SLD", "LD"}}),
      map_of({{"AUT", "AU"}, {"SPL", "SI"}, {"LD", "SLD"}}));
  return r;
}

// One feed's set-up. Held for the process: RowChecker keeps references to format and options.
struct Feed {
  RosterFormat format;
  // Prepended to the input: the reader must skip a UTF-8 byte order mark before the header.
  std::string prefix;
  CheckOptions options;
};

std::vector<Feed> make_feeds() {
  std::vector<Feed> feeds;
  const RosterFormat base = RosterFormat::default_layout();

  feeds.push_back(Feed{base, "", {}});  // pipe, no quoting

  Feed comma{base, "", {}};
  comma.format.delimiter = ',';
  comma.format.quote = QuoteMode::double_quote;
  feeds.push_back(comma);

  Feed tab{base, "", {}};
  tab.format.delimiter = '\t';
  feeds.push_back(tab);

  Feed cp1252{base, "", {}};
  cp1252.format.encoding = Encoding::windows1252;
  cp1252.format.quote = QuoteMode::double_quote;
  feeds.push_back(cp1252);

  feeds.push_back(Feed{base, "\xEF\xBB\xBF", {}});

  Feed dates{base, "", {}};
  dates.format.date_format = "%m/%d/%Y";
  dates.format.delimiter = ';';
  dates.format.list_separator = ',';
  feeds.push_back(dates);

  // Renamed and optional columns, other status words, a strict ID rule and grade ages.
  Feed custom{base, "", {}};
  custom.format.columns[field_index(Field::state_id)] = "ID";
  custom.format.columns[field_index(Field::middle_name)].clear();
  custom.format.optional_columns.set(field_index(Field::middle_name));
  custom.format.optional_columns.set(field_index(Field::diagnoses));
  custom.format.required.set(field_index(Field::status));
  custom.format.status.active = {"Active", "Y"};
  custom.format.status.inactive = {"Inactive", "N"};
  custom.format.date_format = "%d.%m.%Y";
  custom.options.state_id = IdRule{10, 10, IdCharset::digits};
  custom.options.grade_ages = {{"K", 5}, {"05", 10}};
  custom.options.ela_score = ScoreRange{-5, 5};
  feeds.push_back(custom);

  // The single-file presets (parsers/format_preset.h): their columns, date lists with two-digit
  // years, and status words.
  for (const char* preset : {"clever", "sds-classic"})
    feeds.push_back(Feed{find_format_preset(preset)->format, "", {}});
  return feeds;
}

struct Harness {
  std::vector<Feed> feeds = make_feeds();
  ReferenceSet none;
  ReferenceSet tables = test_reference();
  std::vector<RosterReader> readers;
  std::vector<RowChecker> checkers;  // feed i: [2i] without tables, [2i + 1] with them

  Harness() {
    const CivilDate today{2026, 11, 23};
    for (const Feed& f : feeds) {
      readers.emplace_back(f.format);
      checkers.emplace_back(f.format, f.options, none, today);
      checkers.emplace_back(f.format, f.options, tables, today);
    }
  }
};

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Harness h;
  if (size == 0) return 0;
  const std::size_t feed = data[0] % h.feeds.size();
  const bool with_tables = (data[0] / h.feeds.size()) % 2 == 1;
  std::string bytes = h.feeds[feed].prefix;
  bytes.append(reinterpret_cast<const char*>(data + 1), size - 1);

  const CheckResult r = check_roster_bytes(
      h.readers[feed], h.checkers[2 * feed + (with_tables ? 1 : 0)], "roster.txt", bytes);

  // What roster_check.h promises its callers (the plan and the reports rely on it).
  require(r.file.bytes == bytes.size());
  if (r.refused()) {
    require(r.discrepancies.empty() && r.students.empty() && r.counts.rows_read == 0);
    require(is_file_level(r.file.refusal->code));
    return 0;
  }
  require(r.counts.rows_read == r.file.rows);
  require(r.counts.rows_rejected + r.counts.rows_warned <= r.counts.rows_read);
  require(r.students.size() <= r.counts.rows_read);
  for (std::size_t i = 0; i < r.discrepancies.size(); ++i) {
    const Discrepancy& d = r.discrepancies[i];
    require(!is_file_level(d.code) && d.line >= 2);
    if (i > 0) require(r.discrepancies[i - 1].line <= d.line);
  }
  return 0;
}
