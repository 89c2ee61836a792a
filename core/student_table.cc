#include "core/student_table.h"

#include <cstring>
#include <stdexcept>

namespace rosterd {

StudentTable::Index StudentTable::append(const StudentValues& values, std::uint32_t line) {
  std::size_t total = 0;
  for (const auto& v : values)
    total += v.size();
  if (total > kMaxRowBytes) throw std::length_error("student row longer than 65535 bytes");
  if (rows_.size() >= UINT32_MAX) throw std::length_error("more than 4 billion student rows");

  char* text = text_.allocate(total);  // a row is at most kMaxRowBytes, far below a chunk
  Row& row = rows_.push_back();
  std::size_t end = 0;
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (!values[i].empty()) std::memcpy(text + end, values[i].data(), values[i].size());
    end += values[i].size();
    row.ends[i] = static_cast<std::uint16_t>(end);
  }
  row.text = text;
  row.line = line;
  row.rejected = false;
  return static_cast<Index>(rows_.size() - 1);
}

StudentTable::Index StudentTable::absorb(StudentTable&& other) {
  const auto offset = static_cast<Index>(rows_.size());
  rows_.append(std::move(other.rows_));
  text_.absorb(std::move(other.text_));
  return offset;
}

void StudentTable::erase(std::span<const Index> sorted) {
  std::size_t next = 0;  // the next row of `sorted` to remove
  std::size_t kept = 0;
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    if (next < sorted.size() && sorted[next] == r) {
      ++next;
      continue;
    }
    rows_[kept++] = rows_[r];
  }
  rows_.truncate(kept);
}

std::string_view StudentTable::get(Index row, Field f) const {
  const Row& r = rows_[row];
  const std::size_t i = field_index(f);
  const std::size_t begin = i == 0 ? 0 : r.ends[i - 1];
  return std::string_view(r.text + begin, r.ends[i] - begin);
}

void StudentTable::prefetch_values(Index row) const {
  const Row& r = rows_[row];
  const std::size_t bytes = r.ends[kFieldCount - 1];
  for (std::size_t at = 0; at < bytes; at += 64)
    __builtin_prefetch(r.text + at);
  if (bytes != 0) __builtin_prefetch(r.text + bytes - 1);  // the last line the values reach
}

StudentValues StudentTable::values(Index row) const {
  StudentValues out;
  for (Field f : kAllFields)
    out[field_index(f)] = get(row, f);
  return out;
}

}  // namespace rosterd
