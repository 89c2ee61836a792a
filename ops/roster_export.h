// The feed's committed roster in the feed's own layout (`rosterd export`, a download): its column
// names in the default field order, its delimiter, date format, list separator and first active
// and inactive status values; codes are the platform's.
#pragma once

#include <functional>
#include <string>

#include "config/config.h"
#include "store/roster_store.h"

namespace rosterd {

// Calls `line` with the header, then a line a student, sorted by state ID (no line ends). Throws
// StoreDamagedError, after the last line, when fewer or more students were read than the feed
// has committed: what was handed on is then incomplete.
void export_roster(RosterStore& store, const FeedConfig& feed,
                   const std::function<void(const std::string& line)>& line);

}  // namespace rosterd
