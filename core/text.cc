#include "core/text.h"

#include <algorithm>

namespace rosterd {

static char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = lower(c);
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(s.substr(start));
      return parts;
    }
    parts.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string group_thousands(unsigned long long n) {
  std::string digits = std::to_string(n);
  std::string out;
  const std::size_t first = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  out.append(digits, 0, first);
  for (std::size_t i = first; i < digits.size(); i += 3) {
    out += ',';
    out.append(digits, i, 3);
  }
  return out;
}

std::string lines_phrase(const std::vector<std::uint32_t>& lines) {
  std::string where = "lines ";
  const std::size_t shown = std::min<std::size_t>(lines.size(), 10);
  for (std::size_t g = 0; g < shown; ++g) {
    if (g != 0) where += g + 1 == lines.size() ? " and " : ", ";
    where += std::to_string(lines[g]);
  }
  if (shown < lines.size()) where += " and " + std::to_string(lines.size() - shown) + " more";
  return where;
}

}  // namespace rosterd
