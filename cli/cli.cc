#include "cli/cli.h"

#include <cstdlib>
#include <exception>

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

constexpr const char* kUsage =
    "usage: rosterd COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  check --config FILE [--feed NAME] [--format text|json] [--as-of YYYY-MM-DD]\n"
    "        [--threads N] ROSTER\n"
    "        Test import: read and validate ROSTER with the feed's rules, print every\n"
    "        discrepancy, write nothing. Exit 0 clean, 1 rows rejected or warned,\n"
    "        2 usage or configuration error, 3 file refused.\n"
    "  ingest --config FILE [--feed NAME] [--format text|json] [--as-of DATE] ROSTER\n"
    "        Check, plan against the committed roster, decide (commit, hold, dry run),\n"
    "        record the run and commit in one transaction. Exit as check, or 4 held.\n"
    "  fetch --config FILE [--feed NAME] [--wait]\n"
    "        Take every complete new file from the feed's drop (source.sftp or\n"
    "        source.local) into staging, once; print what was taken. Exit 5 when the\n"
    "        drop failed or a file was not taken.\n"
    "  run --config FILE\n"
    "        The service (systemd): poll every feed with a source on its schedule\n"
    "        (schedule.poll_every), run what comes, until SIGTERM; SIGHUP reloads.\n"
    "  run --once --config FILE [--feed NAME] [--wait] [--format text|json]\n"
    "        The service's cycle, once: fetch every feed, ingest what was taken, print\n"
    "        each run's report, tidy the drop. Exit as ingest, or 5 drop failed.\n"
    "  sync-now --config FILE --feed NAME [--timeout S] make the service poll it now\n"
    "  status --config FILE [--timeout S]               what the service is doing\n"
    "  history --config FILE [--feed NAME] [--last N]   recent runs (default 7)\n"
    "  files --config FILE [--feed NAME] [--last N]     the drop ledger: files seen (20)\n"
    "  outbox --config FILE [--deliver]                 mail waiting to be delivered\n"
    "  mail-test --config FILE --to ADDRESS             send a test message, show the SMTP\n"
    "                                                   conversation (exit 5 when it fails)\n"
    "  show --config FILE [--format text|json] RUN      a run's report again\n"
    "  approve --config FILE RUN                        commit a held run\n"
    "  reject --config FILE RUN                         discard a held run\n"
    "  rollback --config FILE [--force] RUN             restore what a run changed\n"
    "  export --config FILE [--feed NAME]               the committed roster, to stdout\n"
    "  store-check --config FILE [--quick]              is the roster store whole? (exit 6:\n"
    "                                                   damaged, restore the last backup)\n"
    "  alerts --config FILE [--feed NAME] [--all] [--format text|json]\n"
    "        Identity alerts: possible matches (a new state ID with the name and birth\n"
    "        date of a committed student), re-keys, go-live matches, side by side.\n"
    "  resolve --config FILE ALERT... (--match [--to ID] | --create) [--apply]\n"
    "  resolve --config FILE --run RUN (--all-match | --all-create) [--apply]\n"
    "        Decide: --match gives the committed student the new ID (one record,\n"
    "        history kept), --create adds a new student. Applied by the next run\n"
    "        with the row, or now with --apply (--feed NAME --apply: every decision).\n"
    "  student --config FILE [--feed NAME] STATE_ID     one student: the record, the IDs\n"
    "                                                   it had, every change\n"
    "  import-existing --config FILE --feed NAME FILE\n"
    "        Before go-live: load the platform's students (the feed's columns plus\n"
    "        identity.existing_id_column) for the first live file to be matched to.\n"
    "\n"
    "Options for every command:\n"
    "  --log-level debug|info|warning|error   what is logged to stderr (default warning;\n"
    "               the service: service.log_level, default info)\n"
    "  --help       this text\n"
    "  --version    the version\n"
    "\n"
    "Environment: ROSTERD_LOG_LEVEL=debug|info|warning|error (--log-level wins over it).\n"
    "Documentation: docs/rosterd.md (man page), conf/rosterd.example.yaml (every config key).\n";

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
    case NotFoundError::What::mail:
      return "'rosterd outbox' lists them.";
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
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    (args.empty() ? err : out) << kUsage;
    return args.empty() ? kExitUsage : kExitClean;
  }
  if (args[0] == "--version") {
    out << "rosterd " << ROSTERD_VERSION << '\n';
    return kExitClean;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  for (const std::string& a : rest) {
    if (a == "--help" || a == "-h") {
      out << kUsage;
      return kExitClean;
    }
  }
  try {
    if (args[0] == "check") return run_check_command(rest, out);
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
    if (args[0] == "export") return run_export_command(rest, out);
    if (args[0] == "store-check") return run_store_check_command(rest, out);
    if (args[0] == "alerts") return run_alerts_command(rest, out);
    if (args[0] == "resolve") return run_resolve_command(rest, out);
    if (args[0] == "import-existing") return run_import_existing_command(rest, out);
    if (args[0] == "student") return run_student_command(rest, out);
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
