// A fast-cpp-csv-parser byte source over one byte range of a RandomAccessFile: lets each part
// of a large roster have its own io::LineReader.
#pragma once

#include <cstdint>

#include "parsers/fccp.h"
#include "parsers/random_access_file.h"

namespace rosterd {

class RangeByteSource : public io::ByteSourceBase {
 public:
  // REQUIRES: `file` outlives the source; begin <= end <= file.size().
  RangeByteSource(const RandomAccessFile& file, std::uint64_t begin, std::uint64_t end)
      : file_(file), next_(begin), end_(end) {}

  int read(char* buffer, int size) override {
    const std::uint64_t want =
        std::min<std::uint64_t>(static_cast<std::uint64_t>(size), end_ - next_);
    const std::size_t got = file_.read_at(buffer, static_cast<std::size_t>(want), next_);
    next_ += got;
    return static_cast<int>(got);
  }

 private:
  const RandomAccessFile& file_;
  std::uint64_t next_;
  std::uint64_t end_;
};

}  // namespace rosterd
