// Reads and checks a whole roster delivered as one set (docs/whole-roster.md): the students'
// file with a file for each other kind the feed takes (staff, sections, enrollments, ...), each
// read and checked alone, then every row's references checked across the files. The set is
// taken together or not at all: a missing file, or one that cannot be a file of its kind,
// refuses the whole set, since reading without it would make every row of that kind look gone.
#pragma once

#include "parsers/roster_set.h"
#include "validators/roster_check.h"
#include "validators/row_checker.h"

namespace rosterd {

// Checks `set` as a roster of students (read with `format` from the member
// run.kinds->students_file) and the kinds run.kinds names (each from its member). The result's
// file is the set's: named "SET/STUDENTS_FILE" (whose lines the students' discrepancies carry),
// identified by every member read (set_sha256), their bytes summed; its `kinds` hold each
// kind's rows and discrepancies (their lines are of the kind's own file). A refused set is
// identified by every file in it. REQUIRES: run.kinds is set. Throws Error when a member on
// disk cannot be read.
CheckResult check_whole_roster(const RosterFormat& format, const RowChecker& checker,
                               const RosterSet& set, const CheckRun& run);

}  // namespace rosterd
