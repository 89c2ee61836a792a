// A OneRoster 1.2 set: five files of any bytes (the input cut at 0xFF bytes into manifest.csv,
// users.csv, roles.csv, orgs.csv and demographics.csv), checked whole as `rosterd check` does a
// set. The contract (parsers/roster_set.h, validators/roster_check.h): a result or a refusal, never
// a crash or an exception; a refused set keeps no student; every discrepancy has a line of
// users.csv or none (a file-level one), and rows are counted once. A delta (manifest.csv:
// file.users,delta) is completed from a committed roster (fuzz::committed_roster).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/set_input.h"
#include "validators/roster_check.h"

using namespace rosterd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::SetHarness h("oneroster-1.2");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const RosterSet set = fuzz::cut_into_set(
      input, {"manifest.csv", "users.csv", "roles.csv", "orgs.csv", "demographics.csv"});
  // A delta's students are completed from a committed roster.
  CheckRun run;
  run.committed = fuzz::committed_roster();
  const CheckResult r = check_roster_set(h.format, h.checker, set, run);
  fuzz::check_set_contract(r);
  return 0;
}
