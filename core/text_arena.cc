#include "core/text_arena.h"

#include <sys/mman.h>

#include <cstdlib>
#include <iterator>
#include <new>

namespace rosterd {

void TextArena::ChunkFree::operator()(char* p) const noexcept {
  std::free(p);
}

char* TextArena::allocate(std::size_t bytes) {
  if (chunks_.empty() || chunk_used_ + bytes > chunk_size_) {
    chunk_size_ = kChunkBytes;
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

void TextArena::absorb(TextArena&& other) {
  // Keep filling our own last chunk: other's chunks go in front of it.
  chunks_.insert(chunks_.begin(), std::make_move_iterator(other.chunks_.begin()),
                 std::make_move_iterator(other.chunks_.end()));
  other.chunks_.clear();
  other.chunk_used_ = other.chunk_size_ = 0;
}

}  // namespace rosterd
