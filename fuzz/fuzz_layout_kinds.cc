// A standard layout's whole roster: the first byte picks the layout (OneRoster 1.1 or 1.2,
// School Data Sync v2.1, Clever), the rest is cut at 0xFF bytes into its files, students' and
// other kinds' (parsers/layout_kinds.h), checked whole as `rosterd check` does a feed that takes
// every kind. The contract: a result or a refusal, never a crash or an exception; a refused set
// keeps nothing; each kind's rows are counted once, the rejected ones marked, its discrepancies
// of its kind, each message built.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "fuzz/set_input.h"
#include "validators/whole_roster_check.h"

using namespace rosterd;

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "layout_kinds: %s\n", what);
  std::abort();
}

RosterKinds every_kind(std::string_view preset) {
  RosterKinds k;
  k.layout = std::string(preset);
  k.students_file = std::string(find_format_preset(preset)->roster_file);
  for (const EntityKindInfo& info : all_entity_kinds()) {
    KindMember m;
    m.kind = info.kind;
    m.file = std::string(layout_kind_file(*find_format_preset(preset), info.kind));
    m.format = layout_kind_format(info.kind, Encoding::utf8);
    k.members.push_back(std::move(m));
  }
  return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static fuzz::SetHarness oneroster("oneroster-1.1");
  static fuzz::SetHarness oneroster_12("oneroster-1.2");
  static fuzz::SetHarness sds("sds-v2.1");
  static fuzz::SetHarness clever("clever");
  static const RosterKinds kinds[] = {every_kind("oneroster-1.1"), every_kind("oneroster-1.2"),
                                      every_kind("sds-v2.1"), every_kind("clever")};
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const int layout = data[0] % 4;
  fuzz::SetHarness* const harness[] = {&oneroster, &oneroster_12, &sds, &clever};
  RosterSet set;
  switch (layout) {
    case 0:
      set = fuzz::cut_into_set(
          input, {"manifest.csv", "users.csv", "orgs.csv", "demographics.csv", "courses.csv",
                  "academicSessions.csv", "classes.csv", "enrollments.csv"});
      break;
    case 1:
      set = fuzz::cut_into_set(
          input, {"manifest.csv", "users.csv", "roles.csv", "orgs.csv", "demographics.csv",
                  "courses.csv", "academicSessions.csv", "classes.csv", "enrollments.csv"});
      break;
    case 2:
      set = fuzz::cut_into_set(input, {"users.csv", "roles.csv", "orgs.csv", "demographics.csv",
                                       "userFlags.csv", "courses.csv", "academicSessions.csv",
                                       "classes.csv", "enrollments.csv", "relationships.csv"});
      break;
    default:
      set = fuzz::cut_into_set(input, {"students.csv", "schools.csv", "teachers.csv",
                                       "sections.csv", "enrollments.csv"});
      break;
  }
  CheckRun run;
  run.kinds = &kinds[layout];
  const CheckResult r =
      check_whole_roster(harness[layout]->format, harness[layout]->checker, set, run);
  fuzz::check_set_contract(r);
  if (r.refused()) {
    require(r.kinds.empty(), "a refused set kept a kind");
    require(!discrepancy_message(*r.file.refusal).empty(), "an empty refusal");
    return 0;
  }
  require(r.kinds.size() == kEntityKindCount, "a kind is missing");
  for (const KindCheckResult& k : r.kinds) {
    require(k.counts.rows_read == k.rows.size(), "rows read and rows kept differ");
    std::uint32_t rejected = 0;
    for (EntityTable::Index i = 0; i < k.rows.size(); ++i)
      rejected += k.rows.rejected(i) ? 1 : 0;
    require(rejected == k.counts.rows_rejected, "rejected rows miscounted");
    for (const Discrepancy& d : k.discrepancies) {
      require(d.kind == k.kind, "a discrepancy of another kind");
      require(!discrepancy_message(d).empty(), "an empty message");
    }
  }
  return 0;
}
