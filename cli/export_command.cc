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
  const auto write = [&](const std::string& line) { out << line << '\n'; };
  if (const auto kind = cl.value("--kind"); kind && *kind != "students") {
    const auto k = entity_kind_from_name(*kind);
    if (!k || feed.kinds.find(*k) == nullptr) {
      std::string taken = "students";
      for (const KindMember& m : feed.kinds.members)
        taken += ", " + std::string(kind_info(m.kind).name);
      throw UsageError("feed " + feed.name + " takes no kind \"" + *kind + "\"; it takes " + taken +
                       ". Usage: " + usage);
    }
    export_kind(*store, feed, *k, write);
  } else {
    export_roster(*store, feed, write);
  }
  out.flush();
  return kExitClean;
}

}  // namespace rosterd
