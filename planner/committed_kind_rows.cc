#include "planner/committed_kind_rows.h"

#include <stdexcept>

#include "core/hash.h"

namespace rosterd {

CommittedKindRows::CommittedKindRows(EntityKind kind) {
  const EntityKindInfo& info = kind_info(kind);
  key_.assign(info.key.begin(), info.key.end());
  rows_.emplace(info.fields.size());
}

template <typename Get>
std::uint32_t CommittedKindRows::hash_key(const Get& get) const {
  std::uint64_t h = 0;
  for (std::size_t i = 0; i < key_.size(); ++i)
    h = hash_combine(h, get(i));
  return static_cast<std::uint32_t>(h);
}

template <typename Get>
std::optional<CommittedKindRows::Index> CommittedKindRows::find_by(std::uint32_t hash,
                                                                   const Get& get) const {
  if (slots_.empty()) return std::nullopt;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t s = hash & mask;; s = (s + 1) & mask) {
    const std::uint32_t r = slots_[s];
    if (r == kEmpty) return std::nullopt;
    if (hashes_[r] != hash) continue;
    bool same = true;
    for (std::size_t i = 0; i < key_.size() && same; ++i)
      same = rows_->get(r, key_[i]) == get(i);
    if (same) return r;
  }
}

CommittedKindRows::Index CommittedKindRows::add(std::span<const std::string_view> values,
                                                bool active) {
  if (!rows_) throw std::logic_error("a row added to committed rows of no kind");
  if (values.size() != rows_->fields()) {
    throw std::invalid_argument("a committed row of " + std::to_string(values.size()) +
                                " values for a kind of " + std::to_string(rows_->fields()) +
                                " fields");
  }
  const auto key_value = [&](std::size_t i) { return values[key_[i]]; };
  const std::uint32_t hash = hash_key(key_value);
  if (find_by(hash, key_value)) throw std::invalid_argument("two committed rows with the same key");
  const Index row = rows_->append(values, 0);
  active_.push_back(active);
  hashes_.push_back(hash);
  if (2 * active_.size() > slots_.size()) {
    rehash(active_.size());
  } else {
    const std::size_t mask = slots_.size() - 1;
    std::size_t s = hash & mask;
    while (slots_[s] != kEmpty)
      s = (s + 1) & mask;
    slots_[s] = row;
  }
  return row;
}

void CommittedKindRows::rehash(std::size_t rows) {
  std::size_t size = 16;
  while (size < 2 * rows)
    size *= 2;
  slots_.assign(size, kEmpty);
  const std::size_t mask = size - 1;
  for (Index r = 0; r < active_.size(); ++r) {
    std::size_t s = hashes_[r] & mask;
    while (slots_[s] != kEmpty)
      s = (s + 1) & mask;
    slots_[s] = r;
  }
}

void CommittedKindRows::reserve(std::size_t rows) {
  if (!rows_) return;
  rows_->reserve(rows);
  active_.reserve(rows);
  hashes_.reserve(rows);
  if (2 * rows > slots_.size()) rehash(rows);
}

std::optional<CommittedKindRows::Index> CommittedKindRows::find(const EntityTable& file,
                                                                EntityTable::Index row) const {
  if (!rows_) return std::nullopt;
  const auto key_value = [&](std::size_t i) { return file.get(row, key_[i]); };
  return find_by(hash_key(key_value), key_value);
}

std::optional<CommittedKindRows::Index> CommittedKindRows::find(
    std::span<const std::string_view> key) const {
  if (!rows_ || key.size() != key_.size()) return std::nullopt;
  const auto key_value = [&](std::size_t i) { return key[i]; };
  return find_by(hash_key(key_value), key_value);
}

std::vector<std::string> CommittedKindRows::values(Index row) const {
  std::vector<std::string> v;
  v.reserve(rows_->fields());
  for (std::size_t f = 0; f < rows_->fields(); ++f)
    v.emplace_back(rows_->get(row, f));
  return v;
}

bool CommittedKindRows::key_less(Index a, Index b) const {
  for (const std::size_t f : key_) {
    const int c = rows_->get(a, f).compare(rows_->get(b, f));
    if (c != 0) return c < 0;
  }
  return false;
}

}  // namespace rosterd
