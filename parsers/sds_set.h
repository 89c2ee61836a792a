// The students of a School Data Sync v2.1 set (parsers/roster_set.h, read_roster_set).
#pragma once

#include <string_view>
#include <vector>

#include "parsers/roster_set.h"

namespace rosterd {

// Reads a School Data Sync v2.1 set, as read_roster_set describes.
FileSummary read_sds_set(const RosterFormat& format, const RosterSet& set,
                         const std::vector<RowSink*>& sinks);

}  // namespace rosterd
