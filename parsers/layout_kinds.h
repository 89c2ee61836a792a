// The other kinds of a standard layout's set (docs/whole-roster.md, "Standard layouts"): the
// staff, courses, terms, sections, enrollments, guardians and guardian links a OneRoster, School
// Data Sync v2.1 or Clever set carries beside its students, read from the layout's own files into
// rows of rosterd's kinds (core/entity_kind.h), each row keeping the line of the file it comes
// from so that its discrepancies name that file and line.
//
// The layouts spread a kind over their files in their own ways (OneRoster's staff are users.csv's
// rows of a staff role; Clever's courses and terms are columns of sections.csv): each layout's
// reader says how, at its declaration in parsers/layout_kind_readers.h.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/discrepancy.h"
#include "core/entity_kind.h"
#include "parsers/format_preset.h"
#include "parsers/roster_reader.h"
#include "parsers/roster_set.h"

namespace rosterd {

// One row of a kind, in the kind's field order, as the layout's file writes it: values are not
// checked yet (dates as written, status words as written, lists joined by a comma).
struct LayoutRow {
  std::uint32_t line = 0;  // of the kind's file (LayoutKindRows::file)
  std::vector<std::string> values;
  // What the reader found wrong with the line (column_count, bad_quote, encoding).
  std::vector<Discrepancy> problems;
  bool broken = false;
};

// One kind's rows from a set.
struct LayoutKindRows {
  EntityKind kind = EntityKind::staff;
  // The file the rows come from (its name, SHA-256 and size); refused when the set lacks it or
  // it cannot be read, and then the set is refused whole.
  FileSummary file;
  std::vector<LayoutRow> rows;
};

// The file of `preset`'s set that holds `kind` ("classes.csv" for OneRoster's sections); empty
// when the layout carries no such kind.
std::string_view layout_kind_file(const FormatPreset& preset, EntityKind kind);

// Reads `kinds` (each at most once, in any order) from `set`, laid out as `preset` (a set layout
// with layout_kind_file for each kind), in the students' file's encoding. A row naming a student
// (an enrollment's, a guardian link's) names them by the column `student_key` of the layout's
// students' file (the feed's state_id column; empty: the layout's own, `sourcedId` or Clever's
// `State_id`), whatever the layout's files use to refer to them. The result has one entry a kind,
// in the order asked. A member the set lacks, or lacking a column a kind is built from, gives its
// kinds a refusal (missing_member, missing_column); a OneRoster manifest that calls a kind's file
// anything but bulk gives it one too (a delta's absent rows would read as gone). Throws Error
// when a member on disk cannot be read.
std::vector<LayoutKindRows> read_layout_kinds(const FormatPreset& preset, const RosterSet& set,
                                              Encoding encoding, std::span<const EntityKind> kinds,
                                              std::string_view student_key = {});

}  // namespace rosterd
