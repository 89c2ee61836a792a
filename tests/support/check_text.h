// Checks roster text with the default layout, no reference tables and default checks, as of
// 2026-11-23: the common set-up of tests that need a CheckResult.
#pragma once

#include <string>

#include "validators/roster_check.h"

namespace rosterd::testing {

CheckResult check_text(const std::string& text);

}  // namespace rosterd::testing
