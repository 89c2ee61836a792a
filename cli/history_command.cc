#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/text.h"
#include "core/utf8.h"
#include "ops/run_actions.h"

namespace rosterd {

int run_history_command(const std::vector<std::string>& args, std::ostream& out) {
  static const std::string usage = "rosterd history --config FILE [--feed NAME] [--last N]";
  const CommandLine cl(args, {"--config", "--feed", "--last"}, {});
  if (!cl.positional().empty()) throw UsageError("history takes no file. Usage: " + usage);
  const std::size_t last = last_option(cl, 7, "runs");
  const Config config = load_config_option(cl, usage);
  std::string feed = cl.value("--feed").value_or("");
  if (!feed.empty()) config.feed(feed);  // refuses an unknown feed name
  const auto store = open_store(config);
  const auto runs = run_history(*store, feed, last);
  if (runs.empty()) out << "No runs yet" << (feed.empty() ? "" : " for feed " + feed) << ".\n";
  for (const RunRecord& r : runs) {
    out << "run " << r.id << "  " << r.started << "  " << r.feed << "  "
        << (r.state == RunState::notice ? run_kind_name(r.kind) : run_state_name(r.state));
    if (r.kind == RunKind::missing) {
      out << "  no file for " << r.file_name << ": " << display_safe(r.reason) << '\n';
      continue;
    }
    if (r.kind == RunKind::stale) {
      out << "  stale feed: " << display_safe(r.reason) << '\n';
      continue;
    }
    if (r.kind == RunKind::rollback) {
      out << "  rollback of run " << r.target_run.value_or(0);
    } else if (r.kind == RunKind::resolve) {
      out << "  identity decisions applied by " << display_safe(r.decided_by);
    } else {
      out << "  " << display_safe(r.file_name) << "  rows " << group_thousands(r.check.rows_read)
          << ", rejected " << group_thousands(r.check.rows_rejected);
    }
    out << ", added " << group_thousands(r.plan.added) << ", updated "
        << group_thousands(r.plan.updated) << ", deactivated "
        << group_thousands(r.plan.deactivated) << ", reactivated "
        << group_thousands(r.plan.reactivated);
    if (r.plan.rekeyed != 0) out << ", re-keyed " << group_thousands(r.plan.rekeyed);
    if (r.plan.held_for_review != 0)
      out << ", held for review " << group_thousands(r.plan.held_for_review);
    if (r.plan.linked != 0) out << ", linked " << group_thousands(r.plan.linked);
    if (r.rolled_back_by) out << "  (rolled back by run " << *r.rolled_back_by << ")";
    out << '\n';
  }
  return kExitClean;
}

}  // namespace rosterd
