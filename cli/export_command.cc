// `rosterd export`: the feed's committed roster on standard output (ops/roster_export.h).
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "ops/roster_export.h"

namespace rosterd {

int run_export_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("export"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty())
    throw UsageError("export takes no file; it writes to standard output. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(cl.value("--feed").value_or(""));
  const auto store = open_store(config);
  export_roster(*store, feed, [&](const std::string& line) { out << line << '\n'; });
  out.flush();
  return kExitClean;
}

}  // namespace rosterd
