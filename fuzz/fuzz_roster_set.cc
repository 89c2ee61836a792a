// A OneRoster set: four files of any bytes (the input cut at 0xFF bytes into manifest.csv,
// users.csv, orgs.csv and demographics.csv), checked whole as `rosterd check` does a set. The
// contract (parsers/roster_set.h, validators/roster_check.h): a result or a refusal, never a
// crash or an exception; a refused set keeps no student; every discrepancy has a line of
// users.csv or none (a file-level one), and rows are counted once.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "parsers/format_preset.h"
#include "validators/roster_check.h"

namespace {

using namespace rosterd;

struct Harness {
  RosterFormat format = find_format_preset("oneroster-1.1")->format;
  CheckOptions options;
  ReferenceSet reference;
  RowChecker checker{format, options, reference, CivilDate{2026, 11, 23}};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Harness h;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  RosterSet set;
  set.name = "fuzz";
  std::size_t start = 0;
  for (const char* name : {"manifest.csv", "users.csv", "orgs.csv", "demographics.csv"}) {
    if (start > input.size()) break;  // fewer files: a set missing members
    std::size_t end = input.find('\xFF', start);
    if (end == std::string_view::npos) end = input.size();
    set.members.push_back({name, {}, std::string(input.substr(start, end - start))});
    start = end + 1;
  }
  const CheckResult r = check_roster_set(h.format, h.checker, set);
  if (r.refused()) {
    if (!r.students.empty() || !r.discrepancies.empty()) std::abort();
    return 0;
  }
  if (r.counts.rows_rejected + r.counts.rows_warned > r.counts.rows_read) std::abort();
  for (std::size_t i = 1; i < r.discrepancies.size(); ++i)
    if (r.discrepancies[i].line < r.discrepancies[i - 1].line) std::abort();
  return 0;
}
