// Splits one roster line into trimmed fields, with or without double-quote escaping.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "parsers/roster_format.h"

namespace rosterd {

class FieldSplitter {
 public:
  FieldSplitter(char delimiter, QuoteMode quote) : delimiter_(delimiter), quote_(quote) {}

  // Splits `line` (NUL-terminated, `length` bytes, modified in place when quotes are removed)
  // into `fields`, each trimmed of surrounding blanks. With double quotes, a field that starts
  // with '"' runs to its closing quote, "" inside it is one quote, and a delimiter inside it is
  // text; a quote inside an unquoted field is text. Returns the index of the first field whose
  // quoting is broken (unclosed, or text after the closing quote), or nullopt when all is well.
  // The fields' views point into `line`.
  std::optional<std::size_t> split(char* line, std::size_t length,
                                   std::vector<std::string_view>& fields) const;

 private:
  std::optional<std::size_t> split_quoted(char* line, std::size_t length,
                                          std::vector<std::string_view>& fields) const;

  char delimiter_;
  QuoteMode quote_;
};

}  // namespace rosterd
