// The report of a run (or of a check): a text summary a person reads in ten seconds, and a JSON
// document with every discrepancy (docs/report-json.md). Built by `check`, `ingest` and `show`
// from what they have, so every command prints the same report.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "planner/decision.h"
#include "planner/plan.h"
#include "validators/roster_check.h"

namespace rosterd {

struct RunReport {
  std::string feed;
  std::optional<std::int64_t> run_id;
  std::string file_name;
  std::string sha256;
  std::uint64_t bytes = 0;
  // dry-run, committed, held, refused (and, from the store, rejected, failed, running)
  std::string decision;
  std::string reason;
  std::optional<Discrepancy> refusal;
  CheckCounts counts;
  std::optional<PlanCounts> plan;  // absent for a check, which plans nothing
  std::array<std::uint32_t, kDiscrepancyCodeCount> by_code{};
  const std::vector<Discrepancy>* discrepancies = nullptr;  // not owned; sorted by line
  std::vector<SafeguardTrip> trips;
  const std::vector<Change>* changes = nullptr;  // not owned; listed in JSON when set
  // What the reader should do next (commands to approve, fix the file...), one a line.
  std::vector<std::string> next_steps;
};

// The report of a check: what the file is, what is wrong with it.
RunReport report_from_check(const std::string& feed, const std::string& decision,
                            const CheckResult& check);

// Up to this many example lines per code in the text report.
inline constexpr std::size_t kExamplesPerCode = 3;

void write_text_report(std::ostream& out, const RunReport& report);
void write_json_report(std::ostream& out, const RunReport& report);

}  // namespace rosterd
