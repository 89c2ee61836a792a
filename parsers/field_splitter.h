// Splits one roster line into trimmed fields, with or without double-quote escaping.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "parsers/roster_format.h"

namespace rosterd {

struct SplitResult {
  std::size_t length = 0;  // bytes in the line
  bool high = false;       // a byte >= 0x80: values need UTF-8 validation or transcoding
  bool control = false;    // a control character other than tab
  // The index of the first field whose quoting is broken (unclosed, or text after the closing
  // quote), when there is one.
  std::optional<std::size_t> broken_field;
};

class FieldSplitter {
 public:
  FieldSplitter(char delimiter, QuoteMode quote) : delimiter_(delimiter), quote_(quote) {}

  // Splits the NUL-terminated `line` (modified in place when quotes are removed) into `fields`,
  // each trimmed of surrounding blanks, in one pass that also notes what decoding the line
  // needs. With double quotes, a field that starts with '"' runs to its closing quote, "" inside
  // it is one quote, and a delimiter inside it is text; a quote inside an unquoted field is
  // text. The fields' views point into `line`.
  SplitResult split(char* line, std::vector<std::string_view>& fields) const;

 private:
  std::optional<std::size_t> split_quoted(char* line, std::size_t length,
                                          std::vector<std::string_view>& fields) const;

  char delimiter_;
  QuoteMode quote_;
};

}  // namespace rosterd
