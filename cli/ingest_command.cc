#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "pipeline/ingest_run.h"
#include "pipeline/mailer.h"

namespace rosterd {

int run_ingest_command(const std::vector<std::string>& args, std::ostream& out) {
  static const std::string usage =
      "rosterd ingest --config FILE [--feed NAME] [--format text|json] ROSTER";
  const CommandLine cl(args, {"--config", "--feed", "--format", "--as-of", "--threads"}, {});
  if (cl.positional().size() != 1)
    throw UsageError("ingest takes exactly one roster file. Usage: " + usage);
  const std::string format = format_option(cl);
  const std::size_t threads = threads_option(cl);
  const CivilDate as_of = as_of_option(cl);
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(cl.value("--feed").value_or(""));
  const auto store = open_store(config);

  Mailer mailer(config, *store);
  mailer.deliver_due(true);  // what earlier runs left in the outbox goes first
  // A held run whose report has gone out commits before this file is planned on its base. The
  // feed's lock, when free, is kept for the run: a service does not poll the feed meanwhile.
  std::optional<FeedLock> lock;
  if (!hold_feed_now(config, *store, feed, lock)) mailer.settle_awaiting_runs(feed.name);
  const IngestOutcome o =
      ingest_file(feed, *store, cl.positional()[0], threads, as_of, std::nullopt, &mailer);
  RunReport report = o.report(feed.name);
  report.next_steps = next_steps(config.file.string(), o.decision.decision, o.run_id);
  print_report(out, report, format);
  switch (o.decision.decision) {
    case Decision::refused:
      return kExitRefused;
    case Decision::held:
      return kExitHeld;
    default:
      break;
  }
  if (o.check.counts.rows_rejected != 0 || o.check.counts.rows_warned != 0)
    return kExitDiscrepancies;
  return kExitClean;
}

}  // namespace rosterd
