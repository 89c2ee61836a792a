#include "cli/poll_output.h"

#include "cli/command_support.h"
#include "cli/exit_status.h"
#include "core/utf8.h"
#include "pipeline/ingest_run.h"

namespace rosterd {
namespace {

const char* kind_label(FetchEvent::Kind k) {
  switch (k) {
    case FetchEvent::Kind::taken:
      return "taken";
    case FetchEvent::Kind::waiting:
      return "waiting";
    case FetchEvent::Kind::repeat:
      return "repeat";
    case FetchEvent::Kind::too_large:
      return "too-large";
  }
  return "?";
}

}  // namespace

int print_fetch(std::ostream& out, const FeedConfig& feed, const FetchResult& r) {
  int status = kExitClean;
  for (const FetchEvent& e : r.events) {
    out << feed.name << ": " << kind_label(e.kind) << " " << display_safe(e.name);
    if (e.record && !e.record->sha256.empty() && e.kind == FetchEvent::Kind::taken) {
      out << " (" << e.record->size << " bytes, sha256 " << e.record->sha256 << ") -> "
          << e.record->local_path;
    } else if (!e.detail.empty()) {
      out << ": " << display_safe(e.detail);
    }
    if (e.record && !e.record->after_action.empty() && e.kind != FetchEvent::Kind::taken)
      out << "; in the drop: " << e.record->after_action;
    out << '\n';
    if (e.kind == FetchEvent::Kind::too_large) status = kExitDropFailed;
  }
  if (!r.error.empty()) {
    out << feed.name << ": error: " << display_safe(r.error) << '\n';
    status = kExitDropFailed;
  }
  if (r.events.empty() && r.error.empty())
    out << feed.name << ": nothing new in " << feed.source.where() << '\n';
  return status;
}

int worse(int a, int b) {
  // The most urgent first: the drop failed, a file refused, a run held, discrepancies.
  for (int s : {kExitDropFailed, kExitRefused, kExitHeld, kExitDiscrepancies}) {
    if (a == s || b == s) return s;
  }
  return kExitClean;
}

int print_poll(std::ostream& out, const Config& config, const FeedConfig& feed, const PollResult& r,
               const std::string& format) {
  int status = print_fetch(out, feed, r.fetched);
  for (const IntakeRun& run : r.runs) {
    if (!run.outcome) {
      out << feed.name << ": run of " << display_safe(run.file.remote_name)
          << " failed: " << display_safe(run.error) << '\n';
      status = worse(status, kExitDropFailed);
      continue;
    }
    const IngestOutcome& o = *run.outcome;
    RunReport report = o.report(feed.name);
    report.next_steps = next_steps(config.file.string(), o.decision.decision, o.run_id, o.held_run);
    print_report(out, report, format);
    out << feed.name << ": " << display_safe(run.file.remote_name)
        << " in the drop: " << display_safe(run.file.after_action) << '\n';
    if (o.decision.decision == Decision::refused) status = worse(status, kExitRefused);
    if (o.decision.decision == Decision::held || o.held_run) status = worse(status, kExitHeld);
    if (o.check.has_discrepancies()) status = worse(status, kExitDiscrepancies);
  }
  if (!r.stale.empty()) out << feed.name << ": STALE: " << r.stale << '\n';
  if (!r.missing.empty()) out << feed.name << ": MISSING: " << r.missing << '\n';
  return status;
}

}  // namespace rosterd
