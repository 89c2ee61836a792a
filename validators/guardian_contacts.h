// The quality of guardians' contact records across a set (docs/whole-roster.md): a guardian no
// message can reach, and one email address on guardians of different families. SchoolStatus's
// guardians are who the platform writes to; both are warnings, the guardians still taken.
#pragma once

#include <vector>

#include "validators/kind_check.h"

namespace rosterd {

// Warns on each accepted guardian of `kinds` with neither email nor phone
// (guardian_no_contact), and on each accepted guardian whose email (compared without regard to
// case) an earlier accepted guardian has who is linked to none of the same students
// (guardian_shared_email, naming that guardian and line); guardian links come from the set's
// guardian_links file, when it has one (without it, every shared email is told). Recounts the
// guardians' rows warned. No guardians file: nothing to do.
void check_guardian_contacts(std::vector<KindCheckResult>& kinds);

}  // namespace rosterd
