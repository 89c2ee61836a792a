// A Clever delivery with its file of schools: two files of any bytes (the input cut at 0xFF
// bytes into students.csv and schools.csv), checked whole as `rosterd check` does a folder of
// them. The contract (parsers/roster_set.h, validators/roster_check.h): a result or a refusal,
// never a crash or an exception; a refused set keeps no student; every discrepancy has a line
// of students.csv or none, in order; rows are counted once. The name of a school goes into
// messages: the message of every discrepancy is built, as a report does.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>

#include "core/discrepancy.h"
#include "fuzz/set_input.h"
#include "validators/roster_check.h"

using namespace rosterd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A campus table of one school, "7": every other school is unknown_campus, whose message
  // names the school as schools.csv does.
  static fuzz::SetHarness h("clever", [] {
    ReferenceTable campuses;
    campuses.add("7", "Lincoln Elementary");
    ReferenceSet r;
    r.campuses.emplace("campus", std::move(campuses), std::nullopt);
    return r;
  }());
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const RosterSet set = fuzz::cut_into_set(input, {"students.csv", "schools.csv"});
  const CheckResult r = check_roster_set(h.format, h.checker, set);
  fuzz::check_set_contract(r);
  for (const Discrepancy& d : r.discrepancies)
    if (discrepancy_message(d).empty()) std::abort();
  return 0;
}
