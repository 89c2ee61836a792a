#include "parsers/format_suggestion.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "core/discrepancy.h"
#include "core/text.h"
#include "core/utf8.h"
#include "parsers/field_splitter.h"
#include "parsers/windows1252.h"

namespace rosterd {
namespace {

// A header reduced to lower-case letters and digits: "Student State ID", "student_state_id"
// and "StudentStateID" are one name.
std::string header_key(std::string_view header) {
  std::string key;
  for (char c : header) {
    if (c >= 'A' && c <= 'Z') key += static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) key += c;
  }
  return key;
}

// Headers districts' exports give each field, as header_key writes them, most telling first.
// rosterd's own default header comes first of all (added where this is read).
const std::array<std::vector<std::string_view>, kFieldCount>& header_names() {
  static const std::array<std::vector<std::string_view>, kFieldCount> names = {{
      {"stateid", "statestudentid", "ssid", "sasid", "stateidnumber", "statestudentidentifier",
       "stateassignedid", "stateassignednumber", "statenumber", "statestudentnumber"},
      {"localid", "localstudentid", "studentlocalid", "studentnumber", "studentid", "sisid",
       "studentsisid", "sourcedid", "idnumber", "id"},
      {"firstname", "legalfirstname", "studentfirstname", "givenname", "fname", "first"},
      {"middlename", "legalmiddlename", "studentmiddlename", "middleinitial", "mname", "middle"},
      {"lastname", "legallastname", "studentlastname", "familyname", "surname", "lname", "last"},
      {"birthdate", "dateofbirth", "dob", "studentbirthdate", "birthday", "bdate", "birthdt"},
      {"grade", "gradelevel", "currentgrade", "studentgrade", "grd", "grades", "yeargroup"},
      {"campus", "campusid", "campuscode", "schoolid", "schoolcode", "schoolsisid", "schoolnumber",
       "school", "building", "buildingcode", "orgsourcedids", "schooldfenumber"},
      {"diagnoses", "diagnosis", "diagnosiscodes", "disabilities", "disability",
       "primarydisability", "disabilitycodes", "spedcodes"},
      {"status", "enrollmentstatus", "enrolmentstatus", "studentstatus", "enrollstatus",
       "enrolstatus", "active"},
      {"elascore", "readingscore", "elascalescore", "ela"},
      {"mathscore", "mathscalescore", "math"},
  }};
  return names;
}

// Status words, compared case-insensitively.
bool means_active(std::string_view v) {
  for (std::string_view w : {"A", "Active", "Enrolled", "E", "Y", "Yes", "1", "True", "Current"})
    if (iequals(v, w)) return true;
  return false;
}
bool means_inactive(std::string_view v) {
  for (std::string_view w : {"I", "Inactive", "W", "Withdrawn", "N", "No", "0", "False", "Dropped",
                             "Left", "Exited", "Graduated", "tobedeleted"})
    if (iequals(v, w)) return true;
  return false;
}

// Date formats districts write, in the order preferred when several read every value: ISO,
// then month first (US SIS exports), then day first.
constexpr std::array<std::string_view, 16> kDateFormats = {
    "%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y",  "%m-%d-%Y", "%Y/%m/%d", "%Y%m%d",
    "%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y",  "%d.%m.%y", "%d-%m-%Y", "%d-%b-%Y",
    "%d-%b-%y", "%d %b %Y", "%b %d, %Y", "%b %d %Y"};

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& i : items)
    out += (out.empty() ? "" : std::string(separator)) + i;
  return out;
}

bool is_day_first(std::string_view format) {
  return format.size() >= 2 && format.substr(0, 2) == "%d";
}

struct DateFormats {
  std::vector<std::string> formats;  // reading every value, in order; empty: none does
  std::string note;                  // how they were chosen, for `found` or `unsure`
  bool sure = true;
};

// The formats (one, or a few tried in order) that read every non-empty value of `values`.
DateFormats date_formats_of(const std::vector<std::string>& values, CivilDate as_of) {
  DateFormats out;
  std::vector<std::string_view> left;
  for (const std::string& v : values)
    if (!v.empty()) left.push_back(v);
  if (left.empty()) return out;
  const std::size_t total = left.size();
  while (!left.empty() && out.formats.size() < 3) {
    std::string_view best;
    std::size_t best_count = 0;
    for (std::string_view f : kDateFormats) {
      std::size_t n = 0;
      for (std::string_view v : left) {
        const DateReading r = read_date(v, f, as_of);
        if (r.date || r.century_unclear) ++n;
      }
      if (n > best_count) {
        best = f;
        best_count = n;
      }
    }
    if (best_count == 0) break;
    out.formats.emplace_back(best);
    std::erase_if(left, [&](std::string_view v) {
      const DateReading r = read_date(v, best, as_of);
      return r.date || r.century_unclear;
    });
  }
  if (out.formats.empty()) {
    out.sure = false;
    out.note = "no date format reads the birth dates (e.g. \"" + std::string(values.front()) +
               "\"): set format.date_format by hand";
    return out;
  }
  if (!left.empty()) {
    out.sure = false;
    out.note = std::to_string(left.size()) + " of " + std::to_string(total) +
               " birth dates fit no date format (e.g. \"" + std::string(left.front()) +
               "\"): they will be reported as invalid_date";
    return out;
  }
  // Month first is preferred when both read every value: say so when day first could be meant.
  bool any_day_first = false;
  for (const std::string& f : out.formats)
    any_day_first = any_day_first || is_day_first(f);
  if (any_day_first) {
    out.note =
        "birth dates are day first (" + out.formats.front() + "): some have a first number over 12";
  } else {
    bool twin_reads_all = true;
    for (const std::string& f : out.formats) {
      std::string twin;
      if (f.size() >= 2 && f.substr(0, 2) == "%m") {
        twin = f;
        twin.replace(0, 2, "%d");
        twin.replace(twin.find("%d", 2), 2, "%m");
      }
      if (twin.empty()) {
        twin_reads_all = false;
        break;
      }
      for (const std::string& v : values) {
        if (v.empty()) continue;
        const DateReading r = read_date(v, twin, as_of);
        if (!r.date && !r.century_unclear && read_date(v, f, as_of).date) {
          twin_reads_all = false;
          break;
        }
      }
    }
    if (twin_reads_all) {
      out.sure = false;
      out.note =
          "every birth date reads both month first and day first (no day over 12 in the "
          "sample): month first (" +
          out.formats.front() + ") is assumed; check one you know";
    } else {
      out.note = "birth dates as " + out.formats.front();
      for (std::size_t i = 1; i < out.formats.size(); ++i)
        out.note += (i + 1 == out.formats.size() ? " and " : ", ") + out.formats[i];
    }
  }
  return out;
}

// The sample's lines, without line ends; the last one is left out when it may be cut.
std::vector<std::string_view> sample_lines(std::string_view text, bool whole) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      if (whole) lines.push_back(text.substr(start));
      break;
    }
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  if (whole && !lines.empty() && !lines.back().empty() && lines.back().back() == '\r')
    lines.back().remove_suffix(1);
  return lines;
}

std::vector<std::string> split_line(std::string_view line, char delimiter, QuoteMode quote) {
  std::string buffer(line);
  std::vector<std::string_view> fields;
  FieldSplitter(delimiter, quote).split(buffer.data(), fields);
  return {fields.begin(), fields.end()};
}

std::string delimiter_words(char d) {
  switch (d) {
    case ',':
      return "comma-separated";
    case '\t':
      return "tab-separated";
    case '|':
      return "separated by |";
    case ';':
      return "semicolon-separated";
  }
  return std::string("separated by ") + d;
}

// The preset whose every needed column the header has; nullptr when none.
const FormatPreset* matching_preset(const std::vector<std::string>& header) {
  for (const FormatPreset& p : format_presets()) {
    bool all = true;
    for (Field f : kAllFields) {
      const std::string& column = p.format.columns[field_index(f)];
      if (column.empty() || p.format.optional_columns.test(field_index(f))) continue;
      all = all && std::any_of(header.begin(), header.end(),
                               [&](const std::string& h) { return iequals(trim(h), column); });
    }
    if (all) return &p;
  }
  return nullptr;
}

}  // namespace

FormatSuggestion suggest_format(std::string_view name, std::string_view sample, bool whole,
                                CivilDate as_of) {
  FormatSuggestion s;
  s.file = std::string(name);
  s.format = RosterFormat::default_layout();
  if (sample.size() >= 2 && ((sample[0] == '\xFF' && sample[1] == '\xFE') ||
                             (sample[0] == '\xFE' && sample[1] == '\xFF'))) {
    s.refusal = "the file is UTF-16 text; export it as UTF-8 (or windows-1252) instead";
    return s;
  }
  if (sample.find('\0') != std::string_view::npos) {
    s.refusal =
        "the file holds NUL bytes: it is binary (a spreadsheet, a zip?), not delimited "
        "text; export it as CSV";
    return s;
  }
  if (sample.substr(0, 3) == "\xEF\xBB\xBF") {
    sample.remove_prefix(3);
    s.found.push_back("a UTF-8 byte-order mark, which rosterd skips");
  }
  if (sample.find('\n') == std::string_view::npos && sample.find('\r') != std::string_view::npos) {
    s.refusal =
        "the file's lines end with a carriage return alone (old Mac line ends); export "
        "it with LF or CRLF line ends";
    return s;
  }
  std::vector<std::string_view> lines = sample_lines(sample, whole);
  std::erase_if(lines, [](std::string_view l) { return trim(l).empty(); });
  if (lines.empty()) {
    s.refusal = "the file has no header row";
    return s;
  }
  const std::size_t crlf = [&] {
    std::size_t n = 0;
    for (std::size_t p = sample.find("\r\n"); p != std::string_view::npos;
         p = sample.find("\r\n", p + 2))
      ++n;
    return n;
  }();
  s.found.push_back(crlf > 0 ? "CRLF line ends (read as they are)" : "LF line ends");

  // Encoding: what is not UTF-8 is taken for windows-1252, the usual other export.
  const bool utf8 =
      is_valid_utf8(sample.substr(0, lines.back().data() + lines.back().size() - sample.data()));
  s.format.encoding = utf8 ? Encoding::utf8 : Encoding::windows1252;
  s.found.push_back(utf8 ? (is_ascii(sample) ? "plain ASCII text (read as UTF-8)" : "UTF-8 text")
                         : "bytes that are not UTF-8: read as windows-1252");
  const auto decode = [&](std::string v) {
    if (utf8) return v;
    std::string out;
    // A byte windows-1252 leaves undefined: shown as \xHH (the check reports it by line).
    if (!append_windows1252_as_utf8(out, v)) return display_safe(v);
    return out;
  };

  // Quoting and delimiter: the candidate that splits the header into the most columns and the
  // rows into as many.
  s.format.quote =
      sample.find('"') != std::string_view::npos ? QuoteMode::double_quote : QuoteMode::none;
  const std::size_t probe = std::min<std::size_t>(lines.size(), 200);
  char best = 0;
  double best_score = 0;
  for (char d : {',', '|', '\t', ';'}) {
    const std::size_t columns = split_line(lines[0], d, s.format.quote).size();
    if (columns < 2) continue;
    std::size_t same = 0;
    for (std::size_t i = 1; i < probe; ++i)
      same += split_line(lines[i], d, s.format.quote).size() == columns;
    const double score =
        (probe > 1 ? static_cast<double>(same) / static_cast<double>(probe - 1) : 1.0) * 1000 +
        static_cast<double>(columns);
    if (score > best_score) {
      best = d;
      best_score = score;
    }
  }
  if (best == 0) {
    s.refusal = "no delimiter (comma, |, tab or ;) splits the header into columns";
    return s;
  }
  s.format.delimiter = best;
  s.found.push_back(delimiter_words(best) + (s.format.quote == QuoteMode::double_quote
                                                 ? ", values in double quotes where needed"
                                                 : ", no quotes"));
  if (best == ';') s.format.list_separator = ',';

  std::vector<std::string> header;
  for (std::string& h : split_line(lines[0], best, s.format.quote))
    header.push_back(decode(std::move(h)));
  // A roster has a few dozen columns; thousands are no roster (and would cost time squared).
  if (header.size() > kMaxSuggestionColumns) {
    s.refusal = "its header has " + std::to_string(header.size()) + " columns, more than the " +
                std::to_string(kMaxSuggestionColumns) + " a roster could have";
    return s;
  }
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = 1; i < lines.size() && rows.size() < kSuggestionSampleRows; ++i) {
    std::vector<std::string> row;
    for (std::string& v : split_line(lines[i], best, s.format.quote))
      row.push_back(decode(std::move(v)));
    rows.push_back(std::move(row));
  }
  s.rows_sampled = rows.size();
  const auto values_of = [&](std::size_t column) {
    std::vector<std::string> v;
    for (const auto& row : rows)
      if (column < row.size()) v.push_back(row[column]);
    return v;
  };

  // Columns by their headers.
  s.columns.resize(header.size());
  std::array<int, kFieldCount> column_of;
  column_of.fill(-1);
  for (std::size_t c = 0; c < header.size(); ++c)
    s.columns[c].header = header[c];
  s.preset = matching_preset(header);
  if (s.preset != nullptr) {
    s.format = s.preset->format;
    s.format.encoding = utf8 ? Encoding::utf8 : Encoding::windows1252;
    s.format.delimiter = best;
    if (s.format.quote == QuoteMode::none && sample.find('"') != std::string_view::npos)
      s.format.quote = QuoteMode::double_quote;
    s.found.push_back("the header of " + std::string(s.preset->title));
    for (Field f : kAllFields) {
      const std::string& column = s.format.columns[field_index(f)];
      if (column.empty()) continue;
      for (std::size_t c = 0; c < header.size(); ++c) {
        if (!iequals(trim(header[c]), column)) continue;
        column_of[field_index(f)] = static_cast<int>(c);
        s.columns[c].field = f;
        s.columns[c].how = "by the preset";
      }
    }
  } else {
    // A header named twice cannot be told apart: neither copy is placed a second time.
    const auto taken = [&](std::size_t c) {
      if (s.columns[c].field) return true;
      for (std::size_t o = 0; o < header.size(); ++o)
        if (o != c && s.columns[o].field && iequals(trim(header[o]), trim(header[c]))) return true;
      return false;
    };
    for (Field f : kAllFields) {
      std::vector<std::string> names{header_key(default_column_name(f))};
      for (std::string_view n : header_names()[field_index(f)])
        names.emplace_back(n);
      for (const std::string& n : names) {
        for (std::size_t c = 0; c < header.size() && column_of[field_index(f)] < 0; ++c) {
          if (header_key(header[c]) != n || taken(c)) continue;
          column_of[field_index(f)] = static_cast<int>(c);
          s.columns[c].field = f;
          s.columns[c].how = "by its header";
        }
      }
    }
    // A birth date column under a header no list knows: the column whose values are dates.
    if (column_of[field_index(Field::birth_date)] < 0) {
      for (std::size_t c = 0; c < header.size(); ++c) {
        if (taken(c)) continue;
        const DateFormats d = date_formats_of(values_of(c), as_of);
        if (d.formats.empty() || !d.sure) continue;
        column_of[field_index(Field::birth_date)] = static_cast<int>(c);
        s.columns[c].field = Field::birth_date;
        s.columns[c].how = "by its values (dates)";
        break;
      }
    }
    for (Field f : kAllFields) {
      const int c = column_of[field_index(f)];
      s.format.columns[field_index(f)] =
          c < 0 ? std::string() : header[static_cast<std::size_t>(c)];
      s.format.optional_columns.set(field_index(f), c < 0);
    }
    // The platform keys students by state ID: without such a column, the district's own ID.
    if (column_of[field_index(Field::state_id)] < 0 &&
        column_of[field_index(Field::local_id)] >= 0) {
      const auto c = static_cast<std::size_t>(column_of[field_index(Field::local_id)]);
      s.format.columns[field_index(Field::state_id)] = header[c];
      s.format.columns[field_index(Field::local_id)].clear();
      s.format.optional_columns.reset(field_index(Field::state_id));
      s.format.optional_columns.set(field_index(Field::local_id));
      column_of[field_index(Field::state_id)] = static_cast<int>(c);
      column_of[field_index(Field::local_id)] = -1;
      s.columns[c].field = Field::state_id;
      s.unsure.push_back("no column reads as a state ID: students are keyed by column \"" +
                         header[c] + "\"; if the file has state IDs, map state_id to their column");
    }
    if (column_of[field_index(Field::state_id)] < 0) {
      // A name no header has, so that the configuration loads and `rosterd check` says which
      // column is missing, rather than a guess that keys students by the wrong column.
      s.format.columns[field_index(Field::state_id)] = "(no student ID column found)";
      s.format.optional_columns.reset(field_index(Field::state_id));
      s.unsure.push_back(
          "no column holds a student ID (state ID, student number, SIS ID): put "
          "its header in columns.state_id");
    }
    s.format.required &= [&] {
      std::bitset<kFieldCount> present;
      for (Field f : kAllFields)
        present.set(field_index(f), column_of[field_index(f)] >= 0);
      return present;
    }();
    for (Field f :
         {Field::first_name, Field::last_name, Field::birth_date, Field::grade, Field::campus}) {
      if (column_of[field_index(f)] < 0)
        s.unsure.push_back("no column for the " + std::string(field_words(f)) +
                           ", which the platform usually needs: map " + std::string(field_name(f)) +
                           " by hand if the file has it");
    }
  }

  for (Field f : kAllFields) {
    const int c = column_of[field_index(f)];
    if (c < 0) continue;
    for (std::size_t o = static_cast<std::size_t>(c) + 1; o < header.size(); ++o) {
      if (!iequals(trim(header[o]), trim(header[static_cast<std::size_t>(c)]))) continue;
      s.unsure.push_back("column \"" + header[o] + "\" appears twice in the header, so the " +
                         std::string(field_words(f)) +
                         " cannot be read from it: rename or remove one in the export");
      break;
    }
  }

  // A state ID column whose values repeat or are mostly empty holds no student's ID (Microsoft's
  // SDS samples put the state's code there): key students by the district's own ID instead.
  if (const int sc = column_of[field_index(Field::state_id)],
      lc = column_of[field_index(Field::local_id)];
      sc >= 0 && lc >= 0 && !rows.empty()) {
    const auto distinct = [&](int column) {
      std::set<std::string> seen;
      std::size_t filled = 0;
      for (const std::string& v : values_of(static_cast<std::size_t>(column))) {
        if (v.empty()) continue;
        ++filled;
        seen.insert(v);
      }
      return std::pair{seen.size(), filled};
    };
    const auto [state_distinct, state_filled] = distinct(sc);
    const auto [local_distinct, local_filled] = distinct(lc);
    const bool state_poor = state_distinct * 10 < rows.size() * 9;
    const bool local_good = local_filled == rows.size() && local_distinct == rows.size();
    if (state_poor && local_good) {
      const auto s_col = static_cast<std::size_t>(sc), l_col = static_cast<std::size_t>(lc);
      s.unsure.push_back("column \"" + header[s_col] + "\" has " + std::to_string(state_distinct) +
                         (state_distinct == 1 ? " distinct value in " : " distinct values in ") +
                         std::to_string(rows.size()) +
                         " rows, so it holds no student's ID: students are keyed by column \"" +
                         header[l_col] +
                         "\" instead; map state_id back once the file carries state IDs");
      s.format.columns[field_index(Field::state_id)] = header[l_col];
      s.format.columns[field_index(Field::local_id)].clear();
      s.format.optional_columns.set(field_index(Field::local_id));
      s.columns[l_col].field = Field::state_id;
      s.columns[s_col].field.reset();
      s.columns[s_col].how.clear();
      column_of[field_index(Field::state_id)] = lc;
      column_of[field_index(Field::local_id)] = -1;
    }
  }

  // Dates, from the birth date column's values.
  if (const int c = column_of[field_index(Field::birth_date)]; c >= 0) {
    const DateFormats d = date_formats_of(values_of(static_cast<std::size_t>(c)), as_of);
    bool preset_reads_all = s.preset != nullptr;
    if (preset_reads_all) {
      for (const std::string& v : values_of(static_cast<std::size_t>(c))) {
        if (v.empty()) continue;
        bool read = read_date(v, s.format.date_format, as_of).date.has_value();
        for (const std::string& f : s.format.other_date_formats)
          read = read || read_date(v, f, as_of).date.has_value();
        preset_reads_all = preset_reads_all && read;
      }
    }
    if (!preset_reads_all && !d.formats.empty()) {
      s.format.date_format = d.formats.front();
      s.format.other_date_formats.assign(d.formats.begin() + 1, d.formats.end());
    }
    if (!d.note.empty() && !preset_reads_all) (d.sure ? s.found : s.unsure).push_back(d.note);
  }

  // Status values.
  if (const int c = column_of[field_index(Field::status)]; c >= 0) {
    std::set<std::string> active, inactive, unknown;
    for (const std::string& v : values_of(static_cast<std::size_t>(c))) {
      if (v.empty()) continue;
      if (means_active(v))
        active.insert(v);
      else if (means_inactive(v))
        inactive.insert(v);
      else
        unknown.insert(v);
    }
    const auto known = [](const std::vector<std::string>& list, const std::string& v) {
      return std::any_of(list.begin(), list.end(),
                         [&](const std::string& x) { return iequals(x, v); });
    };
    bool all_known = true;
    for (const std::string& v : active)
      all_known = all_known && known(s.format.status.active, v);
    for (const std::string& v : inactive)
      all_known = all_known && known(s.format.status.inactive, v);
    if (!all_known && !active.empty()) {
      s.format.status.active.assign(active.begin(), active.end());
      s.format.status.inactive.assign(inactive.begin(), inactive.end());
      s.found.push_back("status values " + join(s.format.status.active, ", ") + " (active)" +
                        (inactive.empty()
                             ? std::string()
                             : " and " + join(s.format.status.inactive, ", ") + " (inactive)"));
    }
    if (!unknown.empty())
      s.unsure.push_back("status values that mean neither active nor inactive: " +
                         join(std::vector<std::string>(unknown.begin(), unknown.end()), ", ") +
                         ": add each under format.status_values");
  }

  // The diagnoses list: another separator than the default, if the values show one.
  if (const int c = column_of[field_index(Field::diagnoses)]; c >= 0) {
    for (const std::string& v : values_of(static_cast<std::size_t>(c))) {
      if (v.find(s.format.list_separator) != std::string::npos) break;
      for (char sep : {',', ';', '/', '|'}) {
        if (sep == s.format.delimiter || v.find(sep) == std::string::npos) continue;
        s.format.list_separator = sep;
        break;
      }
      if (s.format.list_separator != ';') break;
    }
  }
  return s;
}

}  // namespace rosterd
