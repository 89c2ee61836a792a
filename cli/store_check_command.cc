// `rosterd store-check`: whether the roster store is whole (docs/store.md, "A damaged store").
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "ops/store_health.h"
#include "store/sql_db.h"

namespace rosterd {

int run_store_check_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("store-check"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty()) throw UsageError("store-check takes no argument. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  // --quick: only each feed's students counted (no page-by-page read of the whole file).
  const std::vector<std::string> problems = check_store(config, !cl.flag("--quick"));
  const bool sqlite = config.store.kind != StoreKind::postgresql;
  if (problems.empty()) {
    out << "the roster store is whole";
    out << (cl.flag("--quick") || !sqlite ? " (each feed's students counted)\n"
                                          : " (every page read, each feed's students counted)\n");
    return kExitClean;
  }
  for (const std::string& p : problems)
    out << "damaged: " << p << '\n';
  out << (sqlite ? damaged_store_advice(config.store.sqlite.string(), SqlDialect::sqlite)
                 : damaged_store_advice("(PostgreSQL)", SqlDialect::postgresql))
      << '\n';
  return kExitStoreDamaged;
}

}  // namespace rosterd
