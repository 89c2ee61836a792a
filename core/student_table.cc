#include "core/student_table.h"

#include <sys/mman.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>

namespace rosterd {

void StudentTable::ChunkFree::operator()(char* p) const noexcept {
  std::free(p);
}

char* StudentTable::allocate(std::size_t bytes) {
  if (chunks_.empty() || chunk_used_ + bytes > chunk_size_) {
    chunk_size_ = kChunkBytes;  // a row is at most kMaxRowBytes, far below a chunk
    auto* chunk = static_cast<char*>(std::aligned_alloc(2u << 20, chunk_size_));
    if (chunk == nullptr) throw std::bad_alloc();
    ::madvise(chunk, chunk_size_, MADV_HUGEPAGE);  // a hint: fine if the kernel says no
    chunks_.emplace_back(chunk);
    chunk_used_ = 0;
  }
  char* p = chunks_.back().get() + chunk_used_;
  chunk_used_ += bytes;
  return p;
}

StudentTable::Index StudentTable::append(const StudentValues& values, std::uint32_t line) {
  std::size_t total = 0;
  for (const auto& v : values)
    total += v.size();
  if (total > kMaxRowBytes) throw std::length_error("student row longer than 65535 bytes");
  if (rows_.size() >= UINT32_MAX) throw std::length_error("more than 4 billion student rows");

  Row row{};
  char* text = allocate(total);
  std::size_t end = 0;
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (!values[i].empty()) std::memcpy(text + end, values[i].data(), values[i].size());
    end += values[i].size();
    row.ends[i] = static_cast<std::uint16_t>(end);
  }
  row.text = text;
  row.line = line;
  row.rejected = false;
  rows_.push_back(row);
  return static_cast<Index>(rows_.size() - 1);
}

StudentTable::Index StudentTable::absorb(StudentTable&& other) {
  const auto offset = static_cast<Index>(rows_.size());
  rows_.insert(rows_.end(), other.rows_.begin(), other.rows_.end());
  // Keep filling our own last chunk: move other's chunks in front of it.
  chunks_.insert(chunks_.begin(), std::make_move_iterator(other.chunks_.begin()),
                 std::make_move_iterator(other.chunks_.end()));
  other.rows_.clear();
  other.chunks_.clear();
  other.chunk_used_ = other.chunk_size_ = 0;
  return offset;
}

std::string_view StudentTable::get(Index row, Field f) const {
  const Row& r = rows_[row];
  const std::size_t i = field_index(f);
  const std::size_t begin = i == 0 ? 0 : r.ends[i - 1];
  return std::string_view(r.text + begin, r.ends[i] - begin);
}

StudentValues StudentTable::values(Index row) const {
  StudentValues out;
  for (Field f : kAllFields)
    out[field_index(f)] = get(row, f);
  return out;
}

}  // namespace rosterd
