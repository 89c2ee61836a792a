#include "validators/code_map.h"

#include "core/error.h"
#include "parsers/code_list_reader.h"

namespace rosterd {

void CodeMap::add(std::string district_code, std::string platform_code, std::uint32_t line) {
  entries_.emplace(std::move(district_code), Entry{std::move(platform_code), line});
}

const CodeMap::Entry* CodeMap::find(std::string_view district_code) const {
  const auto it = entries_.find(district_code);
  return it == entries_.end() ? nullptr : &it->second;
}

CodeMap CodeMap::load(const std::filesystem::path& path) {
  CodeMap map;
  map.source_ = path.string();
  for (CodePair& p : read_code_pairs(path)) {
    if (const Entry* e = map.find(p.first)) {
      throw ConfigError(path.string() + ":" + std::to_string(p.line) + ": district code \"" +
                        p.first + "\" is already mapped on line " + std::to_string(e->line) +
                        ". Keep one line per district code.");
    }
    if (p.second.empty()) {
      throw ConfigError(path.string() + ":" + std::to_string(p.line) + ": district code \"" +
                        p.first + "\" maps to an empty platform code.");
    }
    map.add(std::move(p.first), std::move(p.second), p.line);
  }
  return map;
}

}  // namespace rosterd
