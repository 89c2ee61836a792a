// Positioned reads from a roster, whether it is a file or bytes in memory, so that several
// readers (parts of the file, the hashing thread) can read it at once without sharing a cursor.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace rosterd {

class RandomAccessFile {
 public:
  // Opens `path` for reading. Throws rosterd::Error naming the path when it cannot be opened or
  // is not a regular file.
  static RandomAccessFile open(const std::filesystem::path& path);
  // Reads from `bytes`, which must outlive the object.
  static RandomAccessFile from_memory(std::string_view bytes);

  RandomAccessFile(RandomAccessFile&& other) noexcept;
  RandomAccessFile& operator=(RandomAccessFile&&) = delete;
  RandomAccessFile(const RandomAccessFile&) = delete;
  ~RandomAccessFile();

  std::uint64_t size() const { return size_; }

  // Reads up to `n` bytes at `offset`; fewer only at the end of the file. Thread-safe.
  // Throws std::system_error on a read error.
  std::size_t read_at(char* buffer, std::size_t n, std::uint64_t offset) const;

 private:
  RandomAccessFile() = default;

  int fd_ = -1;
  std::string_view memory_;
  std::uint64_t size_ = 0;
};

}  // namespace rosterd
