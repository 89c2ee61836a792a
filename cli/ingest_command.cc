// `rosterd ingest`: a roster run by hand (ops/roster_files.h).
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "ops/roster_files.h"

namespace rosterd {

int run_ingest_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("ingest"));
  const std::string usage = cl.usage();
  if (cl.positional().size() != 1)
    throw UsageError("ingest takes exactly one roster file. Usage: " + usage);
  const std::string format = format_option(cl);
  const RosterFileOptions options{threads_option(cl), as_of_option(cl)};
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(cl.value("--feed").value_or(""));
  const auto store = open_store(config);
  const IngestOutcome o = ingest_roster(config, feed, *store, cl.positional()[0], options);
  RunReport report = o.report(feed.name);
  report.next_steps = next_steps(config.file.string(), o.decision.decision, o.run_id, o.held_run);
  print_report(out, report, format);
  switch (o.decision.decision) {
    case Decision::refused:
      return kExitRefused;
    case Decision::held:
      return kExitHeld;
    default:
      break;
  }
  if (o.held_run) return kExitHeld;  // a part of the file waits for a person
  return o.check.has_discrepancies() ? kExitDiscrepancies : kExitClean;
}

}  // namespace rosterd
