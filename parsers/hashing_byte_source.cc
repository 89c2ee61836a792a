#include "parsers/hashing_byte_source.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace rosterd {

HashingByteSource::HashingByteSource(int fd, std::shared_ptr<ByteSourceStats> stats)
    : fd_(fd), stats_(std::move(stats)) {}

HashingByteSource::HashingByteSource(std::string_view bytes, std::shared_ptr<ByteSourceStats> stats)
    : memory_(bytes), stats_(std::move(stats)) {}

HashingByteSource::~HashingByteSource() {
  if (fd_ >= 0) ::close(fd_);
}

int HashingByteSource::read(char* buffer, int size) {
  std::size_t got = 0;
  const auto want = static_cast<std::size_t>(size);
  if (fd_ >= 0) {
    while (got < want) {
      const ssize_t n = ::read(fd_, buffer + got, want - got);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw std::system_error(errno, std::generic_category(), "read");
      }
      if (n == 0) break;
      got += static_cast<std::size_t>(n);
    }
  } else {
    got = want < memory_.size() ? want : memory_.size();
    if (got != 0) std::memcpy(buffer, memory_.data(), got);
    memory_.remove_prefix(got);
  }

  if (got != 0) {
    hash_.update(buffer, got);
    const char* nul = static_cast<const char*>(std::memchr(buffer, '\0', got));
    if (nul != nullptr) {
      if (stats_->nul_bytes == 0)
        stats_->first_nul_offset = stats_->bytes + static_cast<std::uint64_t>(nul - buffer);
      for (const char* p = nul; p < buffer + got; ++p)
        stats_->nul_bytes += (*p == '\0');
    }
    stats_->bytes += got;
  }
  if (got < want && !stats_->complete) {
    stats_->sha256 = hash_.hex_digest();
    stats_->complete = true;
  }
  return static_cast<int>(got);
}

}  // namespace rosterd
