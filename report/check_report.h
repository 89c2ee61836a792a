// The report of a check (and later of a whole run): a text summary a person reads in ten
// seconds, and a JSON document with every discrepancy (docs/report-json.md).
#pragma once

#include <ostream>
#include <string>

#include "validators/roster_check.h"

namespace rosterd {

struct ReportInput {
  std::string feed;
  // "dry-run" for check; "refused" is set by the report itself for a refused file.
  std::string decision;
  const CheckResult* check = nullptr;
};

// Up to this many example lines per code in the text report.
inline constexpr std::size_t kExamplesPerCode = 3;

void write_text_report(std::ostream& out, const ReportInput& in);
void write_json_report(std::ostream& out, const ReportInput& in);

}  // namespace rosterd
