// Windows-1252 to UTF-8: many district SIS exports still come out of Windows tools in cp1252.
#pragma once

#include <string>
#include <string_view>

namespace rosterd {

// Appends the UTF-8 form of `in` to `out`. Returns false (and appends nothing sensible for the
// offending byte) when `in` holds one of the five bytes cp1252 leaves undefined
// (0x81, 0x8D, 0x8F, 0x90, 0x9D).
bool append_windows1252_as_utf8(std::string& out, std::string_view in);

}  // namespace rosterd
