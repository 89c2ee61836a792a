#include "core/discrepancy.h"

#include <array>

#include "core/text.h"
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
    {"unclear_century", Severity::error, false},
    {"missing_member", Severity::error, true},
    {"related_row_missing", Severity::error, false},
    {"related_row_twice", Severity::error, false},
    {"refused_zip", Severity::error, true},
    {"invalid_email", Severity::warning, false},
    {"invalid_phone", Severity::warning, false},
    {"invalid_flag", Severity::error, false},
    {"unknown_reference", Severity::error, false},
    {"role_conflict", Severity::error, false},
    {"section_without_teacher", Severity::warning, false},
    {"section_without_students", Severity::warning, false},
    {"guardian_no_contact", Severity::warning, false},
    {"guardian_shared_email", Severity::warning, false},
    {"person_in_two_roles", Severity::warning, false},
    {"unknown_role", Severity::error, false},
    {"unmatched_course", Severity::warning, false},
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

std::string_view field_words(Field f) {
  switch (f) {
    case Field::state_id:
      return "state ID";
    case Field::local_id:
      return "local ID";
    case Field::first_name:
      return "first name";
    case Field::middle_name:
      return "middle name";
    case Field::last_name:
      return "last name";
    case Field::birth_date:
      return "birth date";
    case Field::grade:
      return "grade";
    case Field::campus:
      return "school";
    case Field::diagnoses:
      return "diagnoses";
    case Field::status:
      return "status";
    case Field::ela_score:
      return "ELA score";
    case Field::math_score:
      return "math score";
  }
  return "field";
}

std::string discrepancy_message(const Discrepancy& d, const MessageTerms& terms) {
  // "Field last_name" by default; "Column LNAME (last name)" in the district's terms.
  std::string field = d.field ? std::string(field_name(*d.field)) : std::string("the row");
  std::string Field_ = "Field " + field;
  if (terms.columns != nullptr && d.field && !is_file_level(d.code)) {
    const std::string& header = (*terms.columns)[field_index(*d.field)];
    field = "column " + display_safe(header) + " (" + std::string(field_words(*d.field)) + ")";
    Field_ = "Column " + field.substr(7);
  }
  if (d.kind && d.kind_field && *d.kind_field < kind_info(*d.kind).fields.size()) {
    // Another kind's row: its field as the configuration and reports name it.
    field = std::string(kind_info(*d.kind).name) + "." +
            std::string(kind_info(*d.kind).fields[*d.kind_field].name);
    Field_ = "Field " + field;
  }
  const bool withheld = terms.withhold_value && !d.value.empty();
  const std::string value = "\"" + display_safe(d.value) + "\"";
  // " has \"X\", which" or " has a value (withheld) that".
  const std::string has_value_which =
      withheld ? " has a value (withheld from this report) that" : " has " + value + ", which";
  using C = DiscrepancyCode;
  switch (d.code) {
    case C::empty_file:
      if (d.kind) {
        return "The " + std::string(kind_info(*d.kind).name) +
               " file has no rows; read as it is, it would end every one. Check that the export "
               "ran to the end and wrote the whole file.";
      }
      return "The file has no header row and no students" + d.detail +
             ". Check that the export ran to the end and wrote the whole file.";
    case C::missing_column:
      if (!d.field)  // a column a set layout reads beyond the fields (a OneRoster user's role)
        return "The header has no column " + value + d.detail +
               ". Export the file with every column of its layout.";
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
      return Field_ + " is required but empty. Fill it in the student information system.";
    case C::invalid_date:
      if (d.detail.starts_with(kBeforeStart)) {
        return Field_ + " has " + (withheld ? std::string("a date") : value) + ", which is " +
               d.detail + ": a span cannot end before it starts. Correct the dates in the SIS.";
      }
      return Field_ + has_value_which + " is not a real date in the format " + d.detail +
             ". Correct the date, or the feed's format.date_format.";
    case C::invalid_id:
      return Field_ + has_value_which + " is not a valid ID: " + d.detail +
             ". Correct the ID in the student information system.";
    case C::field_too_long:
      return Field_ + " is too long (" + d.detail +
             "). Check for a missing line break or delimiter.";
    case C::unknown_grade:
    case C::unknown_campus:
    case C::unknown_diagnosis: {
      const std::string_view what = d.code == C::unknown_grade    ? "grade"
                                    : d.code == C::unknown_campus ? "campus"
                                                                  : "diagnosis";
      // A campus's detail: the district's name for the school and the file that gives it
      // ("Roosevelt High in schools.csv").
      const std::string named =
          d.code == C::unknown_campus && !d.detail.empty() ? " (" + d.detail + ")" : std::string();
      return "The " + std::string(what) + " " + value + named + " is not a platform " +
             std::string(what) + " code and the feed's " + std::string(what) +
             " map does not translate it. Add it to the map, or correct it in the student "
             "information system.";
    }
    case C::invalid_status:
      return "Status " + value + " is not one of the feed's status values (" + d.detail +
             "). Use one of them, or add the value under format.status_values.";
    case C::duplicate_id:
      if (d.kind) {
        return "The " + std::string(kind_info(*d.kind).name) + " row " + value + " appears on " +
               d.detail + "; every row with this key is rejected until the file has one.";
      }
      return "State ID " + value + " appears on " + d.detail +
             "; every row with this ID is rejected until the file has one row per student.";
    case C::encoding:
      if (withheld)
        return Field_ + " has " + d.detail +
               " (the value is withheld from this report). Export the file in that encoding, or "
               "set the feed's format.encoding.";
      return Field_ + " has " + d.detail + ": " + value +
             ". Export the file in that encoding, or set the feed's format.encoding.";
    case C::implausible_birth_date:
      if (withheld)
        return "The birth date gives " + d.detail +
               ". Check the birth date and the grade (the row is still accepted).";
      return "Birth date " + value + " gives " + d.detail +
             ". Check the birth date and the grade (the row is still accepted).";
    case C::invalid_score:
      return Field_ + " has " + value + ", which is not a number from " + d.detail +
             "; the row is accepted without this score.";
    case C::same_person_two_ids:
      return "State ID " + value + " has the same name and birth date as " + d.detail +
             ": one person under two IDs? Correct the duplicate record in the student "
             "information system (this alone rejects neither row).";
    case C::refused_zip:
      return "The zip is refused, and nothing in it was read: " + d.detail +
             ". Send the files again in a plain zip: no password, no links, no folders outside "
             "it, each file once.";
    case C::missing_member:
      return "The delivery has no " + value + d.detail +
             ". A set missing a file is refused whole, never read as if everyone in it had left: "
             "send the whole set again.";
    case C::related_row_missing:
      // A school's row (the detail names the school), or the student's own.
      if (d.field == Field::campus)
        return "The student's school is not found: no row in " + d.detail +
               ". Export every file of the set from the same run of the SIS export; if the SIS "
               "has it so, correct the record there.";
      return "The student has no row in " + d.detail + ", which holds the " +
             (d.field ? std::string(field_words(*d.field)) : std::string("student's details")) +
             ". Export every file of the set from the same run of the SIS export.";
    case C::related_row_twice:
      if (d.field == Field::campus)
        return "The student's school is not clear from " + d.detail +
               (iequals(d.detail.substr(0, 5), "roles")
                    ? ". Give each student one primary student role there."
                    : ". Keep one row for each school there.");
      return "The student has more than one row in " + d.detail + ", which holds the " +
             (d.field ? std::string(field_words(*d.field)) : std::string("student's details")) +
             ", so it is not clear which to take. Keep one row per student there.";
    case C::invalid_email:
      return Field_ + has_value_which +
             " is not an email address; the row is kept without it. Correct it in the student "
             "information system.";
    case C::invalid_phone:
      return Field_ + has_value_which + " is not a phone number (" + d.detail +
             "); the row is kept without it. Correct it in the student information system.";
    case C::invalid_flag:
      return Field_ + has_value_which + " is neither yes nor no (" + d.detail +
             "). Use one of those values.";
    case C::unknown_reference:
      // The detail says what the set lacks: "the sections file has no such row", "its row in
      // the sections file (line 3) is rejected", "the platform has no such school (...)".
      return Field_ + " has " + value + ", which the set cannot use: " + d.detail +
             ". The row is rejected; correct the file, or the record in the SIS, so that the set's "
             "files agree.";
    case C::role_conflict:
      return Field_ + has_value_which + " is " + d.detail +
             "; the row is rejected. Correct the enrollment's role in the SIS.";
    case C::section_without_teacher:
      return "The section has no teacher: none in its teachers and no teacher enrolled in it. "
             "Students will not see it with a teacher; assign one in the SIS (the section is "
             "still taken).";
    case C::section_without_students:
      return "No student is enrolled in the section. Check its enrollments in the SIS (the "
             "section is still taken).";
    case C::guardian_no_contact:
      return "The guardian has neither an email address nor a phone number the platform can "
             "use: no message can reach them. Add one in the SIS (the guardian is still taken).";
    case C::guardian_shared_email:
      return Field_ + has_value_which + " is also the address of " + d.detail +
             ", who shares no student with this guardian: mail for one family would reach "
             "another. Correct the address in the SIS (both guardians are still taken).";
    case C::person_in_two_roles:
      return "The guardian is also " + d.detail +
             ": one person in two roles, whom the platform gives one account with both. If they "
             "are two people, give each their own email in the SIS (the guardian is still "
             "taken).";
    case C::unknown_role:
      return Field_ + has_value_which +
             " is not a platform role and the feed's staff role map does not translate it. Add "
             "it to the map, or correct it in the student information system.";
    case C::unmatched_course:
      return "The section's course " + value +
             " is matched to no platform course, so nobody on the platform sees the section. "
             "Match the course in the feed's course map (the section is still taken).";
    case C::unclear_century:
      return (withheld ? Field_ + " has a date (withheld from this report) whose"
                       : Field_ + " has " + value + ", whose") +
             " year has two digits, and neither century puts it in the " + d.detail +
             ". Send birth dates with four-digit years, or correct this one in the student "
             "information system.";
  }
  return std::string(code_name(d.code));
}

std::string_view how_to_fix(DiscrepancyCode code) {
  using C = DiscrepancyCode;
  switch (code) {
    case C::empty_file:
      return "Run the SIS export again and check that it finished before the upload.";
    case C::missing_column:
    case C::duplicate_column:
      return "Set the export's columns back to the agreed layout, or tell your vendor the new "
             "header.";
    case C::unreadable:
      return "Export the file again as delimited text (CSV), UTF-8 or windows-1252.";
    case C::column_count:
    case C::bad_quote:
      return "Look at this line in the file: a comma or quote inside a value (an address, a "
             "name) usually needs the export to quote it.";
    case C::missing_required:
      return "Enter the missing value on the student's record in the SIS; the next file brings "
             "it.";
    case C::invalid_date:
      return "Correct the date on the student's record in the SIS.";
    case C::invalid_id:
      return "Correct the ID on the student's record in the SIS.";
    case C::field_too_long:
      return "Shorten the value in the SIS, or check the export for a missing delimiter.";
    case C::unknown_grade:
      return "Use a grade the platform knows in the SIS, or ask your vendor to add the code to "
             "the grade map.";
    case C::unknown_campus:
      return "Use a school code the platform knows in the SIS, or ask your vendor to add the "
             "school to the campus map.";
    case C::unknown_diagnosis:
      return "Use a diagnosis code the platform knows in the SIS, or ask your vendor to add it "
             "to the diagnosis map.";
    case C::invalid_status:
      return "Set the enrollment status in the SIS to one of the agreed values.";
    case C::duplicate_id:
      return "Keep one record per student in the SIS: merge or correct the duplicate.";
    case C::encoding:
      return "Export the file in the encoding agreed with your vendor (UTF-8 is best).";
    case C::implausible_birth_date:
      return "Check the birth date and the grade on the student's record in the SIS.";
    case C::invalid_score:
      return "Correct the score in the SIS, or leave it empty.";
    case C::same_person_two_ids:
      return "Merge the two records in the SIS so the student has one state ID.";
    case C::unclear_century:
      return "Export birth dates with four-digit years, or correct the date in the SIS.";
    case C::missing_member:
      return "Send every file of the export together, in one upload or one zip.";
    case C::refused_zip:
      return "Zip the export's files again with the usual zip tool, without a password.";
    case C::related_row_missing:
    case C::related_row_twice:
      return "Export all the files of the set from one run of the SIS export, one row per "
             "student in each.";
    case C::invalid_email:
    case C::invalid_phone:
      return "Correct the contact's email or phone in the SIS, or leave it empty.";
    case C::invalid_flag:
      return "Use yes or no (Y or N) in this column of the export.";
    case C::unknown_reference:
      return "Export every file of the set from one run of the SIS export, so that each names "
             "only rows the others have.";
    case C::role_conflict:
      return "Correct the enrollment's role in the SIS: students as students, staff as staff.";
    case C::section_without_teacher:
      return "Assign a teacher to the section in the SIS.";
    case C::section_without_students:
      return "Enroll the section's students in the SIS, or end the section.";
    case C::guardian_no_contact:
      return "Enter the guardian's email or phone number in the SIS.";
    case C::guardian_shared_email:
      return "Give each guardian their own email address in the SIS.";
    case C::person_in_two_roles:
      return "Nothing, if they are one person; otherwise give each their own email in the SIS.";
    case C::unknown_role:
      return "Use a role the platform knows in the SIS, or ask your vendor to add the role to "
             "the staff role map.";
    case C::unmatched_course:
      return "Ask your vendor to match the course to the platform's courses in the course map, "
             "or correct the section's course code in the SIS.";
  }
  return "";
}

std::string how_to_fix(DiscrepancyCode code, EntityKind kind) {
  using C = DiscrepancyCode;
  const std::string record(kind_info(kind).record);
  switch (code) {
    case C::missing_required:
      return "Enter the missing value on the " + record +
             "'s record in the SIS; the next file "
             "brings it.";
    case C::invalid_date:
      return "Correct the date on the " + record + "'s record in the SIS.";
    case C::invalid_id:
      return "Correct the ID on the " + record + "'s record in the SIS.";
    case C::invalid_status:
      return "Set the " + record + "'s status in the SIS to one of the agreed values.";
    case C::duplicate_id:
      return "Keep one record per " + record + " in the SIS: merge or correct the duplicate.";
    default:
      return std::string(how_to_fix(code));
  }
}

}  // namespace rosterd
