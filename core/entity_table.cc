#include "core/entity_table.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace rosterd {

EntityTable::EntityTable(std::size_t fields) : fields_(fields) {
  if (fields == 0 || fields > 64)
    throw std::invalid_argument("an entity table has 1 to 64 fields, not " +
                                std::to_string(fields));
}

EntityTable::Index EntityTable::append(std::span<const std::string_view> values,
                                       std::uint32_t line) {
  if (values.size() != fields_) {
    throw std::invalid_argument("a row of " + std::to_string(values.size()) +
                                " values for a table of " + std::to_string(fields_) + " fields");
  }
  std::size_t total = 0;
  for (const std::string_view v : values)
    total += v.size();
  if (total > kMaxRowBytes) throw std::length_error("a row longer than 65535 bytes");
  if (lines_.size() >= UINT32_MAX) throw std::length_error("more than 4 billion rows");

  char* text = text_.allocate(total);  // at most kMaxRowBytes, far below a chunk
  std::size_t end = 0;
  for (const std::string_view v : values) {
    if (!v.empty()) std::memcpy(text + end, v.data(), v.size());
    end += v.size();
    ends_.push_back(static_cast<std::uint16_t>(end));
  }
  texts_.push_back(text);
  lines_.push_back(line);
  rejected_.push_back(false);
  return static_cast<Index>(lines_.size() - 1);
}

std::string_view EntityTable::get(Index row, std::size_t field) const {
  const std::size_t at = static_cast<std::size_t>(row) * fields_ + field;
  const std::size_t begin = field == 0 ? 0 : ends_[at - 1];
  return std::string_view(texts_[row] + begin, ends_[at] - begin);
}

void EntityTable::reserve(std::size_t rows) {
  texts_.reserve(rows);
  ends_.reserve(rows * fields_);
  lines_.reserve(rows);
  rejected_.reserve(rows);
}

}  // namespace rosterd
