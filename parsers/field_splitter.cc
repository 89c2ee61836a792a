#include "parsers/field_splitter.h"

#include <cstring>

#include "core/text.h"

namespace rosterd {

std::optional<std::size_t> FieldSplitter::split(char* line, std::size_t length,
                                                std::vector<std::string_view>& fields) const {
  fields.clear();
  if (quote_ == QuoteMode::double_quote && std::memchr(line, '"', length) != nullptr) {
    return split_quoted(line, length, fields);
  }
  const char* p = line;
  const char* end = line + length;
  for (;;) {
    const auto* d =
        static_cast<const char*>(std::memchr(p, delimiter_, static_cast<std::size_t>(end - p)));
    if (d == nullptr) {
      fields.push_back(trim(std::string_view(p, static_cast<std::size_t>(end - p))));
      return std::nullopt;
    }
    fields.push_back(trim(std::string_view(p, static_cast<std::size_t>(d - p))));
    p = d + 1;
  }
}

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
