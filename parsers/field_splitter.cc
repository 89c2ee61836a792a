#include "parsers/field_splitter.h"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/text.h"

namespace rosterd {
namespace {

SplitResult scan_only(const char* line, std::size_t length) {
  SplitResult r;
  unsigned char any = 0;
  for (std::size_t i = 0; i < length; ++i) {
    const auto b = static_cast<unsigned char>(line[i]);
    any |= b;
    r.control |= (b < 0x20 && b != '\t') || b == 0x7F;
  }
  r.high = any >= 0x80;
  r.length = length;
  return r;
}

}  // namespace

#if defined(__SSE2__)

// 16 bytes at a time. Loads are 16-byte aligned, so a load never crosses into a page the line
// does not touch: reading past the terminating NUL up to the end of its block is safe, though
// AddressSanitizer cannot know that.
__attribute__((no_sanitize("address"))) SplitResult FieldSplitter::split(
    char* line, std::vector<std::string_view>& fields) const {
  fields.clear();
  const bool quotes = quote_ == QuoteMode::double_quote;
  const __m128i delimiter = _mm_set1_epi8(delimiter_);
  const __m128i zero = _mm_setzero_si128();
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i del = _mm_set1_epi8(0x7F);
  const auto address = reinterpret_cast<std::uintptr_t>(line);
  const char* block = reinterpret_cast<const char*>(address & ~std::uintptr_t{15});
  unsigned valid = 0xFFFFu << (address & 15);
  unsigned high = 0;
  unsigned control = 0;
  const char* start = line;
  for (;; block += 16, valid = 0xFFFF) {
    const __m128i v = _mm_load_si128(reinterpret_cast<const __m128i*>(block));
    const unsigned nul = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero))) & valid;
    if (nul != 0) valid &= (nul & (0u - nul)) - 1;  // the bytes before the NUL
    const unsigned signbit = static_cast<unsigned>(_mm_movemask_epi8(v));
    high |= signbit & valid;
    const unsigned below_space = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmplt_epi8(v, space)));
    const unsigned tabs = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, tab)));
    const unsigned dels = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, del)));
    control |= ((below_space & ~signbit & ~tabs) | dels) & valid;
    if (quotes &&
        (static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote))) & valid) != 0) {
      // Rare: redo the line with the quote-aware splitter.
      const std::size_t length = std::strlen(line);
      SplitResult r = scan_only(line, length);
      fields.clear();
      r.broken_field = split_quoted(line, length, fields);
      return r;
    }
    for (unsigned d =
             static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, delimiter))) & valid;
         d != 0; d &= d - 1) {
      const char* at = block + __builtin_ctz(d);
      fields.push_back(trim(std::string_view(start, static_cast<std::size_t>(at - start))));
      start = at + 1;
    }
    if (nul != 0) {
      const char* end = block + __builtin_ctz(nul);
      fields.push_back(trim(std::string_view(start, static_cast<std::size_t>(end - start))));
      SplitResult r;
      r.length = static_cast<std::size_t>(end - line);
      r.high = high != 0;
      r.control = control != 0;
      return r;
    }
  }
}

#else

SplitResult FieldSplitter::split(char* line, std::vector<std::string_view>& fields) const {
  fields.clear();
  const std::size_t length = std::strlen(line);
  SplitResult r = scan_only(line, length);
  if (quote_ == QuoteMode::double_quote && std::memchr(line, '"', length) != nullptr) {
    r.broken_field = split_quoted(line, length, fields);
    return r;
  }
  const char* p = line;
  const char* end = line + length;
  for (;;) {
    const auto* d =
        static_cast<const char*>(std::memchr(p, delimiter_, static_cast<std::size_t>(end - p)));
    if (d == nullptr) {
      fields.push_back(trim(std::string_view(p, static_cast<std::size_t>(end - p))));
      return r;
    }
    fields.push_back(trim(std::string_view(p, static_cast<std::size_t>(d - p))));
    p = d + 1;
  }
}

#endif

std::optional<std::size_t> FieldSplitter::split_quoted(
    char* line, std::size_t length, std::vector<std::string_view>& fields) const {
  std::optional<std::size_t> broken;
  char* p = line;
  char* const end = line + length;
  for (;;) {
    // Skip leading blanks to see whether the field is quoted.
    char* q = p;
    while (q < end && (*q == ' ' || *q == '\t'))
      ++q;
    if (q < end && *q == '"') {
      // Unescape in place: out trails in.
      char* out = q;
      char* in = q + 1;
      bool closed = false;
      while (in < end) {
        if (*in == '"') {
          if (in + 1 < end && in[1] == '"') {
            *out++ = '"';
            in += 2;
            continue;
          }
          closed = true;
          ++in;
          break;
        }
        *out++ = *in++;
      }
      const std::string_view value(q, static_cast<std::size_t>(out - q));
      // After the closing quote only blanks may come before the delimiter.
      while (in < end && (*in == ' ' || *in == '\t'))
        ++in;
      if (!closed || (in < end && *in != delimiter_)) {
        if (!broken) broken = fields.size();
        // Resynchronise at the next delimiter so the other fields can still be read.
        while (in < end && *in != delimiter_)
          ++in;
      }
      fields.push_back(trim(value));
      if (in >= end) return broken;
      p = in + 1;
      continue;
    }
    char* d = p;
    while (d < end && *d != delimiter_)
      ++d;
    fields.push_back(trim(std::string_view(p, static_cast<std::size_t>(d - p))));
    if (d >= end) return broken;
    p = d + 1;
  }
}

}  // namespace rosterd
