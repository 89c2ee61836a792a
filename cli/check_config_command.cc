// `rosterd check-config`: the configuration and every table and map it names, validated as the
// service would at start; nothing else is touched (no store, no state_dir, no drop).
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"

namespace rosterd {

int run_check_config_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("check-config"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty()) throw UsageError("check-config takes no argument. Usage: " + usage);
  const Config config = load_config_option(cl, usage);  // throws ConfigError: exit 2
  out << config.file.string() << ": the configuration is valid: " << config.feeds.size()
      << (config.feeds.size() == 1 ? " feed" : " feeds") << " (";
  bool first = true;
  for (const auto& [name, feed] : config.feeds) {
    out << (first ? "" : ", ") << name << ": " << (feed.mode == FeedMode::live ? "live" : "test")
        << ", " << feed.source.where();
    first = false;
  }
  out << "); store "
      << (config.store.kind == StoreKind::postgresql ? std::string("PostgreSQL")
                                                     : config.store.sqlite.string())
      << "; state_dir " << config.state_dir.string() << "; mail "
      << (config.smtp.configured() ? config.smtp.url : std::string("not configured")) << ".\n";
  return kExitClean;
}

}  // namespace rosterd
