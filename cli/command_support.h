// What the subcommands share: loading the config and store, options every command reads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "cli/command_line.h"
#include "config/config.h"
#include "core/civil_date.h"
#include "core/log.h"
#include "pipeline/feed_lock.h"
#include "pipeline/mailer.h"
#include "pipeline/store_access.h"
#include "report/run_report.h"
#include "store/roster_store.h"

namespace rosterd {

// --config FILE, required; throws UsageError naming `usage` when missing.
Config load_config_option(const CommandLine& cl, const std::string& usage);

// --log-level LEVEL as run_cli read it (every command takes it), if given.
std::optional<log::Level> log_level_flag();
void set_log_level_flag(std::optional<log::Level> level);

// --format text|json (default text).
std::string format_option(const CommandLine& cl);
// --threads N (default: CPUs, at most 4).
std::size_t threads_option(const CommandLine& cl);
// --as-of YYYY-MM-DD (default today, UTC).
CivilDate as_of_option(const CommandLine& cl);

// --last N (a positive count, at most 999999); `fallback` when absent. `what` names the
// things counted in the error ("runs", "files").
std::size_t last_option(const CommandLine& cl, std::size_t fallback, const std::string& what);

// A run id from the command line; throws UsageError for anything but a positive integer.
std::int64_t parse_run_id(const std::string& text);

// Who is running the command, for approvals and rollbacks (SUDO_USER, USER, or the uid).
std::string current_user();
// The person at this terminal, acting from the command line, with --reason when given.
Actor cli_actor(const CommandLine& cl);

void print_report(std::ostream& out, const RunReport& report, const std::string& format);

}  // namespace rosterd
