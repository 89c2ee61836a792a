// `rosterd sync-now` and `rosterd status`: talk to the running service (control_socket.h).
#include "daemon/command_support.h"
#include "daemon/commands.h"
#include "daemon/control_socket.h"
#include "daemon/exit_status.h"

namespace rosterd {

int run_sync_now_command(const std::vector<std::string>& args, std::ostream& out) {
  static const std::string usage = "rosterd sync-now --config FILE --feed NAME";
  const CommandLine cl(args, {"--config", "--feed"}, {});
  if (!cl.positional().empty() || !cl.value("--feed"))
    throw UsageError("sync-now needs --feed NAME. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(*cl.value("--feed"));
  const std::string reply = control_request(config.state_dir, "sync-now " + feed.name);
  out << reply;
  return reply.starts_with("ok") ? kExitClean : kExitUsage;
}

int run_status_command(const std::vector<std::string>& args, std::ostream& out) {
  static const std::string usage = "rosterd status --config FILE";
  const CommandLine cl(args, {"--config"}, {});
  if (!cl.positional().empty()) throw UsageError("status takes no argument. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  out << control_request(config.state_dir, "status");
  return kExitClean;
}

}  // namespace rosterd
