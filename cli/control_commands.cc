// `rosterd sync-now` and `rosterd status`: talk to the running service (control_socket.h).
#include <cstdlib>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "service/control_socket.h"

namespace rosterd {
namespace {

// --timeout SECONDS: how long to wait for the service (1 to 3600; default 15).
std::chrono::milliseconds timeout_option(const CommandLine& cl, const std::string& usage) {
  const auto v = cl.value("--timeout");
  if (!v) return kDefaultControlTimeout;
  char* end = nullptr;
  const long s = std::strtol(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || s < 1 || s > 3600)
    throw UsageError("--timeout takes whole seconds from 1 to 3600, got \"" + *v +
                     "\". Usage: " + usage);
  return std::chrono::seconds(s);
}

}  // namespace

int run_sync_now_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("sync-now"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty() || !cl.value("--feed"))
    throw UsageError("sync-now needs --feed NAME. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(*cl.value("--feed"));
  const std::string reply =
      control_request(config.state_dir, "sync-now " + feed.name, timeout_option(cl, usage));
  out << reply;
  return reply.starts_with("ok") ? kExitClean : kExitUsage;
}

int run_status_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("status"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty()) throw UsageError("status takes no argument. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  out << control_request(config.state_dir, "status", timeout_option(cl, usage));
  return kExitClean;
}

}  // namespace rosterd
