// What the subcommands share: loading the config and store, options every command reads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "config/config.h"
#include "core/civil_date.h"
#include "daemon/command_line.h"
#include "daemon/feed_lock.h"
#include "daemon/mailer.h"
#include "report/run_report.h"
#include "store/roster_store.h"

namespace rosterd {

// --config FILE, required; throws UsageError naming `usage` when missing.
Config load_config_option(const CommandLine& cl, const std::string& usage);

// Opens the configured store, creating its folder when missing. A SQLite store whose folder
// rosterd cannot write is refused with the reason (SQLite keeps its journal files there).
std::unique_ptr<RosterStore> open_store(const Config& config);

// Creates state_dir when missing and checks that rosterd can write there (feed locks, the
// control socket, staged and archived files); throws Error naming the key, the folder, why not
// (e.g. a read-only file system) and what to do. Commands that take files call it first, so a
// read-only state folder stops them before anything is fetched.
void require_writable_state_dir(const Config& config);

// On a shared PostgreSQL store, why this process may not work on `feed` now: a service runs
// the feed, or another process is running it. Holding both locks on the command's own
// connection keeps them until it ends.
std::optional<std::string> not_ours(RosterStore& store, const std::string& feed);

// Takes hold of `feed` now if no other process works on it: its lock in state_dir, kept in
// `lock` until the caller lets go, and on a shared store its locks on the store's connection.
// Returns why not (another process is working on it, or the lock cannot be taken), or nullopt
// once held.
std::optional<std::string> hold_feed_now(const Config& config, RosterStore& store,
                                         const FeedConfig& feed, std::optional<FeedLock>& lock);

// Settles the runs waiting for their QA report (Mailer::settle_awaiting_runs) of the feeds no
// service polls (no source: their runs come from `rosterd ingest`), each one only while no
// other process holds it.
void settle_unpolled_feeds(const Config& config, RosterStore& store, Mailer& mailer);

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

void print_report(std::ostream& out, const RunReport& report, const std::string& format);

}  // namespace rosterd
