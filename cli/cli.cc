#include "cli/cli.h"

#include <cstdlib>
#include <exception>

#include "cli/command_spec.h"
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "core/error.h"
#include "core/log.h"
#include "core/text.h"
#include "core/utf8.h"
#include "store/sql_db.h"

namespace rosterd {
namespace {

// `rosterd help [COMMAND | --man | --bash-completion]`: the overview, one command's help, or
// the man page and completion script the package installs (generated from the same table).
int run_help_command(const std::vector<std::string>& args, std::ostream& out) {
  if (args.empty()) {
    out << overview_help();
    return kExitClean;
  }
  if (args.size() == 1 && args[0] == "--man") {
    out << man_page(ROSTERD_VERSION);
    return kExitClean;
  }
  if (args.size() == 1 && args[0] == "--bash-completion") {
    out << bash_completion();
    return kExitClean;
  }
  const CommandSpec* spec = args.size() == 1 ? find_command_spec(args[0]) : nullptr;
  if (spec == nullptr) {
    throw UsageError("help takes a command name (or --man, --bash-completion), not \"" + args[0] +
                     "\". Run 'rosterd --help' for the commands.");
  }
  out << command_help(*spec);
  return kExitClean;
}

// A message as printed: it quotes names from files, servers and the command line, so no raw
// control character goes to the terminal; the lines a message is made of (a list of problems)
// stay lines.
std::string safe_lines(std::string_view message) {
  std::string out;
  for (std::string_view line : split(message, '\n')) {
    if (!out.empty()) out += '\n';
    append_display_safe(out, line);
  }
  return out;
}

// Where to find what was not found, in the command line's terms.
std::string_view where_to_look(NotFoundError::What what) {
  switch (what) {
    case NotFoundError::What::run:
      return "'rosterd history' lists the runs.";
    case NotFoundError::What::alert:
      return "'rosterd alerts' lists the open ones.";
    case NotFoundError::What::student:
      return "'rosterd export' lists them; an open alert may hold a new ID ('rosterd alerts').";
    case NotFoundError::What::record:
      return "'rosterd export --kind KIND' lists a kind's committed rows.";
    case NotFoundError::What::mail:
      return "'rosterd outbox' lists them.";
    case NotFoundError::What::user:
      return "'rosterd user list' lists the console's users.";
    case NotFoundError::What::token:
      return "'rosterd token list' lists the tokens.";
    case NotFoundError::What::feed:
      return "the configuration names the feeds.";
  }
  return "";
}

}  // namespace

int run_cli(const std::vector<std::string>& given, std::ostream& out, std::ostream& err) {
  if (const char* lvl = std::getenv("ROSTERD_LOG_LEVEL")) {
    log::Level level;
    if (log::parse_level(lvl, level)) log::set_level(level);
  }
  // --log-level LEVEL, taken by every command: it wins over the environment and the config.
  set_log_level_flag(std::nullopt);
  std::vector<std::string> args;
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (given[i] != "--log-level" && !given[i].starts_with("--log-level=")) {
      args.push_back(given[i]);
      continue;
    }
    const std::string value = given[i].starts_with("--log-level=") ? given[i].substr(12)
                              : i + 1 < given.size()               ? given[++i]
                                                                   : std::string();
    log::Level level;
    if (!log::parse_level(value, level)) {
      err << "rosterd: error: --log-level takes debug, info, warning or error, not \""
          << safe_lines(value) << "\".\n";
      return kExitUsage;
    }
    set_log_level_flag(level);
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? err : out) << overview_help();
    return args.empty() ? kExitUsage : kExitClean;
  }
  if (args[0] == "--version") {
    out << "rosterd " << ROSTERD_VERSION << '\n';
    return kExitClean;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  const CommandSpec* spec = find_command_spec(args[0]);
  for (const std::string& a : rest) {
    if (a == "--") break;
    if (spec != nullptr && (a == "--help" || a == "-h")) {
      out << command_help(*spec);
      return kExitClean;
    }
  }
  try {
    if (args[0] == "help") return run_help_command(rest, out);
    if (args[0] == "check") return run_check_command(rest, out);
    if (args[0] == "check-config") return run_check_config_command(rest, out);
    if (args[0] == "ingest") return run_ingest_command(rest, out);
    if (args[0] == "fetch") return run_fetch_command(rest, out);
    if (args[0] == "run") return run_run_command(rest, out);
    if (args[0] == "files") return run_files_command(rest, out);
    if (args[0] == "mail-test") return run_mail_test_command(rest, out);
    if (args[0] == "outbox") return run_outbox_command(rest, out);
    if (args[0] == "sync-now") return run_sync_now_command(rest, out);
    if (args[0] == "status") return run_status_command(rest, out);
    if (args[0] == "history") return run_history_command(rest, out);
    if (args[0] == "show") return run_show_command(rest, out);
    if (args[0] == "approve") return run_approve_command(rest, out);
    if (args[0] == "reject") return run_reject_command(rest, out);
    if (args[0] == "rollback") return run_rollback_command(rest, out);
    if (args[0] == "pause") return run_pause_command(rest, out);
    if (args[0] == "resume") return run_resume_command(rest, out);
    if (args[0] == "export") return run_export_command(rest, out);
    if (args[0] == "record") return run_record_command(rest, out);
    if (args[0] == "suggest-format") return run_suggest_format_command(rest, out);
    if (args[0] == "layout") return run_layout_command(rest, out);
    if (args[0] == "store-check") return run_store_check_command(rest, out);
    if (args[0] == "alerts") return run_alerts_command(rest, out);
    if (args[0] == "resolve") return run_resolve_command(rest, out);
    if (args[0] == "import-existing") return run_import_existing_command(rest, out);
    if (args[0] == "student") return run_student_command(rest, out);
    if (args[0] == "user") return run_user_command(rest, out);
    if (args[0] == "token") return run_token_command(rest, out);
    throw UsageError("unknown command \"" + args[0] + "\". Run 'rosterd --help' for the commands.");
  } catch (const NotFoundError& e) {
    out.flush();
    err << "rosterd: error: " << safe_lines(e.what()) << ' ' << where_to_look(e.kind()) << '\n';
    return kExitUsage;
  } catch (const StoreDamagedError& e) {
    out.flush();
    err << "rosterd: error: " << safe_lines(e.what()) << '\n';
    return kExitStoreDamaged;
  } catch (const UnavailableError& e) {
    out.flush();
    err << "rosterd: error: " << safe_lines(e.what()) << '\n';
    return kExitUnavailable;
  } catch (const Error& e) {
    out.flush();
    err << "rosterd: error: " << safe_lines(e.what()) << '\n';
    return kExitUsage;
  } catch (const std::exception& e) {
    out.flush();
    err << "rosterd: internal error: " << safe_lines(e.what())
        << " (please report this with the command you ran)\n";
    return kExitInternal;
  }
}

}  // namespace rosterd
