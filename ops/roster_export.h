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

// Calls `line` with the header of `kind`'s file as the feed reads it (kinds:), then a line a
// committed row the feed's last set listed (active), sorted by key: dates in the feed's date
// format, status values in its first active and inactive words. REQUIRES: the feed takes `kind`.
void export_kind(RosterStore& store, const FeedConfig& feed, EntityKind kind,
                 const std::function<void(const std::string& line)>& line);

}  // namespace rosterd
