#include "core/person_name.h"

#include <cstdint>

namespace rosterd {
namespace {

// Base letters of U+00C0..U+017F ("" where the code point is not a letter to keep).
constexpr const char* kLatin[] = {
    // U+00C0..U+00FF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  //
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",  //
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",  //
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",   //
    // U+0100..U+017F
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",    //
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",    //
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",    //
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",  //
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",    //
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",  //
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",    //
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",    //
};

static_assert(sizeof kLatin / sizeof kLatin[0] == 0x180 - 0xC0);

}  // namespace

std::string fold_name(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_folded_name(out, s);
  return out;
}

void append_folded_name(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    const std::size_t len = (c & 0xE0) == 0xC0   ? 2
                            : (c & 0xF0) == 0xE0 ? 3
                            : (c & 0xF8) == 0xF0 ? 4
                                                 : 0;
    bool valid = len != 0 && i + len <= s.size();
    std::uint32_t cp = len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
    for (std::size_t k = 1; valid && k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      valid = (b & 0xC0) == 0x80;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if (!valid) {
      ++i;  // a broken byte: dropped
      continue;
    }
    if (cp >= 0xC0 && cp <= 0x17F) {
      out += kLatin[cp - 0xC0];
    } else if (cp < 0xC0 || (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x2000 && cp <= 0x206F)) {
      // Latin-1 punctuation and symbols (no-break space...), combining accents (a decomposed
      // "é"), general punctuation (’ ‐ – and the typographic spaces): they do not count.
    } else {
      // Another script's letter (Vietnamese ạ, Greek, Cyrillic, CJK...): kept as written, so
      // that names that differ in it stay different.
      out.append(s.substr(i, len));
    }
    i += len;
  }
}

}  // namespace rosterd
