#include "validators/reference_table.h"

#include "core/error.h"
#include "parsers/code_list_reader.h"

namespace rosterd {

void ReferenceTable::add(std::string code, std::string name) {
  names_.emplace(std::move(code), std::move(name));
}

ReferenceTable ReferenceTable::load(const std::filesystem::path& path) {
  ReferenceTable table;
  table.source_ = path.string();
  for (CodePair& p : read_code_pairs(path)) {
    if (p.first.size() > kMaxCodeBytes) {
      throw ConfigError(path.string() + ":" + std::to_string(p.line) + ": the code \"" +
                        p.first.substr(0, 40) + "...\" is " + std::to_string(p.first.size()) +
                        " bytes long; a platform code is at most " + std::to_string(kMaxCodeBytes) +
                        ". Shorten it.");
    }
    if (table.contains(p.first)) {
      throw ConfigError(path.string() + ":" + std::to_string(p.line) + ": code \"" + p.first +
                        "\" is listed twice. Keep one line per code.");
    }
    table.add(std::move(p.first), std::move(p.second));
  }
  if (table.size() == 0) {
    throw ConfigError(path.string() +
                      ": the reference table lists no codes. Add one `Code|Name` line per code.");
  }
  return table;
}

}  // namespace rosterd
