// Reads and checks the file of one kind of a roster beside students (core/entity_kind.h:
// staff, courses, terms, sections, enrollments, guardians, guardian links), as check_roster_*
// does students' files: every bad row reported with its line and field, a file that cannot be
// a file of that kind refused whole. Checks across files (an enrollment's section, a section's
// teacher) come after every file of a set is read; here each file stands alone
// (docs/whole-roster.md).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/discrepancy.h"
#include "core/entity_kind.h"
#include "core/entity_table.h"
#include "parsers/layout_kinds.h"
#include "parsers/roster_format.h"
#include "parsers/roster_reader.h"
#include "validators/check_counts.h"
#include "validators/code_translator.h"

namespace rosterd {

// How a kind's file is laid out and what its values mean: the options of a kind's `format:`.
struct KindFormat {
  char delimiter = '|';
  QuoteMode quote = QuoteMode::none;
  Encoding encoding = Encoding::utf8;
  std::string date_format = "%Y-%m-%d";
  // Tried in order after date_format (the students' format's list).
  std::vector<std::string> other_date_formats;
  // Separates the values of a list field (a section's teachers, a teacher's schools).
  char list_separator = ';';
  StatusValues status;
  // The header of each field's column, in the kind's field order. An optional field whose
  // header is "" is not read (its values are empty).
  std::vector<std::string> columns;

  // The default layout: the kind's default headers, every column present.
  static KindFormat default_layout(EntityKind kind);
};

// One kind a feed takes beside students (its `kinds:` entry): the file of the set that holds it
// and how that file is laid out.
struct KindMember {
  EntityKind kind = EntityKind::staff;
  std::string file;  // the member's name in the set, compared case-insensitively
  KindFormat format;
};

// What makes a staff member and a guardian one person (validators/people_roles.h): the parts of
// the key, each of which must agree.
struct PersonKey {
  bool email = true;
  bool name = true;
  bool phone = true;
  bool id = false;
  bool empty() const { return !email && !name && !phone && !id; }
};

// The kinds a feed takes beside students. With none, the feed takes a students' file as it always
// has; with some, every delivery is a set (a folder or a zip) holding the students' file and one
// file a kind, each required: a set without one is refused whole, never read as if that kind
// had left.
struct RosterKinds {
  std::string students_file = "students.txt";
  // The standard layout (a preset's name: "oneroster-1.1") whose own files hold the kinds
  // (parsers/layout_kinds.h): each member's file is the layout's, its format the layout's. Empty:
  // each kind has a file of its own, in rosterd's layout or the feed's columns.
  std::string layout;
  // In EntityKind order, each kind at most once.
  std::vector<KindMember> members;
  // feeds.NAME.people.key: default email, name and phone.
  PersonKey person_key;

  bool empty() const { return members.empty(); }
  const KindMember* find(EntityKind kind) const;
};

// What a check found in one kind's file. Values are normalized as the store keeps them: dates
// ISO 8601, status "A" or "I", yes-or-no "Y" or "N", a phone number its digits; an email or a
// phone that is neither is reported and left empty.
struct KindCheckResult {
  EntityKind kind = EntityKind::staff;
  FileSummary file;
  // Every row read, in file order (rejected rows marked). Empty when the file is refused.
  EntityTable rows;
  // Sorted by line; within a line, in the order found. Each has `kind` set, and `kind_field`
  // when a field is concerned.
  std::vector<Discrepancy> discrepancies;
  CheckCounts counts;
  // Rows left out because they belong to a student the feed does not take (opted out, or out of
  // its scope): not in `rows`, not reported, not counted in `counts`.
  std::uint32_t rows_out_of_scope = 0;
  // The format's list separator: how a list field's values are split by later checks.
  char list_separator = ';';

  explicit KindCheckResult(EntityKind k);
  bool refused() const { return file.refusal.has_value(); }
};

// Reads and checks the file at `path` as a file of `kind`. With `reference` (the feed's), a
// staff member's role and an enrollment's role other than student are translated through its
// staff roles (unknown_role when neither mapped nor a platform role), and a section's platform
// courses are matched from its course (unmatched_course, a warning, when none); without a
// table, roles are taken as they are and a section's platform course is its course code.
// Throws rosterd::Error when the file cannot be opened.
KindCheckResult check_kind_file(EntityKind kind, const KindFormat& format,
                                const std::filesystem::path& path,
                                const ReferenceSet* reference = nullptr);
// The same for `bytes`, as if they were a file called `name`.
KindCheckResult check_kind_bytes(EntityKind kind, const KindFormat& format, std::string_view name,
                                 std::string_view bytes, const ReferenceSet* reference = nullptr);

// Checks a kind's rows read from a standard layout's files (parsers/layout_kinds.h) as
// check_kind_file checks a file's: the lines are those of `rows.file`, whose refusal is the
// result's.
KindCheckResult check_layout_kind(const KindFormat& format, const LayoutKindRows& rows,
                                  const ReferenceSet* reference = nullptr);

// The format a standard layout's kinds are checked with: ISO dates (MM/DD/YYYY too), OneRoster's
// status words (a blank status is read as active by the layout's reader), lists separated by
// commas, the students' encoding; its columns are rosterd's default headers (an export's).
KindFormat layout_kind_format(EntityKind kind, Encoding encoding);

// The result of `kind` among `kinds`; nullptr when the set has no file of it.
KindCheckResult* find_kind(std::vector<KindCheckResult>& kinds, EntityKind kind);

// Counts again the accepted rows with a warning (after a later check rejected rows or warned
// on more).
void recount_rows_warned(KindCheckResult& result);

}  // namespace rosterd
