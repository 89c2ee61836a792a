// Benchmark: the speed and scale-out table of docs/benchmarks.md in one run. Each figure's
// benchmark runs as a child (and its baseline within it, in the same process tree), and the
// figures it prints on its `figures:` line are set side by side with their targets. Not a test:
// it prints figures. Each child's whole output is kept in DIR/NAME.out.
//
//   rosterd_bench_limits [--rows N] [--runs K] [--dir DIR] [--night-feeds F]
//                        [--night-max-rows M]
//
// N students (default 1,000,000; the growth row checks 3N), best of K runs (default 3), a
// vendor's night of F feeds (default 400) of 500 to M students (default 50,000).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/text.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
namespace fs = std::filesystem;

namespace {

struct Options {
  std::size_t rows = 1000000;
  int runs = 3;
  std::string dir;
  int night_feeds = 400;
  std::size_t night_max_rows = 50000;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--rows") o.rows = std::stoul(value);
    if (key == "--runs") o.runs = std::stoi(value);
    if (key == "--dir") o.dir = value;
    if (key == "--night-feeds") o.night_feeds = std::stoi(value);
    if (key == "--night-max-rows") o.night_max_rows = std::stoul(value);
  }
  return o;
}

using Figures = std::map<std::string, double>;

// Runs a benchmark, keeps its output in `dir`/`name`.out and reads its figures back; an empty
// map when it failed (its output says why).
Figures run(const fs::path& dir, const std::string& name, const std::string& program,
            const std::vector<std::string>& args) {
  std::printf("running %s ...\n", name.c_str());
  std::fflush(stdout);
  const testing::ProcessResult r = testing::run_process(program, args);
  std::ofstream(dir / (name + ".out")) << r.out << r.err;
  Figures out;
  // A benchmark whose checks failed still prints its figures (the vendor's night: every file
  // once or not): they are read either way.
  if (r.exit_status != 0)
    std::printf("  %s failed (exit %d): see %s\n", name.c_str(), r.exit_status,
                (dir / (name + ".out")).c_str());
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("figures:", 0) != 0) continue;
    std::istringstream pairs(line.substr(8));
    for (std::string pair; pairs >> pair;) {
      const auto eq = pair.find('=');
      if (eq != std::string::npos) out[pair.substr(0, eq)] = std::stod(pair.substr(eq + 1));
    }
  }
  return out;
}

double get(const Figures& f, const std::string& key) {
  const auto it = f.find(key);
  return it == f.end() ? 0.0 : it->second;
}

void row(const char* figure, const std::string& measured, const char* target, bool met) {
  std::printf("| %-44s | %-50s | %-26s | %-7s |\n", figure, measured.c_str(), target,
              met ? "met" : "NOT met");
}

template <typename... Values>
std::string fmt(const char* format, Values... values) {
  char buf[160];
  std::snprintf(buf, sizeof buf, format, values...);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  testing::TempDir tmp;
  const fs::path dir = o.dir.empty() ? tmp.path() : fs::path(o.dir);
  fs::create_directories(dir);
  const std::string rows = std::to_string(o.rows);
  const std::string runs = std::to_string(o.runs);
  const Figures check = run(dir, "check", BENCH_CHECK, {"--rows", rows, "--runs", runs});
  const Figures check3 =
      run(dir, "check-3x", BENCH_CHECK, {"--rows", std::to_string(o.rows * 3), "--runs", runs});
  const Figures ingest = run(dir, "ingest", BENCH_INGEST, {"--rows", rows, "--runs", runs});
  const Figures pg = run(dir, "postgres", BENCH_POSTGRES, {"--rows", rows, "--runs", runs});
  const Figures sftp = run(dir, "sftp", BENCH_SFTP, {"--runs", std::to_string(o.runs * 2 + 1)});
  const Figures night = run(
      dir, "vendor-night", BENCH_VENDOR_NIGHT,
      {"--feeds", std::to_string(o.night_feeds), "--max-rows", std::to_string(o.night_max_rows)});

  std::printf("\n%s students; best of %d runs; each benchmark's output in %s\n\n",
              group_thousands(o.rows).c_str(), o.runs, dir.c_str());
  std::printf("| %-44s | %-50s | %-26s | %-7s |\n", "figure", "measured", "target", "");
  std::printf("|%s|%s|%s|%s|\n", std::string(46, '-').c_str(), std::string(52, '-').c_str(),
              std::string(28, '-').c_str(), std::string(9, '-').c_str());
  if (!check.empty()) {
    // With both cores, as the target says (--threads 2).
    const double ratio = get(check, "bare_s") / get(check, "check2_s");
    row("rosterd check (2 threads) vs bare fccp loop",
        fmt("%.2fx (%.2f s vs %.2f s; CPU %.2f s vs %.2f s)", ratio, get(check, "check2_s"),
            get(check, "bare_s"), get(check, "check2_cpu_s"), get(check, "bare_cpu_s")),
        ">= 0.7x", ratio >= 0.7);
    row("rosterd check peak RSS", fmt("%.0f MB", get(check, "check_rss_mb")), "<= 300 MB",
        get(check, "check_rss_mb") <= 300);
  }
  if (!ingest.empty()) {
    const double ratio = get(ingest, "first_s") / get(ingest, "import_s");
    row("first load into SQLite vs sqlite3 .import",
        fmt("%.2fx (%.2f s vs %.2f s)", ratio, get(ingest, "first_s"), get(ingest, "import_s")),
        "<= 1.0x", ratio <= 1.0);
    row("next night, 1% changed (SQLite)", fmt("%.2f s", get(ingest, "next_s")), "<= 1.2 s",
        get(ingest, "next_s") <= 1.2);
    row("first load peak RSS", fmt("%.0f MB", get(ingest, "first_rss_mb")), "<= 400 MB",
        get(ingest, "first_rss_mb") <= 400);
  }
  if (!pg.empty()) {
    const double ratio = get(pg, "first_s") / get(pg, "copy_s");
    row("first load into PostgreSQL vs psql \\copy",
        fmt("%.2fx (%.2f s vs %.2f s)", ratio, get(pg, "first_s"), get(pg, "copy_s")), "<= 1.2x",
        ratio <= 1.2);
  }
  if (!check.empty() && !check3.empty()) {
    const double growth = get(check3, "check2_s") / get(check, "check2_s");
    row("rosterd check at 3x the rows vs 1x",
        fmt("%.2fx the time, %.0f MB peak RSS", growth, get(check3, "check_rss_mb")),
        "<= 3.2x, <= 400 MB", growth <= 3.2 && get(check3, "check_rss_mb") <= 400);
  }
  if (!sftp.empty()) {
    const double ratio = get(sftp, "sftp_get_s") / get(sftp, "fetch_s");
    row("SFTP fetch vs OpenSSH sftp get (medians)",
        fmt("%.2fx as fast (%.2f s vs %.2f s)", ratio, get(sftp, "fetch_s"),
            get(sftp, "sftp_get_s")),
        ">= 1.5x", ratio >= 1.5);
  }
  if (!night.empty()) {
    const double a = get(night, "two_share_a_pct");
    const double b = get(night, "two_share_b_pct");
    row("a vendor's night: two instances' shares", fmt("%.0f%% and %.0f%% of the feeds", a, b),
        "40-60% each", a >= 40 && a <= 60 && b >= 40 && b <= 60);
    row("a vendor's night: makespan one vs two",
        fmt("%.2fx (%.1f s vs %.1f s)", get(night, "one_s") / get(night, "two_s"),
            get(night, "one_s"), get(night, "two_s")),
        "> 1x (2 cores: < 2x)", get(night, "one_s") > get(night, "two_s"));
    row("a vendor's night: one killed mid-night",
        fmt("%.1f s; every file once: %s", get(night, "killed_s"),
            get(night, "all_once") == 1 ? "yes" : "NO"),
        "every file once", get(night, "all_once") == 1);
  }
  const bool all_ran = !check.empty() && !check3.empty() && !ingest.empty() && !pg.empty() &&
                       !sftp.empty() && !night.empty();
  return all_ran ? 0 : 1;
}
