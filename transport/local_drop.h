// A drop that is a folder on this machine: the embedded default, and what tests and districts
// that deliver by NFS or rsync use. Same semantics as the SFTP drop.
#pragma once

#include <filesystem>

#include "transport/drop.h"

namespace rosterd {

class LocalDrop : public Drop {
 public:
  explicit LocalDrop(std::filesystem::path dir, std::size_t max_listing = kDefaultMaxListing)
      : dir_(std::move(dir)), max_listing_(max_listing) {}

  std::string where() const override { return dir_.string(); }
  std::vector<DropEntry> list() override;
  std::uint64_t read(const std::string& name, std::uint64_t max_bytes,
                     const ByteSink& sink) override;
  std::optional<DropEntry> stat(const std::string& name) override;
  void remove(const std::string& name) override;
  std::string move(const std::string& name, const std::string& to_dir) override;

 private:
  std::filesystem::path dir_;
  std::size_t max_listing_;
};

}  // namespace rosterd
