#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/utf8.h"
#include "ops/run_actions.h"

namespace rosterd {

int run_show_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("show"));
  const std::string usage = cl.usage();
  if (cl.positional().size() != 1) throw UsageError("show takes one run id. Usage: " + usage);
  const std::int64_t id = parse_run_id(cl.positional()[0]);
  const std::string format = format_option(cl);
  const Config config = load_config_option(cl, usage);
  const auto store = open_store(config);
  const RunView view = show_run(*store, id);
  const RunRecord& run = view.run;
  if (run.kind == RunKind::missing || run.kind == RunKind::stale) {
    // A notice in the feed's history, not a run: no file was read, nothing was committed.
    out << "rosterd notice for feed " << run.feed << ", entry " << run.id << " (" << run.started
        << ")\n  "
        << (run.kind == RunKind::missing
                ? "MISSING: " + display_safe(run.reason) + " on " + display_safe(run.file_name)
                : "STALE: " + display_safe(run.reason))
        << ".\n  No file was read and nothing was committed; the platform keeps the last "
           "committed roster.\n";
    return kExitClean;
  }
  RunReport r = view.report();
  const std::string cfg = " --config " + config.file.string() + " " + std::to_string(id);
  if (run.state == RunState::held) {
    r.next_steps = {"To commit this run: rosterd approve" + cfg,
                    "To discard it: rosterd reject" + cfg};
  }
  print_report(out, r, format);
  return kExitClean;
}

}  // namespace rosterd
