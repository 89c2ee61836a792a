// A feed's committed roster read into memory at once, so that the read can run while the file
// is still being checked, on another thread, instead of after it (a next night of 1M students
// spends about a third of its time reading the committed digests).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/block_list.h"
#include "core/text_arena.h"
#include "planner/plan.h"

namespace rosterd {

class ReadAheadRoster : public CommittedRoster {
 public:
  // Reads every entry of `source` now (its whole-read check included). Throws what `source`'s
  // full read throws. `source` is kept for fetch(); the store behind it must outlive this.
  explicit ReadAheadRoster(std::unique_ptr<CommittedRoster> source);

  // Visits the entries read, in the order read (ascending state ID).
  void for_each_digest(const std::function<void(const Entry&)>& visit) override;
  // Asks the store, as `source` would.
  std::vector<std::pair<std::string, std::vector<std::string>>> fetch(
      const std::vector<std::string>& ids) override;

 private:
  // An entry as kept: its ID's bytes in ids_. Not a vector of Entry: 3M students would be
  // 170 MB of std::string, held twice while the vector grows.
  struct Kept {
    const char* id;
    std::uint32_t id_size;
    bool active;
    std::uint64_t digest;
    std::uint64_t identity_key;
  };

  std::unique_ptr<CommittedRoster> source_;
  TextArena ids_;
  BlockList<Kept> entries_;
};

}  // namespace rosterd
