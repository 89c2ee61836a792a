// The part of a run's report about the roster's other kinds (docs/whole-roster.md): for each
// kind the feed takes, its file, its counts and its discrepancies, each with its own file's
// line and the kind's field, in the text report and in the JSON report's `kinds`.
#pragma once

#include <ostream>
#include <vector>

#include "report/json_writer.h"
#include "validators/kind_check.h"

namespace rosterd {

// A block a kind: counts, then the errors and warnings by code with a few example lines each.
// Writes nothing for no kinds.
void write_text_kinds(std::ostream& out, const std::vector<KindCheckResult>& kinds);

// The JSON report's `kinds` array (its key written by the caller): every discrepancy of each kind.
void write_json_kinds(JsonWriter& w, const std::vector<KindCheckResult>& kinds);

}  // namespace rosterd
