#include "parsers/random_access_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "core/error.h"

namespace rosterd {

RandomAccessFile RandomAccessFile::open(const std::filesystem::path& path) {
  RandomAccessFile f;
  f.fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd_ < 0) {
    throw Error("cannot open roster file '" + path.string() + "': " + std::strerror(errno) +
                ". Check the path and that rosterd may read it.");
  }
  struct stat st {};
  if (::fstat(f.fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    throw Error("'" + path.string() + "' is not a regular file. Give the path of a roster file.");
  }
  f.size_ = static_cast<std::uint64_t>(st.st_size);
  return f;
}

RandomAccessFile RandomAccessFile::from_memory(std::string_view bytes) {
  RandomAccessFile f;
  f.memory_ = bytes;
  f.size_ = bytes.size();
  return f;
}

RandomAccessFile::RandomAccessFile(RandomAccessFile&& other) noexcept
    : fd_(other.fd_), memory_(other.memory_), size_(other.size_) {
  other.fd_ = -1;
}

RandomAccessFile::~RandomAccessFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t RandomAccessFile::read_at(char* buffer, std::size_t n, std::uint64_t offset) const {
  if (offset >= size_) return 0;
  if (fd_ < 0) {
    const std::size_t got = static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - offset));
    std::memcpy(buffer, memory_.data() + offset, got);
    return got;
  }
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd_, buffer + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "read");
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

}  // namespace rosterd
