// `rosterd run`: the long-running service. One Boost.Asio io_context drives a timer per feed
// (schedule.poll_every) and the signals; the blocking work of a poll (SFTP, parsing, SQLite,
// SMTP) runs on a bounded worker pool, at most one poll per feed at a time, feeds in parallel
// up to `workers`. SIGTERM/SIGINT stop taking new work and let running polls finish (a run in
// its commit completes; one cut short is rolled back by SQLite and taken again next start);
// SIGHUP reloads the configuration, keeping the old one when the new one is refused. Under
// systemd (Type=notify) it reports READY=1, STATUS= and WATCHDOG=1.
#pragma once

#include <filesystem>
#include <ostream>

namespace rosterd {

struct ServiceOptions {
  std::filesystem::path config_file;
  std::size_t threads_per_run = 2;  // for the roster check of one run
};

// Runs until SIGTERM or SIGINT; returns the exit status (0 on a clean stop). Throws Error when
// the configuration cannot be loaded at start.
int run_service(const ServiceOptions& options);

}  // namespace rosterd
