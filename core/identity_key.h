// Whether two rows with different state IDs describe the same person: the comparison behind
// possible matches, re-key detection, go-live reconciliation and same_person_two_ids
// (docs/identity.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/student_table.h"

namespace rosterd {

// The fields two rows must agree on to be the same person (a feed's `identity.match_on`).
// Always holds last_name and birth_date: the store finds candidates by those two.
using MatchFields = std::vector<Field>;

MatchFields default_match_fields();  // first_name, last_name, birth_date

// The fields `match_on` may name: the name parts, birth_date, local_id, grade and campus.
bool can_match_on(Field f);

// A value as matching compares it: names folded (fold_name) — or, when folding leaves nothing
// (a name in a script fold_name does not know), lowercased as written, so that two such names
// are never equal merely for being empty; other fields as they are.
std::string match_value(Field f, std::string_view value);

// The key the store keeps beside every student: folded last name and birth date. Two rows that
// `same_person` accepts always have equal keys (given last_name and birth_date in the fields).
std::uint64_t identity_key(std::string_view last_name, std::string_view birth_date);

// A hash of the match values of `fields`: rows with equal hashes are the same person (a 64-bit
// collision between different people is ~1 in 10^7 at a million rows).
std::uint64_t person_hash(const StudentValues& v, const MatchFields& fields);

// True when `a` and `b` agree on every one of `fields` (as match values). A blank first name,
// last name or birth date matches nobody; another field blank on both sides agrees.
bool same_person(const StudentValues& a, const StudentValues& b, const MatchFields& fields);

// How alike two records are, 0..100, for a person deciding: first and last name and birth date
// 20 each, middle name, local ID, grade and campus 10 each; a field blank on one
// side only counts half (blank on both: they agree).
int match_score(const StudentValues& a, const StudentValues& b);

// A view of kFieldCount values held as strings.
StudentValues values_view(const std::vector<std::string>& values);

}  // namespace rosterd
