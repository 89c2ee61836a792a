#include "transport/staged_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <system_error>
#include <utility>

#include "core/sha256.h"
#include "core/writeback_hint.h"

namespace rosterd {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

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

// Closes a descriptor at the end of a scope.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

}  // namespace

std::string staging_temp_name() {
  static std::atomic<unsigned> counter{0};
  // The random part keeps a restarted process with the same PID (PID 1 in a container) from
  // choosing a name a killed one left behind.
  static const unsigned run = std::random_device{}();
  char random[9];
  std::snprintf(random, sizeof random, "%08x", run);
  return ".part-" + std::to_string(::getpid()) + "-" + random + "-" + std::to_string(counter++);
}

StagedFile StagedFile::download(Drop& drop, const DropEntry& entry, const Folder& dir,
                                std::uint64_t max_bytes) {
  const std::string name = staging_temp_name();
  int fd = -1;
  try {
    fd = dir.create_file(name);
  } catch (const FolderError& e) {
    throw TransportError(std::string(e.what()) + ". Check the state folder's permissions.", false);
  }
  const FdCloser closer{fd};
  const std::filesystem::path temp = dir.path() / name;
  StagedFile staged(dir, name);  // removes the temporary file if anything below throws
  Sha256 hash;
  // The disk writes start as the file comes, so that the fsync below finds little left.
  WritebackHint writeback;
  std::int64_t written = 0;
  // Never more than the listed size + 1 byte: a file that grew is noticed without reading it all.
  const std::uint64_t limit = std::min(max_bytes, entry.size);
  const std::uint64_t bytes = drop.read(entry.name, limit, [&](const char* data, std::size_t n) {
    write_all(fd, data, n, temp);
    writeback.wrote(fd, written, static_cast<std::int64_t>(n));
    written += static_cast<std::int64_t>(n);
    hash.update(data, n);
  });
  if (bytes != entry.size) {
    throw FileChangedError(drop.where() + "/" + entry.name + " changed while it was downloaded (" +
                           std::to_string(entry.size) + " bytes listed, " +
                           (bytes > limit ? "more" : std::to_string(bytes)) +
                           " read); it will be taken once it stops changing.");
  }
  if (::fsync(fd) != 0) {
    throw TransportError("cannot fsync " + temp.string() + ": " + errno_text(), true);
  }
  staged.bytes_ = bytes;
  staged.sha256_ = hash.hex_digest();
  return staged;
}

StagedFile::StagedFile(StagedFile&& other) noexcept
    : dir_(other.dir_),
      temp_(std::exchange(other.temp_, {})),
      bytes_(other.bytes_),
      sha256_(std::move(other.sha256_)) {}

StagedFile::~StagedFile() {
  if (temp_.empty()) return;
  try {
    dir_->remove_file(temp_);
  } catch (const FolderError&) {
    // Left for remove_stale_parts once this process is gone.
  }
}

void StagedFile::publish(const std::string& final_name) {
  try {
    dir_->move_replacing(temp_, *dir_, final_name);
  } catch (const FolderError& e) {
    throw TransportError(e.what(), false);
  }
  temp_.clear();
  dir_->sync();
}

namespace {

// ".part-PID-N": only a dead process's leftovers; a live one may be writing it.
bool stale_part(const std::string& name) {
  if (!name.starts_with(".part-")) return false;
  const long pid = std::strtol(name.c_str() + 6, nullptr, 10);
  return !(pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0);
}

}  // namespace

void remove_stale_parts(const Folder& dir) {
  for (const bool folder : {false, true}) {
    for (const FolderFile& f : folder ? dir.folders() : dir.files()) {
      if (!stale_part(f.name)) continue;
      try {
        folder ? dir.remove_folder(f.name) : dir.remove_file(f.name);
      } catch (const FolderError&) {
        // Tried again at the next tidy.
      }
    }
  }
}

}  // namespace rosterd
