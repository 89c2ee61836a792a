// Names compared as people, not as bytes: the key that tells whether two rows with different
// state IDs are probably the same student (issue "Identity"). Case, accents, blanks, hyphens,
// apostrophes and periods do not count: "José-María O'Neil" and "jose maria oneil" are equal.
#pragma once

#include <string>
#include <string_view>

namespace rosterd {

// The name folded for comparison: ASCII letters lowercased and digits kept; Latin letters with
// diacritics (UTF-8, Latin-1 Supplement and Latin Extended-A) fold to their base letter
// ("ß" to "ss", "æ" to "ae"); blanks, punctuation (ASCII, Latin-1 and general punctuation such
// as ’ and ‐), symbols, combining accents and broken bytes are dropped; letters of other
// scripts are kept as written (never folded to nothing, so "Hả" and "Hạ" stay different).
std::string fold_name(std::string_view utf8);

// The same, appended to `out` (no allocation when `out` has room: hot in every row's check).
void append_folded_name(std::string& out, std::string_view utf8);

}  // namespace rosterd
