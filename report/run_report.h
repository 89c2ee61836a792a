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

#include "planner/campus_counts.h"
#include "planner/decision.h"
#include "planner/identity_match.h"
#include "planner/kind_plan.h"
#include "planner/plan.h"
#include "planner/run_state.h"
#include "validators/roster_check.h"

namespace rosterd {

// What a person did about the run (the store's action log): shown with the report.
struct ReportAction {
  std::string at;  // UTC
  std::string who;
  std::string via;     // "cli", "console", "api", "mail link", "rosterd"
  std::string action;  // "approve", "reject", "rollback", "resolve", ...
  std::string reason;
  std::string detail;
};

struct RunReport {
  std::string feed;
  std::optional<std::int64_t> run_id;
  std::string file_name;
  std::string sha256;
  std::uint64_t bytes = 0;
  // The file listed changes only (a OneRoster delta set): who is not in it is unchanged.
  bool delta = false;
  // Where the run stands: a check is a dry run; a report shown again later (`rosterd show`) tells
  // what became of the run since.
  RunState state = RunState::dry_run;
  std::string reason;
  std::optional<Discrepancy> refusal;
  CheckCounts counts;
  std::optional<PlanCounts> plan;  // absent for a check, which plans nothing
  std::array<std::uint32_t, kDiscrepancyCodeCount> by_code{};
  const std::vector<Discrepancy>* discrepancies = nullptr;  // not owned; sorted by line
  // The checked rows (not owned; null when there are none, e.g. `show`): a discrepancy's local
  // ID and school by its line. Rejected rows keep their IDs and school only.
  const StudentTable* rows = nullptr;
  // The roster's other kinds (not owned; null or empty: students alone): each kind's file,
  // counts and discrepancies (report/kind_report.h).
  const std::vector<KindCheckResult>* kinds = nullptr;
  // What a run plans in each of them (not owned; null for a check), in the order of `kinds`.
  const std::vector<KindPlan>* kind_plans = nullptr;
  // A run shown again later (`show`, a reminder): each kind's counts as the store keeps them,
  // when `kinds` is not set.
  std::vector<KindRunCounts> kind_counts;
  // And each kind's discrepancies as the store keeps them (`kind` set), with `kind_counts`.
  std::vector<Discrepancy> kind_discrepancies;
  std::vector<SafeguardTrip> trips;
  const std::vector<Change>* changes = nullptr;  // not owned; listed in JSON when set
  // Identity alerts (not owned): possible matches side by side, re-keys, go-live links.
  const std::vector<IdentityAlert>* alerts = nullptr;
  // Changes the feed's import rules suppressed (not owned): listed in JSON.
  const std::vector<Change>* suppressed = nullptr;
  // With a scope: rows it leaves out, and rows of opted-out students (from the check).
  std::uint32_t rows_out_of_scope = 0;
  std::uint32_t rows_opted_out = 0;
  // Rows repeating a student for another contact (CheckResult::rows_repeated).
  std::uint32_t rows_repeated = 0;
  // When the feed's rules changed since the last committed run: what the change does.
  std::string rules_change;
  // The school-year rollover's summary (planner/rollover.h): what of the file it explains.
  std::string school_year;
  // policy.on_trip hold_unsafe: this run commits part of the file, and the changes a tripped
  // safeguard is about (their counts) are held as run `held_run` (unset in the QA report,
  // which goes out before either is recorded). Or this run is such a held part, and run
  // `split_of` committed the rest.
  std::optional<PlanCounts> held_part;
  std::optional<std::int64_t> held_run;
  std::optional<RunState> held_state;  // where the held part stands now (a report shown later)
  std::optional<std::int64_t> split_of;
  // Counts per campus (empty: not shown, e.g. `show`, which has no rows).
  std::vector<CampusCounts> campuses;
  // Show identity alerts by IDs and score only, without names and birth dates (report.pii).
  bool withhold_pii = false;
  // Who decided about the run, oldest first.
  std::vector<ReportAction> actions;
  // What the reader should do next (commands to approve, fix the file...), one a line.
  std::vector<std::string> next_steps;
};

// The report of a check: what the file is, what is wrong with it, and its counts by campus.
RunReport report_from_check(const std::string& feed, RunState state, const CheckResult& check);
// The same without the counts by campus, for a caller that has them: counting walks every row.
RunReport report_from_check_rows(const std::string& feed, RunState state, const CheckResult& check);

// Up to this many example lines per code in the text report.
inline constexpr std::size_t kExamplesPerCode = 3;
// Up to this many identity alerts in the text report (`rosterd alerts` lists them all).
inline constexpr std::size_t kAlertsShown = 20;

// One record of an identity alert on a line: "Núñez, José Luis | born 2014-03-09 | local L9 |
// grade 05 | campus 101 | A".
std::string person_line(const std::vector<std::string>& values);

// The alert side by side, a line each for the file row and every candidate, each line prefixed
// by `indent`; without names and birth dates when `withhold_pii`.
void write_alert(std::ostream& out, const IdentityAlert& a, bool withhold_pii,
                 const std::string& indent);

void write_text_report(std::ostream& out, const RunReport& report);
void write_json_report(std::ostream& out, const RunReport& report);

class JsonWriter;
// One discrepancy as a row of the JSON report: its line, the row's ID under `id_key`
// ("student_id"; "key" for another kind's row), `field`, code, severity, value and message.
void write_json_discrepancy(JsonWriter& w, const Discrepancy& d, std::string_view id_key,
                            std::string_view field);

}  // namespace rosterd
