// `rosterd check`: a test import (ops/roster_files.h).
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "ops/roster_files.h"

namespace rosterd {

int run_check_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("check"));
  const std::string usage = cl.usage();
  if (cl.positional().size() != 1)
    throw UsageError("check takes exactly one roster file. Usage: " + usage);
  const std::string format = format_option(cl);
  const RosterFileOptions options{threads_option(cl), as_of_option(cl)};
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(cl.value("--feed").value_or(""));
  const CheckResult result = check_roster(feed, cl.positional()[0], options);
  print_report(out, report_from_check(feed.name, RunState::dry_run, result), format);
  if (result.refused()) return kExitRefused;
  return result.has_discrepancies() ? kExitDiscrepancies : kExitClean;
}

}  // namespace rosterd
