// Checks across the files of a set (docs/whole-roster.md), once every file is read and checked
// alone (validators/kind_check.h): each row's references name rows the set has and accepts —
// an enrollment's section and person, a section's course, term and teachers, a guardian link's
// guardian and student, a staff member's or section's school — and an enrollment's person is of
// its role; a section with no teacher or no student is told. A row whose reference fails is
// rejected, and the rows naming it in turn (kinds are checked in EntityKind order: a section
// rejected for its course takes its enrollments with it).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "validators/kind_check.h"

namespace rosterd {

// What the set knows beside its other kinds' files.
struct SetKeys {
  // Whether a student with this state ID is in the set and accepted. Required.
  std::function<bool(std::string_view)> student;
  // The line of a student's rejected row in the students' file (0: none), for the message of a
  // row naming that student; null: not told.
  std::function<std::uint32_t(std::string_view)> rejected_student;
  // Whether a school code is one the feed knows; null: schools are not checked here.
  std::function<bool(std::string_view)> school;
};

// Checks the references of every row of `kinds` (at most one result a kind, any order), adding
// each finding to the result of the row's kind with its line and field, and rejecting (and
// counting) the rows that fail. A reference to a kind the set has no file of is not checked
// (the files of a layout that omits courses name course codes only the platform knows); one to
// a kind whose file was refused whole always fails. List fields are split by each result's
// list_separator.
void check_set_references(std::vector<KindCheckResult>& kinds, const SetKeys& keys);

}  // namespace rosterd
