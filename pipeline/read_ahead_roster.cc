#include "pipeline/read_ahead_roster.h"

namespace rosterd {

ReadAheadRoster::ReadAheadRoster(std::unique_ptr<CommittedRoster> source)
    : source_(std::move(source)) {
  source_->for_each_digest([this](const Entry& e) { entries_.push_back(e); });
}

void ReadAheadRoster::for_each_digest(const std::function<void(const Entry&)>& visit) {
  for (const Entry& e : entries_)
    visit(e);
}

std::vector<std::pair<std::string, std::vector<std::string>>> ReadAheadRoster::fetch(
    const std::vector<std::string>& ids) {
  return source_->fetch(ids);
}

}  // namespace rosterd
