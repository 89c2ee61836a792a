#include "parsers/code_list_reader.h"

#include <cstring>
#include <fstream>

#include "parsers/fccp.h"

#include "core/error.h"
#include "core/text.h"
#include "core/utf8.h"
#include "parsers/field_splitter.h"

namespace rosterd {

std::vector<CodePair> read_code_pairs(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw ConfigError(path.string() + ": cannot open: " + std::strerror(errno) +
                      ". Check the path (relative paths start at the config file's folder).");
  }
  const std::string where = path.string() + ":";
  std::vector<CodePair> pairs;
  try {
    io::LineReader lines(path.string(), in);
    const FieldSplitter splitter('|', QuoteMode::none);
    std::vector<std::string_view> fields;
    bool header = true;
    while (char* line = lines.next_line()) {
      const std::size_t length = std::strlen(line);
      const std::string_view text = trim(std::string_view(line, length));
      if (text.empty()) continue;
      const std::string at = where + std::to_string(lines.get_file_line()) + ": ";
      if (!is_valid_utf8(text))
        throw ConfigError(at + "the line is not valid UTF-8. Save the file as UTF-8.");
      splitter.split(line, fields);
      if (header) {
        header = false;
        if (fields.size() < 2) {
          throw ConfigError(at +
                            "the header must have two '|'-separated columns (e.g. Code|Name).");
        }
        continue;
      }
      if (fields.size() < 2) {
        throw ConfigError(at + "expected two '|'-separated values, found one (\"" +
                          display_safe(text) + "\").");
      }
      if (fields[0].empty()) throw ConfigError(at + "the code in the first column is empty.");
      pairs.push_back(
          CodePair{lines.get_file_line(), std::string(fields[0]), std::string(fields[1])});
    }
  } catch (const io::error::base& e) {
    throw ConfigError(where + " " + e.what());
  }
  return pairs;
}

}  // namespace rosterd
