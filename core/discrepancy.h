// A discrepancy: one thing wrong with a roster file or one of its rows, with a stable code.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/entity_kind.h"
#include "core/field.h"

namespace rosterd {

enum class Severity : std::uint8_t { error, warning };

// Stable codes: they appear in reports, JSON and the store, so never renumber or rename one.
enum class DiscrepancyCode : std::uint8_t {
  // File level: the whole file is refused.
  empty_file,
  missing_column,
  duplicate_column,
  unreadable,
  // Row level, error: the row is rejected.
  column_count,
  bad_quote,
  missing_required,
  invalid_date,
  invalid_id,
  field_too_long,
  unknown_grade,
  unknown_campus,
  unknown_diagnosis,
  invalid_status,
  duplicate_id,
  encoding,
  // Row level, warning: the row is accepted and the issue reported.
  implausible_birth_date,
  invalid_score,
  // The same person (equal identity.match_on values) under two state IDs in one file.
  same_person_two_ids,
  // Row level, error: a birth date with a two-digit year whose century cannot be told.
  unclear_century,
  // File level: a set of files delivered together lacks one its layout needs (detail: which).
  missing_member,
  // Row level, error: a set's student has no row, or several, in another file of the set that
  // holds one of its fields (detail: the file, and the lines).
  related_row_missing,
  related_row_twice,
  // File level: a zip that is refused before anything in it is read (parsers/zip_archive.h:
  // a name reaching outside, a link, a bomb, two members of one name...); detail: why.
  refused_zip,
  // Row level, warning: a staff member's or guardian's email or phone that is no address or
  // number (validators/contact_format.h); the row is kept without it.
  invalid_email,
  invalid_phone,
  // Row level, error: a yes-or-no value that is neither.
  invalid_flag,
  // Row level, error: a row of a set names a row of another file (a section, a course, a
  // student...) that the set lacks or rejects (detail: which file, and why).
  unknown_reference,
  // Row level, error: an enrollment's person is of the other role (a staff member enrolled as
  // a student, a student as a teacher).
  role_conflict,
  // Row level, warning: a section no teacher teaches, or no student attends.
  section_without_teacher,
  section_without_students,
  // Row level, warning: a guardian with neither an email nor a phone the platform can use; a
  // guardian whose email another guardian has who shares no student with them (detail: that
  // guardian's key and line): mail meant for one family would reach another.
  guardian_no_contact,
  guardian_shared_email,
  // Row level, warning: a guardian who is also a staff member, their person key agreeing (detail:
  // the staff member's key, line and file, and the key's parts): one person in two roles, one
  // account with both.
  person_in_two_roles,
  // Row level, error: a staff member's role, or an enrollment's role other than student, that is
  // neither a platform role nor translated by the feed's staff role map.
  unknown_role,
  // Row level, warning: a section whose course neither the feed's course map nor the platform's
  // course table matches to a platform course: nobody on the platform sees it until it is.
  unmatched_course,
};

inline constexpr std::size_t kDiscrepancyCodeCount = 36;

std::string_view code_name(DiscrepancyCode code);
std::optional<DiscrepancyCode> code_from_name(std::string_view name);
Severity code_severity(DiscrepancyCode code);
bool is_file_level(DiscrepancyCode code);
std::string_view severity_name(Severity s);

struct Discrepancy {
  // 1-based physical line of the file (the header is line 1); 0 for the whole file.
  std::uint32_t line = 0;
  DiscrepancyCode code = DiscrepancyCode::unreadable;
  std::optional<Field> field;
  // The row's state ID when it could be read (for another kind, its key, the values joined by
  // '/'); empty otherwise.
  std::string student_id;
  // The value as found in the file (after trimming), UTF-8 or the raw bytes for `encoding`.
  std::string value;
  // Code-specific context that completes the message (an expected format, a count, a range).
  std::string detail;
  // A row of another kind of the roster (staff, sections, ...: core/entity_kind.h) rather than
  // a student's, and its field (an index into kind_info(*kind).fields), when one is concerned.
  std::optional<EntityKind> kind;
  std::optional<std::uint8_t> kind_field;

  Severity severity() const { return code_severity(code); }
};

// Starts the detail of an invalid_date that is a real date, but before the start date of its
// span (a term, an enrollment); the start date follows.
inline constexpr std::string_view kBeforeStart = "before the start date ";

// Starts the part of a detail that names what most likely caused a file-level problem (line ends,
// a wrong delimiter); the message then ends with that, not with the code's usual advice.
inline constexpr std::string_view kLikelyCause = ". Most likely, ";

// How a message names things. The default names fields as rosterd does ("field last_name") and
// quotes every value: the CLI, the JSON report and the console. A district's mail names the
// district's own column ("column LNAME (last name)") and, at report.pii minimal, leaves the
// value of a name or birth date out while keeping the rest of the sentence.
struct MessageTerms {
  // The district's header of each field's column; null: rosterd's field names.
  const std::array<std::string, kFieldCount>* columns = nullptr;
  // Leave the value out of the sentence (it is a name or a birth date, and PII is withheld).
  bool withhold_value = false;
};

// One or two sentences a district data person understands: what is wrong and what to do.
std::string discrepancy_message(const Discrepancy& d, const MessageTerms& terms = {});

// A short line on how to fix a code's discrepancies at the source, in the district's student
// information system ("Enter the missing value in the SIS; the next file brings it").
std::string_view how_to_fix(DiscrepancyCode code);
// The same advice for a row of another kind (core/entity_kind.h), in that kind's words where
// the students' advice speaks of a student's record.
std::string how_to_fix(DiscrepancyCode code, EntityKind kind);

// The field in words ("last name", "state ID").
std::string_view field_words(Field f);

}  // namespace rosterd
