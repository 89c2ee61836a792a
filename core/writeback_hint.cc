#include "core/writeback_hint.h"

#include <fcntl.h>

#include <algorithm>

namespace rosterd {

void WritebackHint::wrote(int fd, std::int64_t offset, std::int64_t n) {
  if (fd < 0 || n <= 0) return;
  if (pending_ == 0) {
    from_ = offset;
    to_ = offset + n;
  } else {
    from_ = std::min(from_, offset);
    to_ = std::max(to_, offset + n);
  }
  pending_ += n;
  if (pending_ < kEvery) return;
  // A hint: its failure changes nothing but when the kernel writes.
  ::sync_file_range(fd, from_, to_ - from_, SYNC_FILE_RANGE_WRITE);
  pending_ = 0;
}

}  // namespace rosterd
