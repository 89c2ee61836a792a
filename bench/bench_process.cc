#include "bench/bench_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

extern char** environ;

namespace rosterd::bench {

void keep_best(Measured& best, const Measured& m) {
  if (best.exit_status == -1 || m.seconds < best.seconds) {
    const long rss = std::max(best.peak_rss_kib, m.peak_rss_kib);
    best = m;
    best.peak_rss_kib = rss;
  }
}

void remove_sqlite(const std::string& db) {
  for (const char* suffix : {"", "-wal", "-shm"})
    std::remove((db + suffix).c_str());
}

Measured measure(const std::vector<std::string>& args) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    throw std::runtime_error("cannot start " + args[0]);
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  struct rusage usage {};
  while (wait4(pid, &status, 0, &usage) < 0) {
  }
  Measured m;
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.peak_rss_kib = usage.ru_maxrss;
  m.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                  static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  m.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return m;
}

}  // namespace rosterd::bench

namespace rosterd::bench {

Options parse_options(int argc, char** argv, Options o) {
  // One at a time: a benchmark's own flags (--no-postgresql) take no value.
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string opt = argv[i];
    if (opt == "--rows") {
      o.rows = std::stoul(argv[++i]);
    } else if (opt == "--runs") {
      o.runs = std::stoi(argv[++i]);
    } else if (opt == "--dir") {
      o.dir = argv[++i];
    }
  }
  return o;
}

Best best_of(int runs, const std::vector<std::string>& argv) {
  Best best;
  for (int r = 0; r < runs; ++r) {
    const Measured m = measure(argv);
    if (m.exit_status != 0 && m.exit_status != 1) {
      std::fprintf(stderr, "bench: %s exited %d\n", argv[0].c_str(), m.exit_status);
      std::exit(1);
    }
    if (m.seconds < best.seconds) {
      best.seconds = m.seconds;
      best.cpu_seconds = m.cpu_seconds;
    }
    best.rss_kib = std::max(best.rss_kib, m.peak_rss_kib);
  }
  return best;
}

void print_figures(const std::vector<std::pair<std::string, double>>& figures) {
  std::printf("\nfigures:");
  for (const auto& [name, value] : figures)
    std::printf(" %s=%.4f", name.c_str(), value);
  std::printf("\n");
}

}  // namespace rosterd::bench
