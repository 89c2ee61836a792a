#include "tests/support/check_text.h"

namespace rosterd::testing {

CheckResult check_text(const std::string& text) {
  static const RosterFormat format = RosterFormat::default_layout();
  static const CheckOptions options;
  static const ReferenceSet reference;
  return check_roster_bytes(RosterReader(format),
                            RowChecker(format, options, reference, CivilDate{2026, 11, 23}),
                            "r.txt", text);
}

}  // namespace rosterd::testing
