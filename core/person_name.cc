#include "core/person_name.h"

#include <cstdint>
#include <string>

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

// Each base is at most two letters, for a code point of two bytes: append_folded_name relies on
// a fold never being longer than what it folds.
constexpr bool bases_fit() {
  for (const char* base : kLatin)
    if (std::char_traits<char>::length(base) > 2) return false;
  return true;
}
static_assert(bases_fit());

}  // namespace

std::string fold_name(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  append_folded_name(out, s);
  return out;
}

void append_folded_name(std::string& out, std::string_view s) {
  // Written through a pointer into room made first: a fold is never longer than what it folds
  // (a letter of one byte gives at most one, of two bytes at most two, and other scripts are
  // copied), and this runs for the names of every row of a file.
  const std::size_t base = out.size();
  out.resize(base + s.size());
  char* w = out.data() + base;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') {
        *w++ = static_cast<char>(c - 'A' + 'a');
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        *w++ = static_cast<char>(c);
      }
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
      for (const char* base_letter = kLatin[cp - 0xC0]; *base_letter != '\0'; ++base_letter)
        *w++ = *base_letter;
    } else if (cp < 0xC0 || (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x2000 && cp <= 0x206F)) {
      // Latin-1 punctuation and symbols (no-break space...), combining accents (a decomposed
      // "é"), general punctuation (’ ‐ – and the typographic spaces): they do not count.
    } else {
      // Another script's letter (Vietnamese ạ, Greek, Cyrillic, CJK...): kept as written, so
      // that names that differ in it stay different.
      for (std::size_t k = 0; k < len; ++k)
        *w++ = s[i + k];
    }
    i += len;
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
}

}  // namespace rosterd
