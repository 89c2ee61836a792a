// Benchmark: what the district's mail costs a run. `rosterd ingest` of the same roster (with a
// planted share of discrepancies) without mail (the baseline), then with its QA report mailed
// to one and to three recipients, each copy composed with its own console links and CSVs and
// handed to a real SMTP server on loopback (tests/support/smtp_sink.py; its time is included).
// Not a test: it prints figures.
//
//   rosterd_bench_mail [--rows N] [--runs K] [--dir DIR]
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/bench_process.h"
#include "core/text.h"
#include "tests/support/roster_generator.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

void print(const std::string& name, const bench::Measured& m, double baseline) {
  std::printf("%-52s %8.3f s %8.1f MB peak RSS %7.2fx\n", name.c_str(), m.seconds,
              static_cast<double>(m.peak_rss_kib) / 1024.0, m.seconds / baseline);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--generate") {
    // In a child, so that the measuring parent never holds the roster (see ingest_bench.cc).
    const std::size_t rows = std::stoul(argv[2]);
    testing::GeneratorOptions g;
    g.clean_rows = rows;
    g.inject = testing::every_row_code(std::max<std::size_t>(1, rows / 1000));
    std::ofstream(argv[3], std::ios::binary) << testing::generate_roster(g).text;
    return 0;
  }
  const bench::Options opt = bench::parse_options(argc, argv, {100000, 3, ""});
  testing::TempDir tmp;
  const std::filesystem::path dir = opt.dir.empty() ? tmp.path() : std::filesystem::path(opt.dir);
  std::filesystem::create_directories(dir);
  testing::SmtpSink sink(dir / "mail");
  const std::string smtp = "smtp:\n  url: " + sink.url() +
                           "\n  from: rosterd@platform.example\n  starttls: off\n"
                           "console:\n  listen: 127.0.0.1:8470\n";
  const auto config_for = [&](int recipients) {
    const auto sub = dir / ("c" + std::to_string(recipients));
    std::filesystem::create_directories(sub);
    std::string extra = "    policy: {max_reject_pct: 100}\n";
    if (recipients > 0) {
      extra += "    notify:\n      qa_report: [";
      for (int i = 0; i < recipients; ++i)
        extra += (i ? ", " : "") + std::string("qa") + std::to_string(i) + "@district.example";
      extra += "]\n" + smtp;
    }
    return testing::write_test_feed(sub, extra, "live");
  };
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();
  const auto roster = dir / "roster.txt";
  bench::measure({self, "--generate", std::to_string(opt.rows), roster.string()});
  const auto ingest = [&](const std::filesystem::path& config) {
    bench::Measured best;
    for (int r = 0; r < opt.runs; ++r) {
      for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(config.parent_path() / (std::string("roster.db") + suffix));
      const bench::Measured m =
          bench::measure({ROSTERD_BIN, "ingest", "--config", config.string(), "--as-of",
                          testing::kGeneratorAsOf, roster.string()});
      if (m.exit_status != 1) {
        std::fprintf(stderr, "bench: rosterd ingest exited %d\n", m.exit_status);
        std::exit(1);
      }
      if (best.exit_status == -1 || m.seconds < best.seconds) {
        const long rss = std::max(best.peak_rss_kib, m.peak_rss_kib);
        best = m;
        best.peak_rss_kib = rss;
      }
    }
    return best;
  };
  const bench::Measured none = ingest(config_for(0));
  const bench::Measured one = ingest(config_for(1));
  const bench::Measured three = ingest(config_for(3));
  std::printf(
      "roster: %s clean rows and every row-level code planted %s times, %.1f MB; best of %d "
      "runs\n\n",
      group_thousands(opt.rows).c_str(),
      group_thousands(std::max<std::size_t>(1, opt.rows / 1000)).c_str(),
      static_cast<double>(std::filesystem::file_size(roster)) / 1e6, opt.runs);
  print("rosterd ingest, no mail (baseline)", none, none.seconds);
  print("rosterd ingest, QA report to 1 recipient", one, none.seconds);
  print("rosterd ingest, QA report to 3 recipients", three, none.seconds);
  std::printf("\neach further copy: %.3f s\n", (three.seconds - one.seconds) / 2);
  return 0;
}
