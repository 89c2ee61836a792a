// A kind's committed rows as a plan reads them (planner/kind_plan.h): packed end to end like a
// file's rows (core/entity_table.h) and found by key through an open-addressing index of one
// 32-bit slot a row, because a district commits millions of enrollments and guardian links and
// the next night holds all of them beside the set it checks (docs/benchmarks.md, "whole roster").
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/entity_kind.h"
#include "core/entity_table.h"

namespace rosterd {

class CommittedKindRows {
 public:
  using Index = EntityTable::Index;

  // No rows, of no kind: what a kind never committed plans against.
  CommittedKindRows() = default;
  explicit CommittedKindRows(EntityKind kind);

  // Adds a committed row, its values in the kind's field order. REQUIRES: a kind (throws
  // std::logic_error otherwise), values.size() == the kind's field count, and no row with the
  // same key fields already added (throws std::invalid_argument: the store keys each row once).
  Index add(std::span<const std::string_view> values, bool active);

  // The row whose key fields equal those of row `row` of `file` (a table of the same kind), or
  // of `key` (the key fields' values in the kind's key order).
  std::optional<Index> find(const EntityTable& file, EntityTable::Index row) const;
  std::optional<Index> find(std::span<const std::string_view> key) const;

  std::string_view get(Index row, std::size_t field) const { return rows_->get(row, field); }
  std::vector<std::string> values(Index row) const;
  bool active(Index row) const { return active_[row]; }

  // Orders rows by their key fields, field by field in byte order (the store's ORDER BY).
  bool key_less(Index a, Index b) const;

  std::size_t size() const { return active_.size(); }
  std::size_t fields() const { return rows_ ? rows_->fields() : 0; }
  void reserve(std::size_t rows);

 private:
  template <typename Get>
  std::uint32_t hash_key(const Get& get) const;
  template <typename Get>
  std::optional<Index> find_by(std::uint32_t hash, const Get& get) const;
  // Sizes the index for `rows` rows (at most half full) and puts every row in it.
  void rehash(std::size_t rows);

  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  std::vector<std::size_t> key_;  // the kind's key fields
  std::optional<EntityTable> rows_;
  std::vector<bool> active_;
  std::vector<std::uint32_t> hashes_;  // each row's key hash, to grow the index
  std::vector<std::uint32_t> slots_;   // row indexes; size a power of two, at most half full
};

}  // namespace rosterd
