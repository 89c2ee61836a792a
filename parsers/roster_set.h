// A set of files delivered together and read as one roster: the multi-file layouts districts'
// rostering hubs export (OneRoster's users.csv + demographics.csv + orgs.csv + manifest.csv, and
// in 1.2 roles.csv; School Data Sync v2.1's users.csv + roles.csv + ...),
// where a student's record is spread over several files.
//
// The students' file is read with RosterReader (its checks, encodings and line numbers); the
// other files are read first into indexes by the key that joins them, and each student's row is
// completed from them before the checker sees it. A student whose row in another file is
// missing, or there twice, is reported on the student's own line with the other file named
// (related_row_missing, related_row_twice), like any other discrepancy. A set missing a file
// the layout needs is refused whole (missing_member): read without it, every student it
// describes would look gone.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/format_preset.h"
#include "parsers/roster_reader.h"

namespace rosterd {

// What a delta set leaves out, from the committed roster.
struct CommittedLookup {
  // A student's committed values (kFieldCount, in Field order: the platform's codes, ISO
  // dates) by state ID; nullopt when the roster does not have the student.
  std::function<std::optional<std::vector<std::string>>(std::string_view state_id)> student;
  // Whether an org (a district campus code) is a school the committed roster places students
  // in already.
  std::function<bool(std::string_view org)> known_school;

  explicit operator bool() const { return student && known_school; }
};

// One file of a set: on disk (path), or in memory (a zip member `rosterd check` reads without
// writing anything), when path is empty.
struct SetMember {
  std::string name;  // the file's own name ("users.csv"), compared case-insensitively
  std::filesystem::path path;
  std::string bytes;
};

struct RosterSet {
  // How reports name the set: the zip's or the folder's name.
  std::string name;
  std::vector<SetMember> members;

  // The member called `file` (case-insensitive); nullptr when the set has none.
  const SetMember* find(std::string_view file) const;
};

// The regular files directly in `folder` (links and subfolders left out), as a set named by the
// folder. Throws Error when the folder cannot be read.
RosterSet roster_set_of_folder(const std::filesystem::path& folder);

// A set's identity from its members' names and SHA-256s: sorted by name and hashed together, so
// the same files give the same identity however they were delivered (a zip, a folder, loose
// files in a drop).
std::string set_sha256(std::vector<std::pair<std::string, std::string>> members);

// Whether a preset's layout is a set of files: delivered together, taken together.
bool is_set_layout(const FormatPreset& preset);

// Whether the layout's roster file alone is a whole delivery, its other files optional
// (Clever's students.csv, with schools.csv or without): a lone file is read as a one-file
// layout's file is.
bool reads_alone(const FormatPreset& preset);

// Reads the students of `set`, laid out as the preset `format.preset` names (a set layout),
// with `format`'s columns for the students' file, handing each student's completed row to a sink:
// a large students' file on disk is read in up to sinks.size() consecutive parts at once, as
// RosterReader::read_file does. The summary names the students' file within the set
// ("SET/users.csv", whose lines the rows carry), counts the students, and identifies the set:
// the files read, each by its name and SHA-256, sorted by name and hashed together (a refused
// set: every file in it), with their bytes summed. Throws Error when a member cannot be read.
//
// A OneRoster delta set (manifest.csv: file.users delta) lists changes only: the summary says
// `delta`, and what it leaves out of a changed student comes from `committed` (a student's row
// with no demographics.csv row keeps the committed birth date; of the orgs orgs.csv does not
// list, the first that is a school of the committed roster is the student's; a `tobedeleted`
// row keeps every value but its status, and is left out when the roster does not have the
// student; in OneRoster 1.2, a user the delta's roles.csv gives no student role is a student
// when the roster has them, and keeps the committed school). Without `committed` (a check with
// no store), what is left out is reported as for a bulk set. A delta is read in one part.
//
// A layout whose roster file may come alone (reads_alone: Clever, School Data Sync classic)
// reads the roster file of the set, and, when the set has the layout's file of schools
// (FormatPreset::schools), looks each student's school up in it: a school it lacks, or lists
// twice, is reported on the student's line (related_row_missing, related_row_twice), and the
// district's name for the school goes with the row (RawRow::school_name). A set without the
// roster file is refused (missing_member).
//
// A OneRoster set whose manifest names the other version (oneroster.version) is refused with the
// preset to use.
FileSummary read_roster_set(const RosterFormat& format, const RosterSet& set,
                            const std::vector<RowSink*>& sinks,
                            const CommittedLookup& committed = {});

}  // namespace rosterd
