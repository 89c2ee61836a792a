// Compact, append-only storage for the student rows of one roster (or one feed's committed state).
//
// A 1,000,000-row roster must fit in a few hundred MB, so a row is not twelve std::strings: its
// values are packed end to end in a TextArena, and a row keeps a pointer and twelve 16-bit end
// offsets. The arena's chunks never move, so string_views returned by get() stay valid for the
// table's lifetime. Rows are kept in a BlockList: a growing vector of 3M rows would hold its old
// and its new copy at once, and joining the parts of a file read on several threads would hold
// both parts and the whole.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/block_list.h"
#include "core/field.h"
#include "core/text_arena.h"

namespace rosterd {

using StudentValues = std::array<std::string_view, kFieldCount>;

class StudentTable {
 public:
  using Index = std::uint32_t;

  // A row's values may total at most this many bytes (the checker caps each field at 4096).
  static constexpr std::size_t kMaxRowBytes = 65535;

  StudentTable() = default;
  StudentTable(StudentTable&&) noexcept = default;
  StudentTable& operator=(StudentTable&&) noexcept = default;

  // Copies the values in and returns the new row's index.
  // REQUIRES: the values total at most kMaxRowBytes (throws std::length_error otherwise).
  Index append(const StudentValues& values, std::uint32_t line);

  std::string_view get(Index row, Field f) const;
  StudentValues values(Index row) const;

  // Asks the CPU for a row ahead of its use, in two steps some rows apart: its entry, then
  // (reading the entry) its values. A plan's changes in ID order visit the rows of a file not
  // in ID order far apart, a cache miss or two each without this.
  void prefetch_entry(Index row) const { __builtin_prefetch(&rows_[row]); }
  void prefetch_values(Index row) const;

  // The physical file line the row came from (0 when it came from the store).
  std::uint32_t line(Index row) const { return rows_[row].line; }

  // Rejected rows are kept (their IDs matter to the plan) but marked.
  bool rejected(Index row) const { return rows_[row].rejected; }
  void set_rejected(Index row) { rows_[row].rejected = true; }

  // Moves every row of `other` to the end of this table (no copy of their values, and each
  // block of its rows freed as soon as it is copied); the returned offset is added to other's
  // row indexes. Views into `other` stay valid.
  Index absorb(StudentTable&& other);

  // Removes the rows `sorted` names (ascending, each once): a later row's index goes down by
  // the number removed before it. Their values keep their memory until the table goes.
  void erase(std::span<const Index> sorted);

  std::size_t size() const { return rows_.size(); }
  bool empty() const { return rows_.empty(); }

 private:
  struct Row {
    const char* text;
    std::array<std::uint16_t, kFieldCount> ends;
    std::uint32_t line;
    bool rejected;
  };

  TextArena text_;
  BlockList<Row> rows_;
};

}  // namespace rosterd
