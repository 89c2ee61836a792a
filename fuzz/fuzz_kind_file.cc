// A file of a kind beside students (staff, sections, enrollments, guardians...), any bytes,
// checked alone (check_kind_bytes), the kind picked by the first byte, against a staff role
// table and a course table with a map when its bit 0x20 is set. A refused file keeps
// nothing; otherwise every row read is counted once, the rejected ones marked, the
// discrepancies sorted by line and naming their kind, and each one's message builds.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "validators/kind_check.h"

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "kind_file: %s\n", what);
  std::abort();
}

// Roles teacher and aide (T maps to teacher); courses M and A, the district's X taught as both.
const rosterd::ReferenceSet& tables() {
  using namespace rosterd;
  static const ReferenceSet set = [] {
    ReferenceSet r;
    ReferenceTable roles;
    roles.add("teacher", "Teacher");
    roles.add("aide", "Aide");
    CodeMap role_map;
    role_map.add("T", "teacher");
    r.staff_roles.emplace("staff role", std::move(roles), std::move(role_map));
    ReferenceTable courses;
    courses.add("M", "Math");
    courses.add("A", "Art");
    r.courses.emplace(std::move(courses),
                      std::vector<CourseMatch::MapLine>{{"X", "M", 2}, {"X", "A", 3}}, "map");
    return r;
  }();
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using namespace rosterd;
  const auto kind = static_cast<EntityKind>(data[0] % kEntityKindCount);
  KindFormat format = KindFormat::default_layout(kind);
  if (data[0] & 0x80) format.quote = QuoteMode::double_quote;
  if (data[0] & 0x40) format.encoding = Encoding::windows1252;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const KindCheckResult r =
      check_kind_bytes(kind, format, "fuzz.txt", bytes, (data[0] & 0x20) ? &tables() : nullptr);
  if (r.refused()) {
    require(r.rows.empty() && r.discrepancies.empty() && r.counts.rows_read == 0,
            "a refused file kept something");
    require(!discrepancy_message(*r.file.refusal).empty(), "an empty refusal");
    return 0;
  }
  require(r.counts.rows_read == r.rows.size(), "rows read and rows kept differ");
  std::uint32_t rejected = 0;
  const auto courses = entity_field(kind_info(kind), "platform_courses");
  for (EntityTable::Index i = 0; i < r.rows.size(); ++i) {
    rejected += r.rows.rejected(i) ? 1 : 0;
    // A section's platform courses are the tables' codes, never the file's bytes.
    if (courses && (data[0] & 0x20) && !r.rows.get(i, *courses).empty()) {
      const std::string_view pc = r.rows.get(i, *courses);
      require(pc == "M" || pc == "A" || pc == "M;A", "platform courses not the table's");
    }
  }
  require(rejected == r.counts.rows_rejected, "rejected rows miscounted");
  require(r.counts.rows_warned + r.counts.rows_rejected <= r.counts.rows_read,
          "more rows warned and rejected than read");
  for (std::size_t i = 0; i < r.discrepancies.size(); ++i) {
    const Discrepancy& d = r.discrepancies[i];
    require(d.kind == kind, "a discrepancy of another kind");
    require(!d.kind_field || *d.kind_field < kind_info(kind).fields.size(),
            "a field past the kind's");
    require(i == 0 || r.discrepancies[i - 1].line <= d.line, "discrepancies out of line order");
    require(!discrepancy_message(d).empty(), "an empty message");
  }
  return 0;
}
