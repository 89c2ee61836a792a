// A set of files copied out of a drop together (a OneRoster set delivered as loose files): each
// member is downloaded as StagedFile does, into a new temporary folder in staging, which gets
// its final name only once every member is in it, fsynced. A transfer that fails at any point
// leaves no folder that could be taken for a complete set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/folder.h"
#include "transport/drop.h"

namespace rosterd {

class StagedSet {
 public:
  // Creates the temporary folder (".part-PID-RANDOM-N", as remove_stale_parts knows it) in
  // `staging`. Throws TransportError when it cannot. REQUIRES: `staging` outlives the StagedSet.
  explicit StagedSet(const Folder& staging);
  StagedSet(const StagedSet&) = delete;
  StagedSet& operator=(const StagedSet&) = delete;
  // Removes the temporary folder and what is in it, unless published.
  ~StagedSet();

  // Downloads `entry` from `drop` into the set under `local_name` (a name rosterd chose, never
  // the remote one) and returns its SHA-256. Throws as StagedFile::download does.
  std::string add(Drop& drop, const DropEntry& entry, const std::string& local_name,
                  std::uint64_t max_bytes);

  // Renames the folder to `final_name` in staging (which must not exist) and fsyncs staging.
  // Throws TransportError.
  void publish(const std::string& final_name);

 private:
  const Folder* staging_;
  std::string temp_;  // the temporary name in staging; empty once published
  std::optional<Folder> folder_;
};

}  // namespace rosterd
