// A School Data Sync v2.1 set: five files of any bytes (the input cut at 0xFF bytes into
// users.csv, roles.csv, orgs.csv, demographics.csv and userFlags.csv), checked whole as
// `rosterd check` does a set. The contract (parsers/roster_set.h, validators/roster_check.h): a
// result or a refusal, never a crash or an exception; a refused set keeps no student; every
// discrepancy has a line of users.csv or none, in order; rows are counted once.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/set_input.h"
#include "validators/roster_check.h"

using namespace rosterd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::SetHarness h("sds-v2.1");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const RosterSet set = fuzz::cut_into_set(
      input, {"users.csv", "roles.csv", "orgs.csv", "demographics.csv", "userFlags.csv"});
  const CheckResult r = check_roster_set(h.format, h.checker, set);
  fuzz::check_set_contract(r);
  return 0;
}
