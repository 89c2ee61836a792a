// approve, reject and rollback: what a person decides about a run.
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "ops/run_actions.h"

namespace rosterd {
namespace {

struct RunArgs {
  Config config;
  std::int64_t id;
  bool force;
  Actor by;
};

RunArgs parse(const std::vector<std::string>& args, const std::string& verb) {
  const CommandLine cl(args, command_spec(verb));
  const std::string usage = cl.usage();
  if (cl.positional().size() != 1) throw UsageError(verb + " takes one run id. Usage: " + usage);
  return RunArgs{load_config_option(cl, usage), parse_run_id(cl.positional()[0]),
                 cl.flag("--force"), cli_actor(cl)};
}

}  // namespace

int run_approve_command(const std::vector<std::string>& args, std::ostream& out) {
  const RunArgs a = parse(args, "approve");
  const auto store = open_store(a.config);
  const RunRecord run = approve_run(*store, a.id, a.by);
  out << "run " << a.id << " approved and committed: " << run.plan.added << " added, "
      << run.plan.updated << " updated, " << run.plan.deactivated << " deactivated, "
      << run.plan.reactivated << " reactivated.\n";
  return kExitClean;
}

int run_reject_command(const std::vector<std::string>& args, std::ostream& out) {
  const RunArgs a = parse(args, "reject");
  const auto store = open_store(a.config);
  reject_run(*store, a.id, a.by);
  out << "run " << a.id << " rejected: nothing of it was committed.\n";
  return kExitClean;
}

int run_rollback_command(const std::vector<std::string>& args, std::ostream& out) {
  const RunArgs a = parse(args, "rollback");
  const auto store = open_store(a.config);
  const RunRecord run = rollback_run(*store, a.id, a.force, a.by);
  out << "run " << a.id << " rolled back by run " << run.id << ": " << run.plan.updated
      << " restored, " << run.plan.deactivated << " removed or deactivated, "
      << run.plan.reactivated << " reactivated.\n";
  return kExitClean;
}

}  // namespace rosterd
