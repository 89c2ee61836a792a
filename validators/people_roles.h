// People in several roles (docs/whole-roster.md): a staff member who is also a guardian (a
// teacher who is a parent) is one person to the platform, one account with both roles, when the
// feed's person key agrees on both records; SchoolStatus documents it so (one account when name,
// email and phone agree, separate ones when the district gives different emails).
#pragma once

#include <string_view>
#include <vector>

#include "validators/kind_check.h"

namespace rosterd {

// Tells, on each accepted guardian whose person key is an accepted staff member's, that they are
// one person in two roles (person_in_two_roles, a warning naming the staff member and line). A
// key compares each of its parts, each required on both records: email (without regard to case),
// name (first and last, without regard to case or spacing), phone (its digits), id (the guardian
// ID is the staff ID: a district person ID). Without staff or guardians, or an empty key: nothing
// to do. Recounts the guardians' rows warned.
void check_people_in_two_roles(std::vector<KindCheckResult>& kinds, const PersonKey& key);

}  // namespace rosterd
