// A file copied out of a drop into the staging folder: written under a temporary name, its bytes
// counted and hashed as they stream in, fsynced, and only then given its final name. A transfer
// that fails at any point leaves no file that could be taken for a complete one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/folder.h"
#include "transport/drop.h"

namespace rosterd {

class StagedFile {
 public:
  // Copies `entry` from `drop` into a new temporary file in `dir`, then fsyncs it. Throws
  // TransportError when the transfer fails, when the byte count differs from the listed size (the
  // file changed while it was read: retryable), or when it exceeds `max_bytes` (not retryable).
  // REQUIRES: `dir` outlives the StagedFile (it is used to publish or remove the file).
  static StagedFile download(Drop& drop, const DropEntry& entry, const Folder& dir,
                             std::uint64_t max_bytes);

  StagedFile(StagedFile&& other) noexcept;
  StagedFile& operator=(StagedFile&&) = delete;
  StagedFile(const StagedFile&) = delete;
  // Removes the temporary file unless it was published.
  ~StagedFile();

  std::uint64_t bytes() const { return bytes_; }
  const std::string& sha256() const { return sha256_; }
  std::filesystem::path temp_path() const { return dir_->path() / temp_; }

  // Renames the file to `final_name` in its folder (replacing a leftover of an earlier crash) and
  // fsyncs the folder, so the name survives a power cut. Throws TransportError.
  void publish(const std::string& final_name);

 private:
  StagedFile(const Folder& dir, std::string temp) : dir_(&dir), temp_(std::move(temp)) {}

  const Folder* dir_;
  std::string temp_;  // the temporary name in dir_; empty once published
  std::uint64_t bytes_ = 0;
  std::string sha256_;
};

// A new temporary name in staging (".part-PID-RANDOM-N"), for a file or a set's folder.
std::string staging_temp_name();

// Removes the temporary files and set folders that a killed process left in `dir` (names
// starting ".part-").
void remove_stale_parts(const Folder& dir);

}  // namespace rosterd
