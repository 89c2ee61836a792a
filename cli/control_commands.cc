// `rosterd sync-now` and `rosterd status`: ask the running service (ops/feed_status.h).
#include <cstdlib>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/text.h"
#include "core/utf8.h"
#include "ops/control_socket.h"
#include "ops/feed_status.h"

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

// One line a feed, as the service knows it and as its store does.
void write_status_text(std::ostream& out, const std::string& config_file,
                       const ServiceStatus& status) {
  if (!status.config_problem.empty()) {
    out << "warning: " << config_file
        << " does not load: the service goes on with the configuration it loaded last, and a "
           "reload would fail. Fix the file (rosterd check-config) before reloading:\n";
    for (std::string_view line : split(status.config_problem, '\n'))
      out << "  " << display_safe(line) << '\n';
  }
  if (status.feeds.empty()) out << "no feed to poll\n";
  for (const FeedStatus& f : status.feeds) {
    out << f.feed << ": " << (f.polling ? "polling" : "idle");
    if (!f.last_poll.empty())
      out << "; last poll " << f.last_poll_at << " (" << display_safe(f.last_poll) << ")";
    if (f.next_poll_in) out << "; next poll in " << *f.next_poll_in << "s";
    if (!f.drop_failing.empty()) {
      out << "; drop failing";
      if (!f.drop_failing_since.empty()) out << " since " << f.drop_failing_since;
      out << ": " << display_safe(f.drop_failing);
    }
    if (!f.holder.empty()) {
      out << (f.held_here ? "; run by this instance (" + f.holder + ")"
                          : "; standby: run by " + f.holder);
    }
    if (f.held_runs) out << "; held runs " << *f.held_runs;
    if (f.outbox) out << "; outbox " << *f.outbox;
    if (f.past_deadline) out << "; no file by its deadline";
    if (!f.paused.empty()) out << "; paused: " << display_safe(f.paused);
    if (!f.store_problem.empty()) out << "; store unavailable: " << display_safe(f.store_problem);
    out << '\n';
  }
}

// Whether all is well, for a monitoring check: 5 when a feed's files are not coming in (its
// drop or its poll failing, its deadline passed, its store unreadable), else 4 when a run waits
// for approval, else 2 when the configuration on disk does not load, else 0.
int status_exit(const ServiceStatus& status) {
  bool stuck = false;
  bool held = false;
  for (const FeedStatus& f : status.feeds) {
    stuck = stuck || f.failing() || f.past_deadline || !f.store_problem.empty();
    held = held || f.held_runs.value_or(0) > 0;
  }
  if (stuck) return kExitDropFailed;
  if (held) return kExitHeld;
  if (!status.config_problem.empty()) return kExitUsage;
  return kExitClean;
}

}  // namespace

int run_sync_now_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("sync-now"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty() || !cl.value("--feed"))
    throw UsageError("sync-now needs --feed NAME. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(*cl.value("--feed"));
  const SyncNowAnswer answer = ask_sync_now(config, feed.name, timeout_option(cl, usage));
  out << answer.message;
  return answer.accepted ? kExitClean : kExitUsage;
}

int run_status_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("status"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty()) throw UsageError("status takes no argument. Usage: " + usage);
  const auto config_file = cl.value("--config");
  if (!config_file) throw UsageError("--config FILE is required. Usage: " + usage);
  const std::string format = format_option(cl);
  const ServiceStatus status = ask_service_status(*config_file, timeout_option(cl, usage));
  if (format == "json") {
    out << status_json(status) << '\n';
  } else {
    write_status_text(out, *config_file, status);
  }
  return status_exit(status);
}

}  // namespace rosterd
