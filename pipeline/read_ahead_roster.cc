#include "pipeline/read_ahead_roster.h"

#include <cstring>
#include <stdexcept>

namespace rosterd {

ReadAheadRoster::ReadAheadRoster(std::unique_ptr<CommittedRoster> source)
    : source_(std::move(source)) {
  source_->for_each_digest([this](const Entry& e) {
    if (e.state_id.size() > TextArena::kChunkBytes) throw std::length_error("state ID too long");
    char* id = ids_.allocate(e.state_id.size());
    if (!e.state_id.empty()) std::memcpy(id, e.state_id.data(), e.state_id.size());
    entries_.push_back(Kept{id, static_cast<std::uint32_t>(e.state_id.size()), e.active, e.digest,
                            e.identity_key});
  });
}

void ReadAheadRoster::for_each_digest(const std::function<void(const Entry&)>& visit) {
  Entry e;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Kept& k = entries_[i];
    e.state_id.assign(k.id, k.id_size);
    e.digest = k.digest;
    e.active = k.active;
    e.identity_key = k.identity_key;
    visit(e);
  }
}

std::vector<std::pair<std::string, std::vector<std::string>>> ReadAheadRoster::fetch(
    const std::vector<std::string>& ids) {
  return source_->fetch(ids);
}

}  // namespace rosterd
