#include "transport/staged_set.h"

#include "transport/staged_file.h"

namespace rosterd {

StagedSet::StagedSet(const Folder& staging) : staging_(&staging), temp_(staging_temp_name()) {
  try {
    // A new folder, never a leftover of the same name: its files would join this set.
    folder_.emplace(staging.create_folder(temp_));
  } catch (const FolderError& e) {
    throw TransportError(std::string(e.what()) + ". Check the state folder's permissions.", false);
  }
}

StagedSet::~StagedSet() {
  if (temp_.empty()) return;
  try {
    staging_->remove_folder(temp_);
  } catch (const FolderError&) {
    // Left for remove_stale_parts once this process is gone.
  }
}

std::string StagedSet::add(Drop& drop, const DropEntry& entry, const std::string& local_name,
                           std::uint64_t max_bytes) {
  StagedFile file = StagedFile::download(drop, entry, *folder_, max_bytes);
  std::string sha256 = file.sha256();
  file.publish(local_name);
  return sha256;
}

void StagedSet::publish(const std::string& final_name) {
  try {
    if (!staging_->move_no_replace(temp_, *staging_, final_name)) {
      throw TransportError("cannot stage the set as " + (staging_->path() / final_name).string() +
                               ": that folder exists already. Move it aside",
                           false);
    }
  } catch (const FolderError& e) {
    throw TransportError(e.what(), false);
  }
  temp_.clear();
  staging_->sync();
}

}  // namespace rosterd
