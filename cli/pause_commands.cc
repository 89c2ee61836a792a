// pause and resume: what a person decides about a feed's commits for a while.
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "ops/feed_pause_actions.h"
#include "pipeline/ingest_run.h"

namespace rosterd {
namespace {

std::string required_feed(const CommandLine& cl, const std::string& usage) {
  const auto feed = cl.value("--feed");
  if (!feed || feed->empty()) throw UsageError("--feed NAME is required. Usage: " + usage);
  return *feed;
}

}  // namespace

int run_pause_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("pause"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty()) throw UsageError("pause takes no file or run. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const std::string feed = required_feed(cl, usage);
  std::optional<CivilDate> until;
  if (const auto text = cl.value("--until")) {
    until = parse_date(*text, "%Y-%m-%d");
    if (!until) throw UsageError("--until must be a date as YYYY-MM-DD, got \"" + *text + "\"");
  }
  const auto store = open_store(config);
  const FeedPause p =
      pause_feed(*store, config, feed, until, feed_today(config.feed(feed), store->clock().now()),
                 cli_actor(cl));
  out << "feed " << feed << " paused "
      << (p.until ? "until the end of " + to_iso(*p.until) : std::string("until resumed"))
      << ": its files are checked and reported as test imports, nothing is committed.\n";
  return kExitClean;
}

int run_resume_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("resume"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty()) throw UsageError("resume takes no file or run. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const std::string feed = required_feed(cl, usage);
  const auto store = open_store(config);
  if (!resume_feed(*store, config, feed, feed_today(config.feed(feed), store->clock().now()),
                   cli_actor(cl))) {
    out << "feed " << feed << " was not paused.\n";
    return kExitDiscrepancies;  // nothing to do: told, not an error
  }
  out << "feed " << feed << " resumed: its next run commits as usual.\n";
  return kExitClean;
}

}  // namespace rosterd
