// The part of a run's report about the roster's other kinds (docs/whole-roster.md): for each
// kind the feed takes, its file, its counts and its discrepancies, each with its own file's
// line and the kind's field, in the text report and in the JSON report's `kinds`.
#pragma once

#include <ostream>
#include <vector>

#include "planner/kind_plan.h"
#include "report/json_writer.h"
#include "validators/kind_check.h"

namespace rosterd {

// A block a kind: counts, then the errors and warnings by code with a few example lines each.
// Writes nothing for no kinds.
// With `plans` (a run's, in the order of `kinds`), each kind's changes too.
void write_text_kinds(std::ostream& out, const std::vector<KindCheckResult>& kinds,
                      const std::vector<KindPlan>* plans = nullptr);

// The JSON report's `kinds` array (its key written by the caller): every discrepancy of each kind.
// With `plans`, each kind's counts add its changes (`added`, `updated`, ...).
void write_json_kinds(JsonWriter& w, const std::vector<KindCheckResult>& kinds,
                      const std::vector<KindPlan>* plans = nullptr);

// The same from what a stored run keeps: its counts and its discrepancies of other kinds (each
// with `kind` set).
void write_text_kind_counts(std::ostream& out, const std::vector<KindRunCounts>& counts,
                            const std::vector<Discrepancy>& discrepancies);
void write_json_kind_counts(JsonWriter& w, const std::vector<KindRunCounts>& counts,
                            const std::vector<Discrepancy>& discrepancies);

}  // namespace rosterd
