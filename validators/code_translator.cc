#include "validators/code_translator.h"

#include "core/error.h"

namespace rosterd {

CodeTranslator::CodeTranslator(std::string kind, ReferenceTable table, std::optional<CodeMap> map)
    : kind_(std::move(kind)), table_(std::move(table)), map_(std::move(map)) {
  if (!map_) return;
  for (const auto& [district, entry] : map_->entries()) {
    if (!table_.contains(entry.platform_code)) {
      throw ConfigError(map_->source() + ":" + std::to_string(entry.line) + ": district " + kind_ +
                        " \"" + district + "\" maps to \"" + entry.platform_code +
                        "\", which is not a code of the platform table " + table_.source() +
                        ". Correct the map, or add the code to the table.");
    }
  }
}

std::optional<std::string_view> CodeTranslator::translate(std::string_view value) const {
  if (map_) {
    if (const CodeMap::Entry* e = map_->find(value)) return std::string_view(e->platform_code);
  }
  if (table_.contains(value)) return value;
  return std::nullopt;
}

}  // namespace rosterd
