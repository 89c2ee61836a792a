#include "core/discrepancy.h"

#include <array>

#include "core/utf8.h"

namespace rosterd {
namespace {

struct CodeInfo {
  std::string_view name;
  Severity severity;
  bool file_level;
};

constexpr std::array<CodeInfo, kDiscrepancyCodeCount> kCodes = {{
    {"empty_file", Severity::error, true},
    {"missing_column", Severity::error, true},
    {"duplicate_column", Severity::error, true},
    {"unreadable", Severity::error, true},
    {"column_count", Severity::error, false},
    {"bad_quote", Severity::error, false},
    {"missing_required", Severity::error, false},
    {"invalid_date", Severity::error, false},
    {"invalid_id", Severity::error, false},
    {"field_too_long", Severity::error, false},
    {"unknown_grade", Severity::error, false},
    {"unknown_campus", Severity::error, false},
    {"unknown_diagnosis", Severity::error, false},
    {"invalid_status", Severity::error, false},
    {"duplicate_id", Severity::error, false},
    {"encoding", Severity::error, false},
    {"implausible_birth_date", Severity::warning, false},
    {"invalid_score", Severity::warning, false},
    {"same_person_two_ids", Severity::warning, false},
}};

const CodeInfo& info(DiscrepancyCode code) {
  const auto i = static_cast<std::size_t>(code);
  return i < kCodes.size() ? kCodes[i]
                           : kCodes[static_cast<std::size_t>(DiscrepancyCode::unreadable)];
}

}  // namespace

std::string_view code_name(DiscrepancyCode code) {
  return info(code).name;
}

std::optional<DiscrepancyCode> code_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kCodes.size(); ++i) {
    if (kCodes[i].name == name) return static_cast<DiscrepancyCode>(i);
  }
  return std::nullopt;
}

Severity code_severity(DiscrepancyCode code) {
  return info(code).severity;
}
bool is_file_level(DiscrepancyCode code) {
  return info(code).file_level;
}
std::string_view severity_name(Severity s) {
  return s == Severity::error ? "error" : "warning";
}

std::string discrepancy_message(const Discrepancy& d) {
  const std::string field = d.field ? std::string(field_name(*d.field)) : std::string("the row");
  const std::string value = "\"" + display_safe(d.value) + "\"";
  using C = DiscrepancyCode;
  switch (d.code) {
    case C::empty_file:
      return "The file has no header row and no students" + d.detail +
             ". Check that the export ran to the end and wrote the whole file.";
    case C::missing_column:
      if (d.detail.find(kLikelyCause) != std::string::npos)
        return "The header has no column " + value + " for field " + field + d.detail + ".";
      return "The header has no column " + value + " for field " + field + d.detail +
             ". Add the column to the export, or map the field to its header under format.columns.";
    case C::duplicate_column:
      return "The column " + value + " (field " + field +
             ") appears more than once in the header, so it is not clear which to read. Remove "
             "the extra column from the export.";
    case C::unreadable:
      if (d.detail.find(kLikelyCause) != std::string::npos)
        return "The file cannot be read as a roster: " + d.detail + ".";
      return "The file cannot be read as a roster: " + d.detail +
             ". Export it again as delimited plain text (UTF-8 or windows-1252).";
    case C::column_count:
      return "The row has " + d.detail +
             ". Check for a missing or extra delimiter, or a delimiter inside a value that is not "
             "quoted.";
    case C::bad_quote:
      return "A quoted value in " + field +
             " is not closed, or has text after its closing quote. Fix the quotes in this row.";
    case C::missing_required:
      return "Field " + field +
             " is required but empty. Fill it in the student information system.";
    case C::invalid_date:
      return "Field " + field + " has " + value + ", which is not a real date in the format " +
             d.detail + ". Correct the date, or the feed's format.date_format.";
    case C::invalid_id:
      return "Field " + field + " has " + value + ", which is not a valid ID: " + d.detail +
             ". Correct the ID in the student information system.";
    case C::field_too_long:
      return "Field " + field + " is too long (" + d.detail +
             "). Check for a missing line break or delimiter.";
    case C::unknown_grade:
    case C::unknown_campus:
    case C::unknown_diagnosis: {
      const std::string_view what = d.code == C::unknown_grade    ? "grade"
                                    : d.code == C::unknown_campus ? "campus"
                                                                  : "diagnosis";
      return "The " + std::string(what) + " " + value + " is not a platform " + std::string(what) +
             " code and the feed's " + std::string(what) +
             " map does not translate it. Add it to the map, or correct it in the student "
             "information system.";
    }
    case C::invalid_status:
      return "Status " + value + " is not one of the feed's status values (" + d.detail +
             "). Use one of them, or add the value under format.status_values.";
    case C::duplicate_id:
      return "State ID " + value + " appears on " + d.detail +
             "; every row with this ID is rejected until the file has one row per student.";
    case C::encoding:
      return "Field " + field + " has " + d.detail + ": " + value +
             ". Export the file in that encoding, or set the feed's format.encoding.";
    case C::implausible_birth_date:
      return "Birth date " + value + " gives " + d.detail +
             ". Check the birth date and the grade (the row is still accepted).";
    case C::invalid_score:
      return "Field " + field + " has " + value + ", which is not a number from " + d.detail +
             "; the row is accepted without this score.";
    case C::same_person_two_ids:
      return "State ID " + value + " has the same name and birth date as " + d.detail +
             ": one person under two IDs? Correct the duplicate record in the student "
             "information system (this alone rejects neither row).";
  }
  return std::string(code_name(d.code));
}

}  // namespace rosterd
