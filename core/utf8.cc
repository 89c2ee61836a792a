#include "core/utf8.h"

#include <cstdint>
#include <cstring>

namespace rosterd {
namespace {

// Length of the valid UTF-8 sequence that starts at s[i], or 0 when it is not valid.
std::size_t sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  const std::uint8_t b0 = byte(i);
  const std::size_t left = s.size() - i;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    return (left >= 2 && (byte(i + 1) & 0xC0) == 0x80) ? 2 : 0;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (left < 3) return 0;
    const std::uint8_t b1 = byte(i + 1);
    if ((b1 & 0xC0) != 0x80 || (byte(i + 2) & 0xC0) != 0x80) return 0;
    if (b0 == 0xE0 && b1 < 0xA0) return 0;  // overlong
    if (b0 == 0xED && b1 > 0x9F) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (left < 4) return 0;
    const std::uint8_t b1 = byte(i + 1);
    if ((b1 & 0xC0) != 0x80 || (byte(i + 2) & 0xC0) != 0x80 || (byte(i + 3) & 0xC0) != 0x80)
      return 0;
    if (b0 == 0xF0 && b1 < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && b1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

void append_hex_escape(std::string& out, std::uint8_t b) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += "\\x";
  out += kHex[b >> 4];
  out += kHex[b & 0xF];
}

}  // namespace

bool is_ascii(std::string_view s) {
  std::uint8_t any = 0;
  for (char c : s)
    any |= static_cast<std::uint8_t>(c);
  return any < 0x80;
}

bool is_valid_utf8(std::string_view s) {
  if (is_ascii(s)) return true;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = sequence_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void append_display_safe(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<std::uint8_t>(s[i]);
    if (b < 0x20 || b == 0x7F) {
      append_hex_escape(out, b);
      ++i;
      continue;
    }
    const std::size_t n = sequence_length(s, i);
    if (n == 0) {
      append_hex_escape(out, b);
      ++i;
      continue;
    }
    // C1 control characters (U+0080..U+009F) can drive a terminal too.
    if (n == 2 && b == 0xC2 && static_cast<std::uint8_t>(s[i + 1]) < 0xA0) {
      append_hex_escape(out, b);
      append_hex_escape(out, static_cast<std::uint8_t>(s[i + 1]));
      i += 2;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
}

std::string display_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_display_safe(out, s);
  return out;
}

}  // namespace rosterd
