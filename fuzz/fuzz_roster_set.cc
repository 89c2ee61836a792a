// A OneRoster set: four files of any bytes (the input cut at 0xFF bytes into manifest.csv,
// users.csv, orgs.csv and demographics.csv), checked whole as `rosterd check` does a set. The
// contract (parsers/roster_set.h, validators/roster_check.h): a result or a refusal, never a
// crash or an exception; a refused set keeps no student; every discrepancy has a line of
// users.csv or none (a file-level one), and rows are counted once. A delta (manifest.csv:
// file.users,delta) is completed from a committed roster.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/set_input.h"
#include "validators/roster_check.h"

using namespace rosterd;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::SetHarness h("oneroster-1.1");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const RosterSet set =
      fuzz::cut_into_set(input, {"manifest.csv", "users.csv", "orgs.csv", "demographics.csv"});
  // A delta's students are completed from a committed roster: here, every ID starting with
  // 'c' is on it, at school "o1".
  CheckRun run;
  run.committed.student = [](std::string_view id) -> std::optional<std::vector<std::string>> {
    if (id.empty() || id[0] != 'c') return std::nullopt;
    std::vector<std::string> v(kFieldCount);
    v[field_index(Field::state_id)] = std::string(id);
    v[field_index(Field::first_name)] = "Ana";
    v[field_index(Field::last_name)] = "Ruiz";
    v[field_index(Field::birth_date)] = "2015-01-31";
    v[field_index(Field::grade)] = "05";
    v[field_index(Field::campus)] = "o1";
    v[field_index(Field::status)] = "A";
    return v;
  };
  run.committed.known_school = [](std::string_view org) { return org == "o1"; };
  const CheckResult r = check_roster_set(h.format, h.checker, set, run);
  fuzz::check_set_contract(r);
  return 0;
}
