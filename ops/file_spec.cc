#include "ops/file_spec.h"

#include <algorithm>
#include <map>

#include "core/civil_date.h"
#include "core/discrepancy.h"
#include "core/utf8.h"
#include "parsers/format_preset.h"
#include "parsers/roster_set.h"
#include "pipeline/run_mail.h"

namespace rosterd {
namespace {

std::string meaning_of(Field f) {
  switch (f) {
    case Field::state_id:
      return "Student's state ID";
    case Field::local_id:
      return "Student's ID in the district's SIS";
    case Field::first_name:
      return "Legal first name";
    case Field::middle_name:
      return "Legal middle name";
    case Field::last_name:
      return "Legal last name";
    case Field::birth_date:
      return "Birth date";
    case Field::grade:
      return "Grade level";
    case Field::campus:
      return "School";
    case Field::diagnoses:
      return "Special-education diagnoses";
    case Field::status:
      return "Enrollment status";
    case Field::ela_score:
      return "ELA score";
    case Field::math_score:
      return "Math score";
  }
  return std::string(field_name(f));
}

std::string list_words(const std::vector<std::string>& items, std::string_view last = " or ") {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += i + 1 == items.size() ? std::string(last) : ", ";
    out += items[i];
  }
  return out;
}

std::string date_examples(const RosterFormat& f) {
  const CivilDate example{2015, 2, 4};
  std::vector<std::string> shown{format_date(example, f.date_format) + " (" + f.date_format + ")"};
  for (const std::string& other : f.other_date_formats)
    shown.push_back(format_date(example, other) + " (" + other + ")");
  return "a date, for 4 February 2015: " + list_words(shown);
}

std::optional<FileSpecCodes> codes_of(const std::string& kind,
                                      const std::optional<CodeTranslator>& translator) {
  if (!translator) return std::nullopt;
  FileSpecCodes out;
  out.kind = kind;
  std::map<std::string, std::vector<std::string>> by_code;
  if (translator->map()) {
    for (const auto& [district, entry] : translator->map()->entries())
      by_code[entry.platform_code].push_back(district);
  }
  // Sorted by platform code, each with the table's name for it.
  const std::map<std::string, std::string> codes(translator->table().entries().begin(),
                                                 translator->table().entries().end());
  for (const auto& [code, name] : codes) {
    std::vector<std::string> values = by_code[code];
    std::sort(values.begin(), values.end());
    values.push_back(code);
    out.accepted.emplace_back(name + " (" + code + ")", std::move(values));
  }
  return out;
}

std::string delimiter_words(char d) {
  switch (d) {
    case ',':
      return "a comma";
    case '\t':
      return "a tab";
    case '|':
      return "a vertical bar (|)";
    case ';':
      return "a semicolon";
  }
  return std::string("the character ") + d;
}

std::string schedule_words(const ScheduleConfig& s) {
  if (!s.expect_by) return {};
  static const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                "Thursday", "Friday", "Saturday"};
  std::vector<std::string> days;
  for (std::size_t i = 0; i < 7; ++i)
    if (s.expect_days[i]) days.emplace_back(kDays[i]);
  char time[32];
  std::snprintf(time, sizeof time, "%02d:%02d", *s.expect_by / 60, *s.expect_by % 60);
  return "By " + std::string(time) + " " +
         (s.timezone.empty() ? std::string("(the vendor's server time)") : s.timezone) + " on " +
         (days.size() == 7 ? std::string("every day") : list_words(days, " and ")) +
         "; no file by then sends the district a \"missing file\" alert.";
}

}  // namespace

FileSpec file_spec(const FeedConfig& feed) {
  FileSpec spec;
  spec.feed = feed.name;
  const RosterFormat& f = feed.format;
  const FormatPreset* preset = find_format_preset(f.preset);
  if (preset != nullptr) spec.preset = std::string(preset->title);
  for (Field field : kAllFields) {
    const std::string& header = f.columns[field_index(field)];
    if (header.empty()) continue;
    FileSpecColumn c;
    c.header = header;
    if (preset != nullptr) {
      for (const FormatPreset::FieldSource& from : preset->field_sources) {
        if (from.field != field) continue;
        c.file = from.file;
        c.found_by = from.how;
      }
    }
    c.meaning = meaning_of(field);
    c.required = f.required.test(field_index(field));
    c.may_be_left_out = f.optional_columns.test(field_index(field));
    switch (field) {
      case Field::birth_date:
        c.values = date_examples(f);
        break;
      case Field::grade:
        c.values = feed.reference.grades ? "one of the grade codes below" : "the grade";
        break;
      case Field::campus:
        c.values = feed.reference.campuses ? "one of the school codes below" : "the school's code";
        break;
      case Field::diagnoses:
        c.values = std::string(feed.reference.diagnoses ? "diagnosis codes below" : "codes") +
                   ", separated by '" + std::string(1, f.list_separator) + "'; empty for none";
        break;
      case Field::status:
        c.values = list_words(f.status.active) + " (active) or " +
                   (f.status.inactive.empty() ? std::string("nothing else")
                                              : list_words(f.status.inactive)) +
                   " (inactive); empty means active";
        break;
      case Field::ela_score:
      case Field::math_score: {
        const ScoreRange& r =
            field == Field::ela_score ? feed.checks.ela_score : feed.checks.math_score;
        char range[64];
        std::snprintf(range, sizeof range, "a number from %g to %g", r.min, r.max);
        c.values = range;
        break;
      }
      case Field::state_id: {
        const IdRule& id = feed.checks.state_id;
        c.values = "unique to the student";
        if (id.charset == IdCharset::digits) c.values += ", digits only";
        if (id.charset == IdCharset::alphanumeric) c.values += ", letters and digits only";
        if (id.min_length == id.max_length)
          c.values += ", " + std::to_string(id.min_length) + " characters";
        else if (id.min_length > 1 || id.max_length < 64)
          c.values += ", " + std::to_string(id.min_length) + " to " +
                      std::to_string(id.max_length) + " characters";
        break;
      }
      default:
        break;
    }
    if (preset != nullptr) {
      for (const FormatPreset::FieldSource& from : preset->field_sources)
        if (from.field == field && !from.values.empty()) c.values = from.values;
    }
    spec.columns.push_back(std::move(c));
  }

  spec.file_rules.push_back(
      "One header row naming the columns, then one row per student. The "
      "columns may come in any order; other columns are ignored.");
  spec.file_rules.push_back("Values separated by " + delimiter_words(f.delimiter) + ".");
  spec.file_rules.push_back(f.quote == QuoteMode::double_quote
                                ? "A value holding the separator is wrapped in double quotes, "
                                  "with \"\" for a quote inside it; a value cannot span lines."
                                : "No quoting: no value may hold the separator or a line break.");
  spec.file_rules.push_back(
      std::string("Encoding: ") +
      (f.encoding == Encoding::utf8 ? "UTF-8 (a byte-order mark is fine)" : "windows-1252") +
      ". Lines end with LF or CRLF.");
  spec.file_rules.push_back(
      "Every student the district has, every time: a student missing "
      "from the file is taken as having left.");
  if (preset != nullptr && reads_alone(*preset)) {
    std::vector<std::string> others(preset->other_set_files.begin(), preset->other_set_files.end());
    spec.file_rules.push_back(
        std::string(preset->roster_file) + " alone, or with the layout's other files (" +
        list_words(others, " and ") +
        ") in one delivery: one zip, or files sharing a name prefix (2026-12-04_" +
        std::string(preset->roster_file) + ", 2026-12-04_" + std::string(preset->schools.file) +
        ", ...) delivered together.");
    spec.file_rules.push_back("With " + std::string(preset->schools.file) +
                              ", every student's school must be one of its " +
                              std::string(preset->schools.code_column) +
                              " values, listed once; reports name the school by its " +
                              std::string(preset->schools.name_column) + ".");
  } else if (preset != nullptr && !preset->set_files.empty()) {
    std::vector<std::string> files(preset->set_files.begin(), preset->set_files.end());
    spec.file_rules.push_back(
        "A set of files, every one of them every time: " + list_words(files, " and ") +
        ". A set missing one is refused whole (nothing in it is used). Columns of another file "
        "than " +
        std::string(preset->roster_file) + " say which file they are in.");
    spec.file_rules.push_back(
        "Send the set as one zip, or as files sharing a name prefix "
        "(2026-12-04_users.csv, 2026-12-04_orgs.csv, ...) delivered together.");
  }

  if (auto c = codes_of("Grade", feed.reference.grades)) spec.codes.push_back(std::move(*c));
  if (auto c = codes_of("School", feed.reference.campuses)) spec.codes.push_back(std::move(*c));
  if (auto c = codes_of("Diagnosis", feed.reference.diagnoses)) spec.codes.push_back(std::move(*c));

  const SourceConfig& s = feed.source;
  switch (s.kind) {
    case SourceKind::sftp:
      spec.delivery.push_back("Upload by SFTP to " + s.sftp.host +
                              (s.sftp.port == 22 ? "" : " port " + std::to_string(s.sftp.port)) +
                              ", as user " + s.sftp.user + ", into the folder " + s.sftp.dir + ".");
      break;
    case SourceKind::local:
      spec.delivery.push_back("Deliver into the folder " + s.local_dir.string() +
                              " on the vendor's server.");
      break;
    case SourceKind::none:
      spec.delivery.push_back("No drop is configured: the vendor imports the file by hand.");
      break;
  }
  if (s.kind != SourceKind::none) {
    if (s.pattern != "*") spec.delivery.push_back("Name the file to match " + s.pattern + ".");
    if (!s.folders.empty()) {
      spec.delivery.push_back(
          "Each night's files may also come in a folder of their own, named to match " + s.folders +
          ", directly in that folder.");
    }
    if (s.ready_when == ReadyWhen::marker)
      spec.delivery.push_back(
          "When the file is fully uploaded, upload an empty file of the same name ending in " +
          list_words(s.markers) + " (students.csv" + s.markers.front() +
          "): the file is taken only then.");
    else
      spec.delivery.push_back("The file is taken once it has not changed for " +
                              duration_words(s.stable_for.count()) + ".");
    spec.delivery.push_back("Files over " + std::to_string(s.max_bytes >> 20) +
                            " MiB are not taken.");
  }
  if (const std::string by = schedule_words(feed.schedule); !by.empty())
    spec.delivery.push_back(by);
  return spec;
}

std::string file_spec_text(const FileSpec& spec) {
  std::string out = "What to send for feed " + spec.feed + "\n";
  out += std::string(out.size() - 1, '=') + "\n\n";
  if (!spec.preset.empty()) out += "The layout is " + spec.preset + ", with the columns below.\n\n";
  out += "Columns\n-------\n";
  for (const FileSpecColumn& c : spec.columns) {
    out += "  " + display_safe(c.header) +
           (c.file.empty() ? "" : " (in " + c.file + ", " + c.found_by + ")") + ": " + c.meaning +
           (c.required ? ", required" : ", may be empty") +
           (c.may_be_left_out ? " (the column may be left out)" : "") +
           (c.values.empty() ? "" : "; " + display_safe(c.values)) + ".\n";
  }
  out += "\nThe file\n--------\n";
  for (const std::string& r : spec.file_rules)
    out += "  " + r + "\n";
  for (const FileSpecCodes& k : spec.codes) {
    out += "\n" + k.kind + " codes\n" + std::string(k.kind.size() + 6, '-') + "\n";
    for (const auto& [name, values] : k.accepted) {
      std::vector<std::string> safe;
      for (const std::string& v : values)
        safe.push_back(display_safe(v));
      out += "  " + display_safe(name) + ": " + list_words(safe) + "\n";
    }
  }
  out += "\nDelivery\n--------\n";
  for (const std::string& d : spec.delivery)
    out += "  " + display_safe(d) + "\n";
  return out;
}

std::string file_spec_markdown(const FileSpec& spec) {
  // Table cells: a '|' or a line break would end the cell or the row.
  const auto cell = [](std::string_view v) {
    std::string out;
    for (char c : display_safe(v)) {
      if (c == '|') out += '\\';
      out += c;
    }
    return out;
  };
  const auto code = [&](std::string_view v) { return "`" + cell(v) + "`"; };
  std::string out = "# What to send for feed " + cell(spec.feed) + "\n\n";
  if (!spec.preset.empty()) out += "The layout is " + spec.preset + ", with the columns below.\n\n";
  out += "## Columns\n\n| Column | What | Required | Values |\n|---|---|---|---|\n";
  for (const FileSpecColumn& c : spec.columns) {
    out += "| " + code(c.header) + (c.file.empty() ? "" : " in " + code(c.file)) + " | " +
           c.meaning + (c.found_by.empty() ? "" : " (" + cell(c.found_by) + ")") + " | " +
           (c.required ? "yes" : "no") + (c.may_be_left_out ? " (column optional)" : "") + " | " +
           cell(c.values) + " |\n";
  }
  out += "\n## The file\n\n";
  for (const std::string& r : spec.file_rules)
    out += "- " + cell(r) + "\n";
  for (const FileSpecCodes& k : spec.codes) {
    out += "\n## " + k.kind + " codes\n\n| " + k.kind + " | Send |\n|---|---|\n";
    for (const auto& [name, values] : k.accepted) {
      std::vector<std::string> shown;
      for (const std::string& v : values)
        shown.push_back(code(v));
      out += "| " + cell(name) + " | " + list_words(shown) + " |\n";
    }
  }
  out += "\n## Delivery\n\n";
  for (const std::string& d : spec.delivery)
    out += "- " + cell(d) + "\n";
  return out;
}

}  // namespace rosterd
