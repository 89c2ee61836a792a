// Each run's discrepancies in the roster's other kinds (docs/whole-roster.md): the problems of
// every kind's file with their lines, fields and row keys, kept so that `show`, the console's
// run page and its API tell them after the night's report and mail are gone. Written inside the
// run's own transaction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/discrepancy.h"
#include "store/sql_db.h"
#include "validators/kind_check.h"

namespace rosterd {

class KindDiscrepancies {
 public:
  explicit KindDiscrepancies(SqlDb& db) : db_(db) {}

  // Records the discrepancies of each kind's file of run `run` (a refusal first).
  // REQUIRES: inside the run's transaction.
  void record(std::int64_t run, const std::vector<KindCheckResult>& kinds);

  // The discrepancies recorded for run `run`, each with `kind` (and `kind_field` when a field
  // is concerned), in EntityKind then file order: the first `limit`, and in `total` how many.
  std::vector<Discrepancy> list(std::int64_t run, std::size_t limit, std::size_t& total);

 private:
  SqlDb& db_;
};

// The migration that keeps each run's discrepancies of other kinds (SQLite 20, PostgreSQL 15).
std::string_view kind_discrepancies_sql();

}  // namespace rosterd
