#include "core/student_index.h"

#include "core/hash.h"

namespace rosterd {
namespace {
std::uint32_t tag_of(std::uint64_t hash) {
  return static_cast<std::uint32_t>(hash >> 32);
}
}  // namespace

StudentIndex::StudentIndex(const StudentTable& table, Field key)
    : table_(&table), key_(key), slots_(1024, Slot{0, kEmpty}) {}

std::size_t StudentIndex::probe(std::string_view key, std::uint64_t hash) const {
  // Linear probing; kept at most half full.
  const std::size_t mask = slots_.size() - 1;
  const std::uint32_t tag = tag_of(hash);
  std::size_t slot = hash & mask;
  for (;;) {
    const Slot& s = slots_[slot];
    if (s.row == kEmpty) return slot;
    if (s.tag == tag && table_->get(s.row, key_) == key) return slot;
    slot = (slot + 1) & mask;
  }
}

void StudentIndex::rehash(std::size_t slots) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slots, Slot{0, kEmpty});
  const std::size_t mask = slots - 1;
  for (const Slot& s : old) {
    if (s.row == kEmpty) continue;
    // The tag keeps only the hash's high half: recompute the full hash for the new position.
    const std::uint64_t hash = hash_bytes(table_->get(s.row, key_));
    std::size_t slot = hash & mask;
    while (slots_[slot].row != kEmpty)
      slot = (slot + 1) & mask;
    slots_[slot] = s;
  }
}

void StudentIndex::reserve(std::size_t rows) {
  std::size_t want = 1024;
  while (want < rows * 2)
    want *= 2;
  if (want > slots_.size()) rehash(want);
}

std::optional<StudentIndex::Index> StudentIndex::insert(Index row) {
  return insert(row, hash_bytes(table_->get(row, key_)));
}

std::optional<StudentIndex::Index> StudentIndex::insert(Index row, std::uint64_t hash) {
  const std::string_view key = table_->get(row, key_);
  if (key.empty()) return std::nullopt;
  if ((count_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
  const std::size_t slot = probe(key, hash);
  if (slots_[slot].row != kEmpty) return slots_[slot].row;
  slots_[slot] = Slot{tag_of(hash), row};
  ++count_;
  return std::nullopt;
}

std::optional<StudentIndex::Index> StudentIndex::find(std::string_view key) const {
  if (key.empty()) return std::nullopt;
  const std::size_t slot = probe(key, hash_bytes(key));
  if (slots_[slot].row == kEmpty) return std::nullopt;
  return slots_[slot].row;
}

}  // namespace rosterd
