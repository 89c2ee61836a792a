// UTF-8 validation and safe display of untrusted bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rosterd {

// True when every byte is below 0x80 (the common case, checked first because it is cheap).
bool is_ascii(std::string_view s);

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s);

// The text with every byte that is not valid UTF-8, and every control character, written as
// \xHH, so that a value from a file can be printed to a terminal, a log or a report safely.
std::string display_safe(std::string_view s);

// Appends `s` to `out` as display_safe does, without a temporary string.
void append_display_safe(std::string& out, std::string_view s);

}  // namespace rosterd
