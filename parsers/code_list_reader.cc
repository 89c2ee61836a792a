#include "parsers/code_list_reader.h"

#include <algorithm>
#include <cstring>
#include <fstream>

#include "parsers/fccp.h"

#include "core/error.h"
#include "core/log.h"
#include "core/text.h"
#include "core/utf8.h"
#include "parsers/field_splitter.h"

namespace rosterd {
namespace {

bool has_lowercase(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// Whether the line taken as the header looks like one more pair of data: a header's values are
// words, mostly in mixed case (Code|Name, DistrictCode|PlatformCode); codes have no lowercase
// letter and are no longer than the codes below them.
bool looks_like_data(std::string_view first, std::string_view second,
                     const std::vector<CodePair>& pairs) {
  static const char* kHeaderWords[] = {"code",     "codes",        "id",
                                       "district", "districtcode", "district_code",
                                       "platform", "platformcode", "platform_code",
                                       "from",     "to",           "value",
                                       "name",     "names",        "description"};
  for (std::string_view v : {first, second}) {
    const std::string lower = ascii_lower(v);
    for (const char* w : kHeaderWords) {
      if (lower == w) return false;
    }
  }
  if (pairs.empty()) return false;
  std::size_t longest_first = 0, longest_second = 0;
  for (const CodePair& p : pairs) {
    longest_first = std::max(longest_first, p.first.size());
    longest_second = std::max(longest_second, p.second.size());
  }
  return (!has_lowercase(first) && first.size() <= longest_first) ||
         (!has_lowercase(second) && second.size() <= longest_second);
}

}  // namespace

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
    std::string header_first, header_second;
    std::string header_text;
    unsigned header_line = 0;
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
        header_first = std::string(trim(fields[0]));
        header_second = std::string(trim(fields[1]));
        header_line = lines.get_file_line();
        header_text = std::string(text);
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
    if (looks_like_data(header_first, header_second, pairs)) {
      // Read as the header, so not used as a pair: said at every start, since a lost grade or
      // campus makes every row that has it a discrepancy.
      log::warning("config.header_looks_like_data",
                   {{"file", path.string()},
                    {"line", std::to_string(header_line)},
                    {"header", display_safe(header_text)},
                    {"what_to_do",
                     "the first line is taken as the header and not used; if it is data, add a "
                     "header line such as Code|Name or DistrictCode|PlatformCode above it"}});
    }
  } catch (const io::error::base& e) {
    throw ConfigError(where + " " + e.what());
  }
  return pairs;
}

}  // namespace rosterd
