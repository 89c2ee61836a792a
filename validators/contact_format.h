// The contact values of staff and guardians (docs/whole-roster.md): an email address a mail
// server would take, and a phone number. Districts' exports hold what a secretary typed; a
// value refused here is reported on its line and field (and the contact kept without it), never
// guessed at.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rosterd {

// Whether `text` is an address "local@domain" as districts send them: one '@'; a local part of
// 1 to 64 printable ASCII characters without blanks, quotes, commas, semicolons, brackets or
// two dots in a row; a domain of 2 to 253 characters, at least two labels of letters, digits
// and inner hyphens (1 to 63 each), the last not all digits. Quoted local parts, comments and
// address literals (user@[10.0.0.1]) are refused: no SIS exports them, and a list separator
// inside one would split it.
bool valid_email(std::string_view text);

// The phone number in `text` as digits, with a leading '+' when it has one: "(512) 555-0199"
// gives "5125550199", "+44 20 7946 0958" gives "+442079460958". Spaces, dots, hyphens and one
// pair of parentheses may separate the digits; an extension ("x12", "ext. 12") is dropped.
// nullopt when it has fewer than 7 or more than 15 digits (E.164's limit), or anything else.
std::optional<std::string> normalized_phone(std::string_view text);

}  // namespace rosterd
