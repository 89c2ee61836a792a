// A file of a kind beside students (staff, sections, enrollments, guardians...), any bytes,
// checked alone (check_kind_bytes), the kind picked by the first byte. A refused file keeps
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using namespace rosterd;
  const auto kind = static_cast<EntityKind>(data[0] % kEntityKindCount);
  KindFormat format = KindFormat::default_layout(kind);
  if (data[0] & 0x80) format.quote = QuoteMode::double_quote;
  if (data[0] & 0x40) format.encoding = Encoding::windows1252;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const KindCheckResult r = check_kind_bytes(kind, format, "fuzz.txt", bytes);
  if (r.refused()) {
    require(r.rows.empty() && r.discrepancies.empty() && r.counts.rows_read == 0,
            "a refused file kept something");
    require(!discrepancy_message(*r.file.refusal).empty(), "an empty refusal");
    return 0;
  }
  require(r.counts.rows_read == r.rows.size(), "rows read and rows kept differ");
  std::uint32_t rejected = 0;
  for (EntityTable::Index i = 0; i < r.rows.size(); ++i)
    rejected += r.rows.rejected(i) ? 1 : 0;
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
