// A file copied out of a drop into the staging folder: written under a temporary name, its bytes
// counted and hashed as they stream in, fsynced, and only then given its final name. A transfer
// that fails at any point leaves no file that could be taken for a complete one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "transport/drop.h"

namespace rosterd {

class StagedFile {
 public:
  // Copies `entry` from `drop` into a new temporary file in `dir` (created if needed), then
  // fsyncs it. Throws TransportError when the transfer fails, when the byte count differs from
  // the listed size (the file changed while it was read: retryable), or when it exceeds
  // `max_bytes` (not retryable).
  static StagedFile download(Drop& drop, const DropEntry& entry, const std::filesystem::path& dir,
                             std::uint64_t max_bytes);

  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  StagedFile(const StagedFile&) = delete;
  // Removes the temporary file unless it was published.
  ~StagedFile();

  std::uint64_t bytes() const { return bytes_; }
  const std::string& sha256() const { return sha256_; }
  const std::filesystem::path& temp_path() const { return temp_; }

  // Renames the file to `final_path` (replacing a leftover of an earlier crash) and fsyncs the
  // folder, so the name survives a power cut.
  void publish(const std::filesystem::path& final_path);

 private:
  StagedFile(std::filesystem::path temp, std::uint64_t bytes, std::string sha256)
      : temp_(std::move(temp)), bytes_(bytes), sha256_(std::move(sha256)) {}

  std::filesystem::path temp_;
  std::uint64_t bytes_ = 0;
  std::string sha256_;
};

// Removes temporary files that a killed process left in `dir` (names starting ".part-").
void remove_stale_parts(const std::filesystem::path& dir);

// fsyncs a folder so that a rename or unlink in it is durable.
void sync_directory(const std::filesystem::path& dir);

}  // namespace rosterd
