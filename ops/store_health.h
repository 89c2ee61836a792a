// Whether the roster store is whole (`rosterd store-check`; docs/store.md, "A damaged store").
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace rosterd {

// Every sign of damage: SQLite's quick_check when `thorough` (every page read), then each feed's
// students counted against its record. Empty when the store is whole.
std::vector<std::string> check_store(const Config& config, bool thorough);

}  // namespace rosterd
