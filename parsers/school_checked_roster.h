// A one-file layout's roster file with its file of schools (Clever, School Data Sync classic;
// parsers/roster_set.h, read_roster_set).
#pragma once

#include <string_view>
#include <vector>

#include "parsers/roster_set.h"

namespace rosterd {

// Reads the roster file of `set`, a delivery of a layout read alone (reads_alone), each
// school looked up in the layout's file of schools when the set has it.
FileSummary read_with_schools(const RosterFormat& format, const FormatPreset& preset,
                              const RosterSet& set, const std::vector<RowSink*>& sinks);

}  // namespace rosterd
