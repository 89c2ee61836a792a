// Small string helpers shared by every layer.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace rosterd {

// Removes surrounding blanks (spaces and tabs): roster values are compared trimmed. Inline: it
// runs for every field of every row.
inline std::string_view trim(std::string_view s) {
  std::size_t b = 0;
  std::size_t e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t'))
    ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
    --e;
  return s.substr(b, e - b);
}

// ASCII-only case folding; header names and config words are ASCII.
bool iequals(std::string_view a, std::string_view b);
std::string ascii_lower(std::string_view s);

// Splits on `sep`, keeping empty pieces.
std::vector<std::string_view> split(std::string_view s, char sep);

// "1,234,567": counts in reports are read by people.
std::string group_thousands(unsigned long long n);

// "lines 2, 7 and 9" for the lines of one value's rows in a file (in file order), the first
// ten of them named and the rest counted: "lines 2, 3, ..., 11 and 5 more".
std::string lines_phrase(const std::vector<std::uint32_t>& lines);

}  // namespace rosterd

namespace rosterd {

// Lets unordered containers keyed by std::string be searched with a string_view, without
// building a temporary string on the hot path.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

}  // namespace rosterd
