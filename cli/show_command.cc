#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/utf8.h"

namespace rosterd {

int run_show_command(const std::vector<std::string>& args, std::ostream& out) {
  static const std::string usage = "rosterd show --config FILE [--format text|json] RUN";
  const CommandLine cl(args, {"--config", "--format"}, {});
  if (cl.positional().size() != 1) throw UsageError("show takes one run id. Usage: " + usage);
  const std::int64_t id = parse_run_id(cl.positional()[0]);
  const std::string format = format_option(cl);
  const Config config = load_config_option(cl, usage);
  const auto store = open_store(config);
  const auto run = store->runs().get(id);
  if (!run)
    throw Error("there is no run " + std::to_string(id) + ". 'rosterd history' lists the runs.");

  if (run->kind == RunKind::missing || run->kind == RunKind::stale) {
    // A notice in the feed's history, not a run: no file was read, nothing was committed.
    out << "rosterd notice for feed " << run->feed << ", entry " << run->id << " (" << run->started
        << ")\n  "
        << (run->kind == RunKind::missing
                ? "MISSING: " + display_safe(run->reason) + " on " + display_safe(run->file_name)
                : "STALE: " + display_safe(run->reason))
        << ".\n  No file was read and nothing was committed; the platform keeps the last "
           "committed roster.\n";
    return kExitClean;
  }
  const std::vector<Discrepancy> stored = store->runs().discrepancies(id);
  const std::vector<Change> changes = store->runs().changes(id);
  std::vector<Discrepancy> rows;
  RunReport r;
  r.feed = run->feed;
  r.run_id = run->id;
  r.file_name = run->file_name;
  r.sha256 = run->sha256;
  r.bytes = run->bytes;
  r.state = run->state;
  r.reason = run->reason;
  r.counts = run->check;
  if (run->state != RunState::refused) r.plan = run->plan;
  r.trips = run->trips;
  for (const Discrepancy& d : stored) {
    ++r.by_code[static_cast<std::size_t>(d.code)];
    if (is_file_level(d.code)) {
      r.refusal = d;
    } else {
      rows.push_back(d);
    }
  }
  r.discrepancies = &rows;
  r.changes = &changes;
  std::vector<IdentityAlert> alerts;
  for (const AlertRecord& a : store->identity().alerts(run->feed, true)) {
    if (a.run == id) alerts.push_back(a.alert);
  }
  r.alerts = &alerts;
  const std::string cfg = " --config " + config.file.string() + " " + std::to_string(id);
  if (run->state == RunState::held) {
    r.next_steps = {"To commit this run: rosterd approve" + cfg,
                    "To discard it: rosterd reject" + cfg};
  }
  print_report(out, r, format);
  return kExitClean;
}

}  // namespace rosterd
