#include "store/kind_discrepancies.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "store/store_support.h"

namespace rosterd {

std::string_view kind_discrepancies_sql() {
  return R"sql(
CREATE TABLE run_kind_discrepancies (
  run_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  seq BIGINT NOT NULL,
  line BIGINT NOT NULL,
  row_key TEXT NOT NULL,
  field TEXT NOT NULL,
  code TEXT NOT NULL,
  value TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (run_id, kind, seq)
);
)sql";
}

void KindDiscrepancies::record(std::int64_t run, const std::vector<KindCheckResult>& kinds) {
  std::size_t any = 0;
  for (const KindCheckResult& k : kinds)
    any += k.discrepancies.size() + (k.file.refusal ? 1 : 0);
  if (any == 0) return;
  BulkInsert ins(db_, "run_kind_discrepancies",
                 {"run_id", "kind", "seq", "line", "row_key", "field", "code", "value", "detail"});
  const std::string run_text = std::to_string(run);
  std::vector<std::optional<std::string_view>> row(9);
  std::string seq_text, line;
  row[0] = run_text;
  for (const KindCheckResult& k : kinds) {
    const EntityKindInfo& info = kind_info(k.kind);
    row[1] = info.name;
    std::int64_t seq = 0;
    const auto add = [&](const Discrepancy& d) {
      seq_text = std::to_string(seq++);
      line = std::to_string(d.line);
      row[2] = seq_text;
      row[3] = line;
      row[4] = d.student_id;
      row[5] = d.kind_field && *d.kind_field < info.fields.size() ? info.fields[*d.kind_field].name
                                                                  : std::string_view();
      row[6] = code_name(d.code);
      row[7] = d.value;
      row[8] = d.detail;
      ins.add(row);
    };
    if (k.file.refusal) add(*k.file.refusal);
    for (const Discrepancy& d : k.discrepancies)
      add(d);
  }
  ins.finish();
}

std::vector<Discrepancy> KindDiscrepancies::list(std::int64_t run, std::size_t limit,
                                                 std::size_t& total) {
  {
    Statement count(db_, "SELECT count(*) FROM run_kind_discrepancies WHERE run_id = ?");
    count.bind(1, run);
    count.step();
    total = static_cast<std::size_t>(count.integer(0));
  }
  // EntityKind order: the kinds' names in the order they are declared.
  std::string order = "CASE kind";
  for (const EntityKindInfo& k : all_entity_kinds())
    order += " WHEN '" + std::string(k.name) + "' THEN " + std::to_string(static_cast<int>(k.kind));
  order += " END";
  Statement q(db_,
              "SELECT kind, line, row_key, field, code, value, detail FROM run_kind_discrepancies "
              "WHERE run_id = ? ORDER BY " +
                  order + ", seq LIMIT ?");
  q.bind(1, run).bind(2, static_cast<std::int64_t>(std::min<std::size_t>(
                             limit, std::numeric_limits<std::int64_t>::max())));
  std::vector<Discrepancy> out;
  while (q.step()) {
    const auto kind = entity_kind_from_name(q.text(0));
    const auto code = code_from_name(q.text(4));
    if (!kind || !code)
      throw StoreDamagedError("run " + std::to_string(run) +
                              " records a discrepancy of an unknown kind or code");
    Discrepancy d;
    d.kind = *kind;
    d.line = static_cast<std::uint32_t>(q.integer(1));
    d.student_id = q.text(2);
    if (const auto f = entity_field(kind_info(*kind), q.text(3)); f && !q.text(3).empty())
      d.kind_field = static_cast<std::uint8_t>(*f);
    d.code = *code;
    d.value = q.text(5);
    d.detail = q.text(6);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace rosterd
