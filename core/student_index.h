// A hash index from a key field (the state ID) to rows of a StudentTable.
//
// Open addressing with a 32-bit fingerprint beside each 32-bit row number: at 1,000,000 rows it
// takes 16 MB (an unordered_map of strings would take ~100 MB), and a probe touches the table's
// row only when the fingerprint matches. The table owns the key bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/student_table.h"

namespace rosterd {

class StudentIndex {
 public:
  using Index = StudentTable::Index;

  // REQUIRES: `table` outlives the index.
  explicit StudentIndex(const StudentTable& table, Field key = Field::state_id);

  // Sizes the index for `rows` keys, so that filling it does not rehash.
  void reserve(std::size_t rows);

  // Inserts `row` under its key unless a row with the same key is indexed already; returns that
  // earlier row in that case (and does not insert). Rows with an empty key are never indexed.
  std::optional<Index> insert(Index row);
  // The same, with the key's hash_bytes() already computed.
  std::optional<Index> insert(Index row, std::uint64_t hash);

  std::optional<Index> find(std::string_view key) const;

  std::size_t size() const { return count_; }

 private:
  static constexpr Index kEmpty = UINT32_MAX;
  struct Slot {
    std::uint32_t tag;
    Index row;
  };

  void rehash(std::size_t slots);
  // The slot holding `key`, or the empty slot where it would go.
  std::size_t probe(std::string_view key, std::uint64_t hash) const;

  const StudentTable* table_;
  Field key_;
  std::vector<Slot> slots_;
  std::size_t count_ = 0;
};

}  // namespace rosterd
