// A drop that is a folder on this machine: the embedded default, and what tests and districts
// that deliver by NFS or rsync use. Same semantics as the SFTP drop.
#pragma once

#include <filesystem>

#include "core/folder.h"
#include "transport/drop.h"

namespace rosterd {

class LocalDrop : public Drop {
 public:
  explicit LocalDrop(std::filesystem::path dir, std::size_t max_listing = kDefaultMaxListing)
      : dir_(std::move(dir)), max_listing_(max_listing) {}

  std::string where() const override { return dir_.string(); }
  std::vector<DropEntry> list() override;
  std::vector<DropEntry> folders() override;
  std::vector<DropEntry> list_folder(const std::string& folder) override;
  bool remove_empty_folder(const std::string& folder) override;
  std::uint64_t read(const std::string& name, std::uint64_t max_bytes,
                     const ByteSink& sink) override;
  std::optional<DropEntry> stat(const std::string& name) override;
  void remove(const std::string& name) override;
  std::string move(const std::string& name, const std::string& to_dir) override;

 private:
  // The entries of the drop's folder `folder` ("" for the drop itself) of type `type` (S_IFREG
  // or S_IFDIR, as lstat sees it), named with `prefix`.
  std::vector<DropEntry> entries(const std::string& folder, unsigned type,
                                 const std::string& prefix);
  // The folder of the drop path `name` (which has one), held open: reached without following
  // a link. Throws TransportError (not retryable when it is gone or a link).
  Folder folder_of(const std::string& name) const;
  // Throws TransportError unless `name` is a drop path (is_drop_path).
  void require_drop_path(const std::string& name) const;

  std::filesystem::path dir_;
  std::size_t max_listing_;
};

}  // namespace rosterd
