// Pausing a feed and resuming it (`rosterd pause`, `rosterd resume`): what a person decides
// about a feed's commits for a while (docs/school-year.md "Pause and blackout").
#pragma once

#include <optional>
#include <string>

#include "config/config.h"
#include "core/civil_date.h"
#include "store/roster_store.h"

namespace rosterd {

// Pauses `feed` from now until the end of `until` (none: until resumed), with `reason`, which
// is required. Refuses (Error) a feed the configuration lacks, a reason that is empty or over
// 2,000 characters, and an `until` before `today`.
FeedPause pause_feed(RosterStore& store, const Config& config, const std::string& feed,
                     std::optional<CivilDate> until, CivilDate today, const Actor& by);

// Ends the feed's pause; false when it was not paused on `today` (a pause whose last day is
// past is cleared too).
bool resume_feed(RosterStore& store, const Config& config, const std::string& feed, CivilDate today,
                 const Actor& by);

}  // namespace rosterd
