// Benchmark: `rosterd ingest` into the SQLite store, beside the sqlite3 CLI's own bulk load.
// Not a test: it prints figures.
//
//   rosterd_bench_ingest [--rows N] [--dir DIR]
//
// Also a first load and a next night of the same rows in another order (an export sorted by
// school or name, not by ID), the first load beside the same baseline of that file: no target,
// figures to keep an eye on.
//
// Targets (issue 25, tightening issue "Roster store"'s 1.5 s): a first load into an empty store
// <= 1.0x the time of `sqlite3 .import` of the same file plus a unique index on the ID; the
// next night's ingest with 1% of the students changed <= 1.2 s; peak RSS <= 400 MB.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_process.h"
#include "core/text.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

void print(const char* name, const bench::Measured& m) {
  std::printf("%-44s %8.3f s %10.1f MB peak RSS\n", name, m.seconds,
              static_cast<double>(m.peak_rss_kib) / 1024.0);
}

// Writes `in`'s header and then its rows in an order fixed by a seed.
void write_shuffled(const std::filesystem::path& in, const std::filesystem::path& out) {
  std::ifstream from(in, std::ios::binary);
  std::string header;
  std::getline(from, header);
  std::vector<std::string> lines;
  for (std::string line; std::getline(from, line);)
    lines.push_back(std::move(line));
  std::mt19937_64 random(20261206);
  std::shuffle(lines.begin(), lines.end(), random);
  std::ofstream to(out, std::ios::binary);
  to << header << '\n';
  for (const std::string& line : lines)
    to << line << '\n';
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--generate") {
    // The roster is written by a child: a child started with posix_spawn (vfork) inherits its
    // parent's peak RSS, so the measuring parent must never hold the roster itself.
    testing::write_generated_roster(std::stoul(argv[2]), argv[3]);
    return 0;
  }
  if (argc == 4 && std::string(argv[1]) == "--shuffle") {
    write_shuffled(argv[2], argv[3]);  // in a child: see --generate
    return 0;
  }
  if (argc == 4 && std::string(argv[1]) == "--next-night") {
    testing::write_next_night(argv[2], argv[3]);  // in a child: see --generate
    return 0;
  }
  const bench::Options opt = bench::parse_options(argc, argv, {});
  const std::size_t rows = opt.rows;
  const int runs = opt.runs;
  const std::string& dir_arg = opt.dir;
  testing::TempDir tmp;
  const std::filesystem::path dir = dir_arg.empty() ? tmp.path() : std::filesystem::path(dir_arg);
  const auto config = testing::write_test_feed(dir, "", "live");
  const auto night1 = dir / "night1.txt";
  const auto night2 = dir / "night2.txt";
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();
  bench::measure({self, "--generate", std::to_string(rows), night1.string()});
  bench::measure({self, "--next-night", night1.string(), night2.string()});
  const auto shuffled = dir / "shuffled.txt";
  bench::measure({self, "--shuffle", night1.string(), shuffled.string()});
  const auto shuffled2 = dir / "night2-shuffled.txt";
  bench::measure({self, "--shuffle", night2.string(), shuffled2.string()});
  for (const char* f : {"roster.db", "roster.db-wal", "roster.db-shm", "baseline.db"})
    std::filesystem::remove(dir / f);
  std::printf("roster: %s rows, %.1f MB (%s); best of %d runs each\n\n",
              group_thousands(rows).c_str(),
              static_cast<double>(std::filesystem::file_size(night1)) / 1e6, night1.c_str(), runs);

  const auto db = dir / "roster.db";
  const auto remove_store = [&] { bench::remove_sqlite(db.string()); };
  using bench::keep_best;
  const auto ingest = [&](const std::filesystem::path& file) {
    return bench::measure({ROSTERD_BIN, "ingest", "--config", config.string(), "--feed", "gen",
                           "--as-of", testing::kGeneratorAsOf, file.string()});
  };
  const auto import = [&](const std::filesystem::path& file) {
    std::filesystem::remove(dir / "baseline.db");
    return bench::measure({"/usr/bin/sqlite3", (dir / "baseline.db").string(), ".separator |",
                           ".import " + file.string() + " t",
                           "CREATE UNIQUE INDEX t_id ON t(StudentStateID);"});
  };
  bench::Measured baseline, first, next, shuffled_baseline, shuffled_first, shuffled_next;
  for (int r = 0; r < runs; ++r) {
    keep_best(shuffled_baseline, import(shuffled));
    remove_store();
    keep_best(shuffled_first, ingest(shuffled));
  }
  for (int r = 0; r < runs; ++r) {
    keep_best(baseline, import(night1));
    remove_store();
    keep_best(first, ingest(night1));  // the last one is the store the next nights start from
  }
  // The store after a first load, checkpointed, is restored before each next night.
  bench::measure({"/usr/bin/sqlite3", db.string(), "PRAGMA wal_checkpoint(TRUNCATE);"});
  std::filesystem::copy_file(db, dir / "after-first.db",
                             std::filesystem::copy_options::overwrite_existing);
  for (int r = 0; r < runs; ++r) {
    remove_store();
    std::filesystem::copy_file(dir / "after-first.db", db);
    keep_best(next, ingest(night2));
    remove_store();
    std::filesystem::copy_file(dir / "after-first.db", db);
    keep_best(shuffled_next, ingest(shuffled2));
  }
  if (first.exit_status != 0 || next.exit_status != 0 || baseline.exit_status != 0 ||
      shuffled_first.exit_status != 0 || shuffled_baseline.exit_status != 0 ||
      shuffled_next.exit_status != 0) {
    std::fprintf(stderr,
                 "bench: exit statuses: sqlite3 %d, first %d, next %d, not in ID order: sqlite3 "
                 "%d, first %d, next %d\n",
                 baseline.exit_status, first.exit_status, next.exit_status,
                 shuffled_baseline.exit_status, shuffled_first.exit_status,
                 shuffled_next.exit_status);
    return 1;
  }
  print("sqlite3 .import + unique index (baseline)", baseline);
  print("rosterd ingest, first load (empty store)", first);
  print("rosterd ingest, next night (1% updated)", next);
  print("the rows not in ID order: sqlite3 .import", shuffled_baseline);
  print("the rows not in ID order: rosterd first load", shuffled_first);
  print("the rows not in ID order: rosterd next night", shuffled_next);
  const double ratio = first.seconds / baseline.seconds;
  const double rss = static_cast<double>(std::max(first.peak_rss_kib, next.peak_rss_kib)) / 1024.0;
  std::printf("\nfirst load / baseline: %.2fx (target <= 1.0: %s)\n", ratio,
              ratio <= 1.0 ? "met" : "NOT met");
  std::printf("next night: %.3f s (target <= 1.2 s: %s)\n", next.seconds,
              next.seconds <= 1.2 ? "met" : "NOT met");
  std::printf("peak RSS: %.1f MB (target <= 400 MB: %s)\n", rss, rss <= 400 ? "met" : "NOT met");
  std::printf("rows not in ID order, first load / its baseline: %.2fx (no target)\n",
              shuffled_first.seconds / shuffled_baseline.seconds);
  bench::print_figures({{"import_s", baseline.seconds},
                        {"first_s", first.seconds},
                        {"next_s", next.seconds},
                        {"first_rss_mb", static_cast<double>(first.peak_rss_kib) / 1024.0},
                        {"shuffled_import_s", shuffled_baseline.seconds},
                        {"shuffled_first_s", shuffled_first.seconds},
                        {"shuffled_next_s", shuffled_next.seconds}});
  return 0;
}
