// A fast-cpp-csv-parser byte source that hashes and inspects every byte as it is read.
//
// io::LineReader reads ahead on its own thread, so hashing there costs the parsing thread
// nothing and the file is read once. The stats are shared with the caller, who reads them only
// after the LineReader (and so its reader thread) is gone.
#pragma once

#include "parsers/fccp.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/sha256.h"

namespace rosterd {

struct ByteSourceStats {
  std::uint64_t bytes = 0;
  // NUL bytes never occur in a text roster; any means binary data (or UTF-16).
  std::uint64_t nul_bytes = 0;
  std::uint64_t first_nul_offset = 0;
  // Set once the source has delivered its last byte; sha256 is valid only then.
  bool complete = false;
  std::string sha256;
};

class HashingByteSource : public io::ByteSourceBase {
 public:
  // Reads from `fd`, which the source owns and closes.
  HashingByteSource(int fd, std::shared_ptr<ByteSourceStats> stats);
  // Reads from memory that outlives the source (tests, small inputs).
  HashingByteSource(std::string_view bytes, std::shared_ptr<ByteSourceStats> stats);
  ~HashingByteSource() override;

  // Fills up to `size` bytes; fewer only at the end. Throws std::system_error on a read error.
  int read(char* buffer, int size) override;

 private:
  int fd_ = -1;
  std::string_view memory_;
  Sha256 hash_;
  std::shared_ptr<ByteSourceStats> stats_;
};

}  // namespace rosterd
