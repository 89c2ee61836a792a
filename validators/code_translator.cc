#include "validators/code_translator.h"

#include "core/error.h"
#include "core/hash.h"

namespace rosterd {

CodeTranslator::CodeTranslator(std::string kind, ReferenceTable table, std::optional<CodeMap> map)
    : kind_(std::move(kind)), table_(std::move(table)), map_(std::move(map)) {
  const std::size_t entries = table_.size() + (map_ ? map_->entries().size() : 0);
  std::size_t size = 16;
  while (size < entries * 2)
    size *= 2;
  slots_.resize(size);
  if (map_) {
    for (const auto& [district, entry] : map_->entries())
      add_slot(district, entry.platform_code);
  }
  for (const auto& [code, name] : table_.entries())
    add_slot(code, code);
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

void CodeTranslator::add_slot(const std::string& value, const std::string& platform_code) {
  const std::uint64_t hash = hash_bytes(value);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.used && s.hash == hash && s.value == value) return;  // a map entry wins over the table
    if (!s.used) {
      s = Slot{hash, true, value, platform_code};
      return;
    }
  }
}

std::optional<std::string_view> CodeTranslator::translate(std::string_view value) const {
  // Codes are short: hash_bytes reads them in one or two words.
  const std::uint64_t hash = hash_bytes(value);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (!s.used) return std::nullopt;
    if (s.hash == hash && s.value == value) return std::string_view(s.platform_code);
  }
}

}  // namespace rosterd
