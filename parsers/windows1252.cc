#include "parsers/windows1252.h"

#include <array>
#include <cstdint>

namespace rosterd {
namespace {

// Code points of 0x80..0x9F; 0 marks a byte cp1252 does not define.
constexpr std::array<std::uint16_t, 32> kHigh = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

void append_code_point(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

bool append_windows1252_as_utf8(std::string& out, std::string_view in) {
  bool ok = true;
  for (char c : in) {
    const auto b = static_cast<std::uint8_t>(c);
    if (b < 0x80) {
      out += c;
    } else if (b < 0xA0) {
      const std::uint16_t cp = kHigh[b - 0x80];
      if (cp == 0) {
        ok = false;
        out += '?';
      } else {
        append_code_point(out, cp);
      }
    } else {
      append_code_point(out, b);  // 0xA0..0xFF are Latin-1, U+00A0..U+00FF
    }
  }
  return ok;
}

}  // namespace rosterd
