// Benchmark: `rosterd check` against a bare fast-cpp-csv-parser read loop over the same
// generated roster, as a throughput ratio, with the peak RSS of each. Not a test: it prints.
//
//   rosterd_bench_check [--rows N] [--runs K] [--dir DIR]
//
// Targets (issue "Foundation", and issue 25 with both cores): check --threads 2 >= 0.7x the
// bare loop's rows/s; peak RSS <= 300 MB at 1M rows. Each program runs as its own process; the
// figure is the best wall time of K runs.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/bench_process.h"
#include "core/text.h"
#include "parsers/fccp.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

// The baseline: the loop fast-cpp-csv-parser's documentation shows, reading all twelve columns
// by header name as char* (its fastest form), trimming blanks, counting rows.
int bare_loop(const char* path) {
  io::CSVReader<12, io::trim_chars<' ', '\t'>, io::no_quote_escape<'|'>> in(path);
  in.read_header(io::ignore_extra_column, "StudentStateID", "LocalStudentID", "LegalFirstName",
                 "LegalMiddleName", "LegalLastName", "DateOfBirth", "Grade", "CampusID",
                 "Diagnoses", "Status", "ELAScore", "MathScore");
  char *a = nullptr, *b = nullptr, *c = nullptr, *d = nullptr, *e = nullptr, *f = nullptr,
       *g = nullptr, *h = nullptr, *i = nullptr, *j = nullptr, *k = nullptr, *l = nullptr;
  unsigned long rows = 0, bytes = 0;
  while (in.read_row(a, b, c, d, e, f, g, h, i, j, k, l)) {
    ++rows;
    bytes += std::strlen(a) + std::strlen(l);  // touch the values so nothing is optimised away
  }
  std::printf("%lu %lu\n", rows, bytes);
  return rows > 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--bare") return bare_loop(argv[2]);
  // The roster is written by a child: a child started with posix_spawn (vfork) inherits its
  // parent's peak RSS, so the measuring parent must never hold the roster itself.
  if (argc == 4 && std::string(argv[1]) == "--generate") {
    // The roster is written by a child: a child started with posix_spawn (vfork) inherits its
    // parent's peak RSS, so the measuring parent must never hold the roster itself.
    testing::write_generated_roster(std::stoul(argv[2]), argv[3]);
    return 0;
  }
  const bench::Options opt = bench::parse_options(argc, argv, {});
  const std::size_t rows = opt.rows;
  const int runs = opt.runs;
  const std::string& dir_arg = opt.dir;
  testing::TempDir tmp;
  const std::filesystem::path dir = dir_arg.empty() ? tmp.path() : std::filesystem::path(dir_arg);
  const auto config = testing::write_test_feed(dir);
  const auto roster = dir / "bench-roster.txt";
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();
  bench::measure({self, "--generate", std::to_string(rows), roster.string()});
  const double mb = static_cast<double>(std::filesystem::file_size(roster)) / 1e6;
  std::printf("roster: %s rows, %.1f MB (%s)\n", group_thousands(rows).c_str(), mb, roster.c_str());
  std::printf("best of %d runs each; wall time of the whole process, peak RSS from wait4\n\n",
              runs);

  const bench::Best bare = bench::best_of(runs, {self, "--bare", roster.string()});
  const auto check_with = [&](const char* threads) {
    return bench::best_of(
        runs, {ROSTERD_BIN, "check", "--config", config.string(), "--feed", "gen", "--format",
               "json", "--as-of", testing::kGeneratorAsOf, "--threads", threads, roster.string()});
  };
  const bench::Best check1 = check_with("1");
  const bench::Best check2 = check_with("2");

  const auto line = [&](const char* name, const bench::Best& b) {
    std::printf(
        "%-34s %8.3f s %12s rows/s %8.1f MB/s %8.1f MB peak RSS\n", name, b.seconds,
        group_thousands(static_cast<unsigned long long>(static_cast<double>(rows) / b.seconds))
            .c_str(),
        mb / b.seconds, static_cast<double>(b.rss_kib) / 1024.0);
  };
  line("bare fccp CSVReader<12> loop", bare);
  line("rosterd check --threads 1", check1);
  line("rosterd check --threads 2", check2);
  const double ratio1 = bare.seconds / check1.seconds;
  const double ratio2 = bare.seconds / check2.seconds;
  std::printf(
      "\nthroughput ratio check/bare: %.2f with 1 thread, %.2f with 2 (target >= 0.70: %s)\n",
      ratio1, ratio2, ratio2 >= 0.70 ? "met" : "NOT met");
  const double rss_mb = static_cast<double>(std::max(check1.rss_kib, check2.rss_kib)) / 1024.0;
  std::printf("rosterd check peak RSS: %.1f MB (target <= 300 MB at 1M rows: %s)\n", rss_mb,
              rss_mb <= 300 ? "met" : "NOT met");
  bench::print_figures({{"bare_s", bare.seconds},
                        {"bare_cpu_s", bare.cpu_seconds},
                        {"check1_s", check1.seconds},
                        {"check2_s", check2.seconds},
                        {"check2_cpu_s", check2.cpu_seconds},
                        {"check_rss_mb", rss_mb}});
  return 0;
}
