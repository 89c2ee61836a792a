#include "daemon/check_command.h"

#include <algorithm>
#include <thread>

#include "config/config.h"
#include "core/civil_date.h"
#include "core/error.h"
#include "core/log.h"
#include "daemon/command_line.h"
#include "daemon/exit_status.h"
#include "report/check_report.h"
#include "validators/roster_check.h"

namespace rosterd {

int run_check_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, {"--config", "--feed", "--format", "--as-of", "--threads"}, {});
  const auto config_path = cl.value("--config");
  if (!config_path)
    throw UsageError(
        "check needs --config FILE. Usage: rosterd check --config FILE [--feed NAME] ROSTER");
  if (cl.positional().size() != 1) {
    throw UsageError(
        "check takes exactly one roster file. Usage: rosterd check --config FILE [--feed NAME] "
        "ROSTER");
  }
  const std::string format = cl.value("--format").value_or("text");
  if (format != "text" && format != "json")
    throw UsageError("--format must be text or json, not \"" + format + "\".");
  CivilDate as_of = today_utc();
  if (const auto d = cl.value("--as-of")) {
    const auto parsed = parse_date(*d, "%Y-%m-%d");
    if (!parsed) throw UsageError("--as-of must be a date as YYYY-MM-DD, not \"" + *d + "\".");
    as_of = *parsed;
  }

  std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
  if (const auto t = cl.value("--threads")) {
    if (t->empty() || t->size() > 2 || t->find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(*t) < 1 || std::stoul(*t) > 16) {
      throw UsageError("--threads must be a number from 1 to 16, not \"" + *t + "\".");
    }
    threads = std::stoul(*t);
  }

  const Config config = load_config(*config_path);
  const FeedConfig& feed = config.feed(cl.value("--feed").value_or(""));

  const RosterReader reader(feed.format);
  const RowChecker checker(feed.format, feed.checks, feed.reference, as_of);
  log::debug("check.start", {{"feed", feed.name}, {"file", cl.positional()[0]}});
  // A check reports; it keeps no rows beyond their IDs (duplicates are all it needs them for).
  const CheckResult result =
      check_roster_file(reader, checker, cl.positional()[0], CheckRun{threads, false});
  log::info("check.done", {{"feed", feed.name},
                           {"sha256", result.file.sha256},
                           {"rows", std::to_string(result.counts.rows_read)},
                           {"rejected", std::to_string(result.counts.rows_rejected)},
                           {"warned", std::to_string(result.counts.rows_warned)},
                           {"refused", result.refused() ? "yes" : "no"}});

  const ReportInput report{feed.name, "dry-run", &result};
  if (format == "json") {
    write_json_report(out, report);
  } else {
    write_text_report(out, report);
  }
  out.flush();
  if (result.refused()) return kExitRefused;
  if (result.counts.rows_rejected != 0 || result.counts.rows_warned != 0) return kExitDiscrepancies;
  return kExitClean;
}

}  // namespace rosterd
