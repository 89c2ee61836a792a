#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/log.h"
#include "validators/roster_check.h"

namespace rosterd {

int run_check_command(const std::vector<std::string>& args, std::ostream& out) {
  static const std::string usage =
      "rosterd check --config FILE [--feed NAME] [--format text|json] ROSTER";
  const CommandLine cl(args, {"--config", "--feed", "--format", "--as-of", "--threads"}, {});
  if (cl.positional().size() != 1)
    throw UsageError("check takes exactly one roster file. Usage: " + usage);
  const std::string format = format_option(cl);
  const std::size_t threads = threads_option(cl);
  const CivilDate as_of = as_of_option(cl);
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(cl.value("--feed").value_or(""));

  const RosterReader reader(feed.format);
  const RowChecker checker(feed.format, feed.checks, feed.reference, as_of);
  // A check reports; it keeps no rows beyond their IDs (duplicates are all it needs them for).
  const CheckResult result =
      check_roster_file(reader, checker, cl.positional()[0],
                        CheckRun{threads, false, feed.identity.match_on, &feed.rules.scope});
  log::info("check.done", {{"feed", feed.name},
                           {"sha256", result.file.sha256},
                           {"rows", std::to_string(result.counts.rows_read)},
                           {"rejected", std::to_string(result.counts.rows_rejected)},
                           {"warned", std::to_string(result.counts.rows_warned)},
                           {"refused", result.refused() ? "yes" : "no"}});
  print_report(out, report_from_check(feed.name, RunState::dry_run, result), format);
  if (result.refused()) return kExitRefused;
  if (result.counts.rows_rejected != 0 || result.counts.rows_warned != 0) return kExitDiscrepancies;
  return kExitClean;
}

}  // namespace rosterd
