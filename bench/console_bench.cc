// Benchmark: the console under a large run and many clients. Not a test: it prints figures.
//
//   rosterd_bench_console [--rows N] [--runs K] [--dir DIR]
//
// Targets (issue "The district console"): a held run of 1,000,000 planned changes — its page and
// the first page of its changes served in under 200 ms; polls of another feed keep their
// schedule while 50 clients load pages. Figures are ratios against baselines measured in the same
// run: a request for /healthz (the console's cheapest answer) and the other feed's polls with no
// client at all.
//
// The district: feed "gen" (N students committed, then a file renaming every one of them, held
// by commit: manual, so N planned updates), and feed "other", polled from a local drop every
// second. `rosterd run` serves the console; the polls are counted from its log (debug level:
// one service.polled line a poll). The 50 clients come from one address, as through a reverse
// proxy: 127.0.0.1 is a trusted proxy, so the eight-connections-an-address cap does not apply.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_process.h"
#include "core/text.h"
#include "tests/support/http_client.h"
#include "tests/support/loopback.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

using SteadyClock = std::chrono::steady_clock;

double ms_since(SteadyClock::time_point t0) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count();
}

// Every student renamed: N planned updates.
void rename_everyone(const char* in_path, const char* out_path) {
  std::ifstream in(in_path, std::ios::binary);
  std::ofstream out(out_path, std::ios::binary);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    if (n++ > 0) {
      std::size_t pos = 0;
      for (int i = 0; i < 4; ++i)
        pos = line.find('|', pos) + 1;  // the fifth field: last name
      line.replace(pos, line.find('|', pos) - pos, "Renamed" + std::to_string(n));
    }
    out << line << '\n';
  }
}

struct Latency {
  double median = 0, p95 = 0, max = 0;
};

Latency summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  if (ms.empty()) return {};
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], ms.back()};
}

Latency time_requests(int port, const std::string& target, const std::string& cookie, int count) {
  std::vector<double> ms;
  for (int i = 0; i < count; ++i) {
    const auto t0 = SteadyClock::now();
    const testing::HttpAnswer a = testing::http_request(port, "GET", target, {{"Cookie", cookie}});
    ms.push_back(ms_since(t0));
    if (a.status != 200) std::fprintf(stderr, "bench: %s answered %d\n", target.c_str(), a.status);
  }
  return summarize(ms);
}

std::size_t count_polls(const std::filesystem::path& log, const std::string& feed) {
  std::ifstream in(log);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line))
    if (line.find("event=service.polled") != std::string::npos &&
        line.find("feed=" + feed) != std::string::npos)
      ++n;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--generate") {
    testing::write_generated_roster(std::stoul(argv[2]), argv[3]);  // in a child: see ingest
    return 0;
  }
  if (argc == 4 && std::string(argv[1]) == "--rename") {
    rename_everyone(argv[2], argv[3]);
    return 0;
  }
  const bench::Options opt = bench::parse_options(argc, argv, {});
  testing::TempDir tmp;
  const std::filesystem::path dir = opt.dir.empty() ? tmp.path() : std::filesystem::path(opt.dir);
  std::filesystem::create_directories(dir / "drop");
  const int port = testing::free_loopback_port();
  const std::string other =
      "  other:\n    mode: live\n    format: {quote: double}\n    schedule: {poll_every: 1s}\n"
      "    source:\n      local: {dir: drop, stable_for: 0s}\n";
  const std::string console = "console: {listen: \"127.0.0.1:" + std::to_string(port) +
                              "\", max_connections: 200, trusted_proxies: [127.0.0.1]}\n"
                              "service: {log_level: debug}\n";
  const auto auto_config = testing::write_test_feed(dir, other + console, "live");
  const auto night1 = dir / "night1.txt", night2 = dir / "night2.txt";
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();
  bench::measure({self, "--generate", std::to_string(opt.rows), night1.string()});
  bench::measure({self, "--rename", night1.string(), night2.string()});
  for (const char* f : {"roster.db", "roster.db-wal", "roster.db-shm"})
    std::filesystem::remove(dir / f);
  const auto ingest = [&](const std::filesystem::path& file) {
    return bench::measure({ROSTERD_BIN, "ingest", "--config", auto_config.string(), "--feed", "gen",
                           "--as-of", testing::kGeneratorAsOf, file.string()});
  };
  const bench::Measured first = ingest(night1);
  // The second night with commit: manual, so that every rename waits as a planned change.
  {
    std::ifstream in(auto_config);
    std::ostringstream read;
    read << in.rdbuf();
    std::string text = read.str();
    const std::string feed_line = "    mode: live\n    format: {quote: double}\n    reference:";
    const auto at = text.find(feed_line);
    text.insert(at + std::string("    mode: live\n").size(), "    policy: {commit: manual}\n");
    std::ofstream(auto_config) << text;
  }
  const bench::Measured second = ingest(night2);
  if (first.exit_status != 0 || second.exit_status != 4) {
    std::fprintf(stderr, "bench: ingest exit statuses %d and %d (want 0 and 4)\n",
                 first.exit_status, second.exit_status);
    return 1;
  }
  std::printf(
      "district: %s students; run 2 holds %s planned updates (ingests %.1f s and %.1f s)\n\n",
      group_thousands(opt.rows).c_str(), group_thousands(opt.rows).c_str(), first.seconds,
      second.seconds);

  std::ofstream(dir / "pw") << "bench password 1\n";
  testing::run_process(
      ROSTERD_BIN, {"user", "add", "--config", auto_config.string(), "b@x.org", "--name", "Bench",
                    "--role", "admin", "--password-file", (dir / "pw").string()});
  const auto log = dir / "service.log";
  testing::ChildProcess service(ROSTERD_BIN, {"run", "--config", auto_config.string()}, {},
                                log.string());
  for (int i = 0; i < 400 && !testing::loopback_port_open(port); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));  // the service starting
  testing::BrowserSession session(port, "b@x.org", "bench password 1");
  if (!session.ok()) {
    std::fprintf(stderr, "bench: cannot sign in\n");
    return 1;
  }
  const std::string cookie = session.cookie();
  const int count = 20;
  const Latency health = time_requests(port, "/healthz", "", count);
  const Latency run_page = time_requests(port, "/runs/2", cookie, count);
  const Latency changes = time_requests(port, "/api/v1/runs/2/changes?limit=100", cookie, count);
  const Latency deep =
      time_requests(port, "/api/v1/runs/2/changes?limit=100&after=1000900000", cookie, count);
  std::printf("%-52s %9s %9s %9s\n", "request (one client, 20 each)", "median", "p95", "max");
  const auto row = [](const char* name, const Latency& l) {
    std::printf("%-52s %7.1f ms %7.1f ms %7.1f ms\n", name, l.median, l.p95, l.max);
  };
  row("GET /healthz (baseline)", health);
  row("GET /runs/2 (the run page: first 50 changes)", run_page);
  row("GET /api/v1/runs/2/changes?limit=100", changes);
  row("GET ...changes?limit=100&after=<deep state ID>", deep);

  // Polls of "other" over a quiet window, then over a window with 50 clients loading pages.
  const auto window = std::chrono::seconds(15);
  const std::size_t before_quiet = count_polls(log, "other");
  std::this_thread::sleep_for(window);  // the baseline: polls with no client
  const std::size_t quiet = count_polls(log, "other") - before_quiet;
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> pages{0}, failed{0};
  std::vector<std::vector<double>> per_client(50);
  std::vector<std::thread> clients;
  const std::size_t before_busy = count_polls(log, "other");
  for (int c = 0; c < 50; ++c) {
    clients.emplace_back([&, c] {
      const char* targets[] = {"/", "/runs/2", "/feeds/gen", "/api/v1/runs/2/changes?limit=100"};
      for (std::size_t i = 0; !stop; ++i) {
        const auto t0 = SteadyClock::now();
        try {
          const auto a =
              testing::http_request(port, "GET", targets[(i + c) % 4], {{"Cookie", cookie}});
          (a.status == 200 ? pages : failed)++;
        } catch (const std::exception&) {
          ++failed;
        }
        per_client[c].push_back(ms_since(t0));
      }
    });
  }
  std::this_thread::sleep_for(window);  // the load runs for the same window
  const std::size_t busy = count_polls(log, "other") - before_busy;
  stop = true;
  for (auto& t : clients)
    t.join();
  std::vector<double> all;
  for (const auto& v : per_client)
    all.insert(all.end(), v.begin(), v.end());
  const Latency loaded = summarize(all);
  std::printf(
      "\n50 clients for %lld s: %zu pages answered, %zu failed; median %.0f ms, p95 %.0f ms\n",
      static_cast<long long>(window.count()), pages.load(), failed.load(), loaded.median,
      loaded.p95);
  std::printf(
      "polls of feed \"other\" (poll_every 1s) in %lld s: %zu with no client (baseline), %zu "
      "under load: ratio %.2f\n",
      static_cast<long long>(window.count()), quiet, busy,
      quiet == 0 ? 0.0 : static_cast<double>(busy) / static_cast<double>(quiet));
  std::printf("\nrun page / healthz: %.1fx; first changes page: %.1f ms (target < 200 ms: %s)\n",
              run_page.median / health.median, changes.median,
              changes.p95 < 200 && run_page.p95 < 200 ? "met" : "NOT met");
  std::printf("polls under load / without: %.2f (target: the schedule kept, >= 0.9: %s)\n",
              quiet == 0 ? 0.0 : static_cast<double>(busy) / static_cast<double>(quiet),
              quiet > 0 && busy * 10 >= quiet * 9 ? "met" : "NOT met");
  service.signal(SIGTERM);
  service.wait(20000);
  return 0;
}
