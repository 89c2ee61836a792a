// The students of a OneRoster 1.1 or 1.2 set (parsers/roster_set.h, read_roster_set).
#pragma once

#include <string_view>
#include <vector>

#include "parsers/roster_set.h"

namespace rosterd {

// Reads a OneRoster set laid out as `version` ("1.1" or "1.2", the feed's preset) says, as
// read_roster_set describes.
FileSummary read_oneroster_set(const RosterFormat& format, const RosterSet& set,
                               const std::vector<RowSink*>& sinks, const CommittedLookup& committed,
                               std::string_view version);

}  // namespace rosterd
