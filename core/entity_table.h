// Compact, append-only storage for the rows of one kind of a roster (core/entity_kind.h): the
// generic StudentTable. Five million enrollments must fit in a few hundred MB, so a row's
// values are packed end to end in a TextArena, and a row keeps a pointer, its line and one
// 16-bit end offset a field, all rows' offsets in one flat vector.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/text_arena.h"

namespace rosterd {

class EntityTable {
 public:
  using Index = std::uint32_t;

  // A row's values may total at most this many bytes.
  static constexpr std::size_t kMaxRowBytes = 65535;

  // A table of rows of `fields` values each. REQUIRES: 0 < fields <= 64.
  explicit EntityTable(std::size_t fields);
  EntityTable(EntityTable&&) noexcept = default;
  EntityTable& operator=(EntityTable&&) noexcept = default;

  // Copies the values in and returns the new row's index. REQUIRES: values.size() == fields()
  // (throws std::invalid_argument otherwise) and the values total at most kMaxRowBytes (throws
  // std::length_error otherwise).
  Index append(std::span<const std::string_view> values, std::uint32_t line);

  // Value `field` of row `row`; valid for the table's lifetime.
  std::string_view get(Index row, std::size_t field) const;

  // The physical file line the row came from (0 when it came from the store).
  std::uint32_t line(Index row) const { return lines_[row]; }

  // Rejected rows are kept (their keys matter to the plan and to references) but marked.
  bool rejected(Index row) const { return rejected_[row]; }
  void set_rejected(Index row) { rejected_[row] = true; }

  std::size_t fields() const { return fields_; }
  std::size_t size() const { return lines_.size(); }
  bool empty() const { return lines_.empty(); }
  void reserve(std::size_t rows);

 private:
  std::size_t fields_;
  TextArena text_;
  std::vector<const char*> texts_;   // a row's first byte
  std::vector<std::uint16_t> ends_;  // fields_ a row: where each value ends, from texts_[row]
  std::vector<std::uint32_t> lines_;
  std::vector<bool> rejected_;
};

}  // namespace rosterd
