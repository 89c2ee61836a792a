// The layouts districts already export, known by name: `format: {preset: NAME}` starts a feed's
// format from one (delimiter, quoting, date formats, which column is which field, which are
// required) and every key of the feed's `format:` still overrides it.
//
// A preset also carries its layout's grade vocabulary ("Kindergarten", "KG", "1"): each word
// names a grade in CEDS terms, and the feed's grade table is searched for that grade under the
// codes platforms commonly use (grade_code_aliases), so a district sending Clever's words needs
// no grade map for the usual grades.
#pragma once

#include <string_view>
#include <vector>

#include "parsers/roster_format.h"

namespace rosterd {

// A word of a layout's grade vocabulary and the grade it means, as a CEDS grade-level code
// ("IT", "PR", "PK", "TK", "KG", "01".."13", "PS", "UG", "Other").
struct GradeWord {
  std::string_view word;
  std::string_view ceds;
};

struct FormatPreset {
  std::string_view name;   // as written in the config: "clever"
  std::string_view title;  // for people: "Clever SFTP CSV (students.csv)"
  // The file of the layout that holds the students, and where its specification is published.
  std::string_view roster_file;
  std::string_view specification;
  RosterFormat format;
  std::vector<GradeWord> grades;
  // A layout of several files: the files a set must hold (parsers/roster_set.h); empty for a
  // layout of one file.
  std::vector<std::string_view> set_files;
  // The layout's other files, which a delivered set may hold beside those (OneRoster's
  // classes.csv, enrollments.csv, …): taken, staged and archived with the set, not read yet.
  std::vector<std::string_view> other_set_files;
  // In a set layout, the fields read from a file other than roster_file, and how: OneRoster's
  // birth date from demographics.csv.
  struct FieldSource {
    Field field;
    std::string_view file;
    std::string_view how;          // "the row whose sourcedId is the user's"
    std::string_view values = {};  // what the column holds, when the field's usual words mislead
  };
  std::vector<FieldSource> field_sources;
  // The layout's file of schools, which a one-file layout's roster may come with (Clever's
  // schools.csv): each student's school is looked up in it by code, and the district's name
  // for it names the school in reports. Empty `file` for none (a set layout names its schools
  // in its own files: OneRoster's orgs.csv).
  struct SchoolsFile {
    std::string_view file;         // "schools.csv"
    std::string_view code_column;  // "School_id"
    std::string_view name_column;  // "School_name"
  };
  SchoolsFile schools = {};
};

// Every preset, in the order `rosterd layout` and the docs list them.
const std::vector<FormatPreset>& format_presets();

// The preset called `name` (case-insensitive); nullptr when there is none.
const FormatPreset* find_format_preset(std::string_view name);

// The codes a platform's grade table may use for a CEDS grade: "KG" is also "K", "KF", "00";
// "01" is also "1"; "PK" is also "PREK", "PK4". The CEDS code itself comes first.
std::vector<std::string_view> grade_code_aliases(std::string_view ceds);

}  // namespace rosterd
