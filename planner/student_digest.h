// A 64-bit digest of a student's normalized values: the plan compares digests, and reads whole
// committed rows only for the students whose digest differs.
#pragma once

#include <cstdint>

#include "core/student_table.h"

namespace rosterd {

// Any change to any value changes the digest (values are joined with a separator that cannot
// occur in them, since control characters are rejected as `encoding`).
std::uint64_t student_digest(const StudentValues& values);

}  // namespace rosterd
