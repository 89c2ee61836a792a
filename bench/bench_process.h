// Runs a child process and measures it from outside: wall time and peak resident memory.
#pragma once

#include <string>
#include <vector>

namespace rosterd::bench {

struct Measured {
  double seconds = 0;
  double cpu_seconds = 0;  // user + system, of the process and the children it waited for
  long peak_rss_kib = 0;
  int exit_status = -1;
};

// Runs `argv` (argv[0] is the program path) with stdout to /dev/null.
Measured measure(const std::vector<std::string>& argv);

// Keeps in `best` the faster of it and `m`, with the larger of their peak RSS (a first `best`,
// never measured, exit_status -1, takes `m`).
void keep_best(Measured& best, const Measured& m);

// Removes a SQLite store and its -wal and -shm files.
void remove_sqlite(const std::string& db);

}  // namespace rosterd::bench

namespace rosterd::bench {

// The options every benchmark takes: --rows N, --runs K, --dir DIR (default: a temp folder).
struct Options {
  std::size_t rows = 1000000;
  int runs = 3;
  std::string dir;
};

// Parses argv over `defaults`; unknown options are ignored.
Options parse_options(int argc, char** argv, Options defaults);

// The best wall time of `runs` runs of `argv`, with the largest peak RSS among them. A run
// exiting other than 0 or 1 (a check with discrepancies) stops the benchmark.
struct Best {
  double seconds = 1e9;
  double cpu_seconds = 0;  // of the fastest run
  long rss_kib = 0;
};
Best best_of(int runs, const std::vector<std::string>& argv);

// Prints the line `rosterd_bench_limits` reads a benchmark's figures from: "figures:" and
// `name=value` pairs.
void print_figures(const std::vector<std::pair<std::string, double>>& figures);

}  // namespace rosterd::bench
