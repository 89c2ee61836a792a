#include "core/student_index.h"

#include <functional>

namespace rosterd {

StudentIndex::StudentIndex(const StudentTable& table, Field key)
    : table_(&table), key_(key), slots_(1024, kEmpty) {}

std::size_t StudentIndex::slot_for(std::string_view key) const {
  // Linear probing; the table is kept at most half full.
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = std::hash<std::string_view>{}(key)&mask;
  while (slots_[slot] != kEmpty && table_->get(slots_[slot], key_) != key) {
    slot = (slot + 1) & mask;
  }
  return slot;
}

void StudentIndex::grow() {
  std::vector<Index> old = std::move(slots_);
  slots_.assign(old.size() * 2, kEmpty);
  for (Index row : old) {
    if (row != kEmpty) slots_[slot_for(table_->get(row, key_))] = row;
  }
}

std::optional<StudentIndex::Index> StudentIndex::insert(Index row) {
  const std::string_view key = table_->get(row, key_);
  if (key.empty()) return std::nullopt;
  if ((count_ + 1) * 2 > slots_.size()) grow();
  const std::size_t slot = slot_for(key);
  if (slots_[slot] != kEmpty) return slots_[slot];
  slots_[slot] = row;
  ++count_;
  return std::nullopt;
}

std::optional<StudentIndex::Index> StudentIndex::find(std::string_view key) const {
  if (key.empty()) return std::nullopt;
  const std::size_t slot = slot_for(key);
  if (slots_[slot] == kEmpty) return std::nullopt;
  return slots_[slot];
}

}  // namespace rosterd
