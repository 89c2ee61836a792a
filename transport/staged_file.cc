#include "transport/staged_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>
#include <utility>

#include "core/sha256.h"

namespace rosterd {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

void write_all(int fd, const char* data, std::size_t size, const std::filesystem::path& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw TransportError("cannot write " + path.string() + ": " + errno_text() +
                               ". Check the state folder's free space and permissions.",
                           errno == ENOSPC);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

std::filesystem::path temp_name(const std::filesystem::path& dir) {
  static std::atomic<unsigned> counter{0};
  return dir / (".part-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
}

}  // namespace

StagedFile StagedFile::download(Drop& drop, const DropEntry& entry,
                                const std::filesystem::path& dir, std::uint64_t max_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw TransportError("cannot create the staging folder " + dir.string() + ": " + ec.message() +
                             ". Check state_dir in the configuration and its permissions.",
                         false);
  }
  const std::filesystem::path temp = temp_name(dir);
  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.get() < 0) {
    throw TransportError("cannot create " + temp.string() + ": " + errno_text() +
                             ". Check the state folder's permissions.",
                         false);
  }
  StagedFile staged(temp, 0, "");  // removes the temporary file if anything below throws
  Sha256 hash;
  // Never more than the listed size + 1 byte: a file that grew is noticed without reading it all.
  const std::uint64_t limit = std::min(max_bytes, entry.size);
  const std::uint64_t bytes = drop.read(entry.name, limit, [&](const char* data, std::size_t n) {
    write_all(fd.get(), data, n, temp);
    hash.update(data, n);
  });
  if (bytes != entry.size) {
    throw FileChangedError(drop.where() + "/" + entry.name + " changed while it was downloaded (" +
                           std::to_string(entry.size) + " bytes listed, " +
                           (bytes > limit ? "more" : std::to_string(bytes)) +
                           " read); it will be taken once it stops changing.");
  }
  if (::fsync(fd.get()) != 0) {
    throw TransportError("cannot fsync " + temp.string() + ": " + errno_text(), true);
  }
  staged.bytes_ = bytes;
  staged.sha256_ = hash.hex_digest();
  return staged;
}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : temp_(std::exchange(other.temp_, {})),
      bytes_(other.bytes_),
      sha256_(std::move(other.sha256_)) {}

StagedFile::~StagedFile() {
  if (!temp_.empty()) ::unlink(temp_.c_str());
}

void StagedFile::publish(const std::filesystem::path& final_path) {
  if (::rename(temp_.c_str(), final_path.c_str()) != 0) {
    throw TransportError(
        "cannot rename " + temp_.string() + " to " + final_path.string() + ": " + errno_text(),
        false);
  }
  temp_.clear();
  sync_directory(final_path.parent_path());
}

void remove_stale_parts(const std::filesystem::path& dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    // ".part-PID-N": only a dead process's leftovers; a live one may be writing it.
    const std::string name = it->path().filename().string();
    if (!name.starts_with(".part-")) continue;
    const long pid = std::strtol(name.c_str() + 6, nullptr, 10);
    if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0) continue;
    std::error_code ignored;
    std::filesystem::remove(it->path(), ignored);
  }
}

void sync_directory(const std::filesystem::path& dir) {
  Fd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) ::fsync(fd.get());
}

}  // namespace rosterd
