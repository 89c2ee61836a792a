// How each standard layout spreads rosterd's kinds over its files (parsers/layout_kinds.h), and
// the helpers its reader shares. Internal to the parsers.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parsers/layout_kinds.h"
#include "parsers/set_reading.h"

namespace rosterd::layout_kinds {

// How the set is read: the students' file's encoding, and the header of the students' key
// column (read_layout_kinds' student_key).
struct Reading {
  Encoding encoding = Encoding::utf8;
  std::string student_key;
};

// OneRoster 1.1 and 1.2 (manifest.csv must call each file read "bulk"):
// - staff: users.csv's users of a staff role (any but student, parent, guardian, relative; in
//   1.2 roles.csv gives the roles, the primary one first); their schools are their orgs that
//   orgs.csv gives type school (all of them when none is);
// - guardians: users.csv's users of a role parent, guardian or relative;
// - guardian_links: each guardian's and each student's agentSourcedIds (one link a pair, on the
//   first line that gives it), the relationship being the guardian's role;
// - courses: courses.csv (sourcedId the course code; the org a school only when orgs.csv says so);
// - terms: academicSessions.csv;
// - sections: classes.csv, the term the first of termSourcedIds (rosterd's section has one term);
//   teachers are enrollments.csv's teacher rows;
// - enrollments: enrollments.csv; the rows of one person, class and role (one a term of a class
//   that spans terms) are one enrollment from the first begin date to the last end date; a row
//   whose status is tobedeleted is not an enrollment any more.
// A status left blank (bulk files leave it so) is active.
void read_oneroster(const RosterSet& set, const Reading& reading, bool v12,
                    std::span<const EntityKind> kinds, std::vector<LayoutKindRows>& out);

// School Data Sync v2.1:
// - staff: users.csv's users with a roles.csv role other than student or a guardian's, the
//   primary one first; schools as OneRoster's;
// - guardians: users.csv's users relationships.csv names as a student's relation;
// - guardian_links: relationships.csv (userSourcedId the student, relationshipUserSourcedId the
//   guardian, relationshipRole the relationship);
// - courses, terms, sections, enrollments: courses.csv, academicSessions.csv, classes.csv (the
//   first of sessionSourcedIds), enrollments.csv.
// SDS has no status: every row is active.
void read_sds(const RosterSet& set, const Reading& reading, std::span<const EntityKind> kinds,
              std::vector<LayoutKindRows>& out);

// Clever:
// - staff: teachers.csv (role "teacher");
// - sections: sections.csv, its teachers Teacher_id and Teacher_2_id .. Teacher_10_id;
// - courses, terms: the distinct Course_number (with Course_name, Subject) and Term_name (with
//   Term_start, Term_end) of sections.csv, each on the first line that names it;
// - enrollments: enrollments.csv, each Student_id (Clever's SIS ID) the student's State_id
//   through students.csv, role "student";
// - guardians, guardian_links: students.csv's contact columns (Contact_sis_id, Contact_name
//   split at its last space into first and last names, Contact_email, Contact_phone,
//   Contact_relationship), one guardian an ID.
// Clever's files hold active rows only.
void read_clever(const RosterSet& set, const Reading& reading, std::span<const EntityKind> kinds,
                 std::vector<LayoutKindRows>& out);

// --- shared by the readers ---

// Whether `kinds` asks for `kind`.
bool wants(std::span<const EntityKind> kinds, EntityKind kind);

// The entry of `out` for `kind` (read_layout_kinds made one a kind asked for).
LayoutKindRows& entry(std::vector<LayoutKindRows>& out, EntityKind kind);

// Refuses `kind` for lacking `file`.
void refuse_missing(LayoutKindRows& rows, std::string_view file);

// Refuses `kind` with `why` found in the member `file` (its summary `s`).
void refuse_member(LayoutKindRows& rows, const FileSummary& s, const std::string& file);

// Reads the member `m` (its columns `columns`) for those of the kinds `asked` that `kinds` takes,
// handing each row to `on_row`: each such kind gets m's summary as its file, or m's refusal (a
// kind refused already stays so). False when m is refused.
template <typename OnRow>
bool read_for(const SetMember& m, Encoding encoding, std::vector<ExtraColumn> columns,
              std::initializer_list<EntityKind> asked, std::span<const EntityKind> kinds,
              std::vector<LayoutKindRows>& out, OnRow on_row) {
  const FileSummary s = set_reading::read_member(m, encoding, std::move(columns), on_row);
  for (EntityKind k : asked) {
    if (!wants(kinds, k)) continue;
    if (s.refusal) {
      refuse_member(entry(out, k), s, m.name);
    } else if (!entry(out, k).file.refusal) {
      entry(out, k).file = s;
      entry(out, k).file.name = m.name;
    }
  }
  return !s.refusal;
}

// A row of `kind` begun from a line of a layout file: its line, problems and brokenness.
LayoutRow begin_row(EntityKind kind, const RawRow& r);

// Sets the field `name` of `row` (a kind's field name; it must exist).
void set(LayoutRow& row, EntityKind kind, std::string_view name, std::string_view value);

// The value of `name` in `row`.
const std::string& get(const LayoutRow& row, EntityKind kind, std::string_view name);

// The first item of a comma-separated list, trimmed.
std::string_view first_item(std::string_view list);

// The items of a comma-separated list, trimmed, empty ones left out.
std::vector<std::string_view> items(std::string_view list);

// The orgs of `orgs` that `types` (an org's sourcedId to its type) calls a school, in order and
// once each; all of them, once each, when none is (so that the check names the unknown school).
std::string school_orgs(const std::vector<std::string_view>& orgs,
                        const set_reading::RelatedIndex& types);

// A student's key by the ID the layout's other files name them by, when the feed keys students
// by another column of the students' file (OneRoster's `identifier` rather than `sourcedId`).
struct StudentKeys {
  bool mapped = false;
  std::string own;  // the layout's ID column ("sourcedId")
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> by_id;
  // The key of the student the layout calls `id`: `id` itself when not mapped; when mapped and
  // the students' file keys no student so, "COLUMN id" (which no key is), for the check to
  // name as unknown.
  std::string of(std::string_view id) const;
};

// Reads the students' file `users` for its `own` ID column's (the layout's) and `key` column's
// values; an empty map when `key` is empty or `own`.
StudentKeys read_student_keys(const SetMember* users, Encoding encoding, std::string_view own,
                              std::string_view key);

// The rows of a kind derived from the lines of another's file (Clever's courses from
// sections.csv), one a key: the first line that is not broken gives it, its problems told with
// its own file's row; a key only broken lines give is kept from the first of them, broken and
// with their problems (so that its committed row is kept rather than read as gone).
class DerivedRows {
 public:
  void add(const std::string& key, LayoutRow row, std::vector<LayoutRow>& out);

 private:
  std::unordered_map<std::string, std::pair<std::size_t, bool>> at_;  // row, broken
};

// A date as an ISO day when it reads as one (ISO or MM/DD/YYYY), for comparing; else as it is.
std::string sortable_date(std::string_view date);

// Whether a role (OneRoster, School Data Sync) is a guardian's: parent, guardian, relative.
bool is_guardian_role(std::string_view role);

}  // namespace rosterd::layout_kinds
