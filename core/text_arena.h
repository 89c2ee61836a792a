// Append-only storage for many short strings: their bytes packed end to end in large chunks that
// never move, so views into them stay valid for the arena's lifetime. A table of a million rows
// keeps its values here instead of in a million std::strings (StudentTable, EntityTable).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace rosterd {

class TextArena {
 public:
  // 4 MiB chunks, 2 MiB-aligned and advised for transparent huge pages: at 1M rows the arena
  // is ~70 MB, and 4 KiB pages would cost ~17k page faults.
  static constexpr std::size_t kChunkBytes = 4u << 20;

  TextArena() = default;
  TextArena(TextArena&&) noexcept = default;
  TextArena& operator=(TextArena&&) noexcept = default;

  // Room for `bytes` bytes, contiguous. REQUIRES: bytes <= kChunkBytes. Throws std::bad_alloc.
  char* allocate(std::size_t bytes);

  // Takes every chunk of `other` (its bytes stay where they are, so views into them stay
  // valid), and goes on filling this arena's own last chunk.
  void absorb(TextArena&& other);

 private:
  struct ChunkFree {
    void operator()(char* p) const noexcept;
  };
  std::vector<std::unique_ptr<char[], ChunkFree>> chunks_;
  std::size_t chunk_used_ = 0;
  std::size_t chunk_size_ = 0;
};

}  // namespace rosterd
