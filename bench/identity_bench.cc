// Benchmark: what identity matching costs an ingest with 1,000,000 committed students.
// Not a test: it prints figures.
//
//   rosterd_bench_identity [--rows N] [--runs K] [--dir DIR]
//
// Target (issue "Identity"): matching costs <= 15% of the ingest time. The ingest is measured
// as a user runs it (`rosterd ingest`, a child process, best of K); the matching steps are timed
// in this process on the same store and file: the same-person hash of every row in the check
// (the check run with and without it), loading the alerts and existing students, and
// match_identities. The identity key the store keeps per student is computed for every row of
// a first load; its cost is timed on its own.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "bench/bench_process.h"
#include "config/config.h"
#include "core/identity_key.h"
#include "core/text.h"
#include "planner/identity_match.h"
#include "store/roster_store.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"
#include "validators/roster_check.h"

using namespace rosterd;

namespace {

using SteadyClock = std::chrono::steady_clock;

double since(SteadyClock::time_point t0) {
  return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

// Writes the next night from `in`. typical: 1% renamed, 0.5% withdrawn, 0.5% new students and
// 1 in 10,000 with a new state ID; rekey: in addition, 10% of the students with new IDs.
int next_night(const std::string& kind, const char* in_path, const char* out_path) {
  std::ifstream in(in_path, std::ios::binary);
  std::ofstream out(out_path, std::ios::binary);
  std::string line;
  std::size_t n = 0;
  std::string added;
  while (std::getline(in, line)) {
    const std::size_t i = n++;
    if (i == 0) {
      out << line << '\n';
      continue;
    }
    std::vector<std::string> f;
    for (std::string_view v : split(line, '|'))
      f.emplace_back(v);
    if (f.size() < 12) continue;
    if (i % 200 == 7) continue;  // withdrawn
    if (i % 100 == 50) f[4] = "Renamed" + std::to_string(i);
    if (i % 10000 == 3 || (kind == "rekey" && i % 10 == 3)) f[0][0] = '9';  // a new state ID
    if (i % 200 == 11) {
      std::vector<std::string> g = f;
      g[0][0] = '8';
      g[4] = "Newkid" + std::to_string(i);
      for (std::size_t k = 0; k < g.size(); ++k)
        added += (k ? "|" : "") + g[k];
      added += '\n';
    }
    for (std::size_t k = 0; k < f.size(); ++k)
      out << (k ? "|" : "") << f[k];
    out << '\n';
  }
  out << added;
  return 0;
}

struct Timed {
  double check_with = 0, check_without = 0, state = 0, match = 0;
  PlanCounts counts;
  std::size_t alerts = 0;
};

// Best of `runs` for each step (the machine's noise is larger than the steps).
Timed time_matching(const Config& config, const std::filesystem::path& file, int runs) {
  const FeedConfig& feed = config.feed("gen");
  const auto store = open_sqlite_store(config.store.sqlite.string());
  const RosterReader reader(feed.format);
  const RowChecker checker(feed.format, feed.checks, feed.reference,
                           *parse_date(testing::kGeneratorAsOf, "%Y-%m-%d"));
  Timed t;
  const auto best = [](double& slot, double v) { slot = slot == 0 ? v : std::min(slot, v); };
  CheckResult check;
  for (int r = 0; r < runs; ++r) {
    auto t0 = SteadyClock::now();
    check_roster_file(reader, checker, file, CheckRun{2, true, {}});
    best(t.check_without, since(t0));
    t0 = SteadyClock::now();
    check = check_roster_file(reader, checker, file, CheckRun{2, true, feed.identity.match_on});
    best(t.check_with, since(t0));
  }
  const auto committed = store->students().roster("gen");
  for (int r = 0; r < runs; ++r) {
    Plan plan = make_plan(check, *committed);
    auto t0 = SteadyClock::now();
    const IdentityState state = store->identity().state("gen");
    best(t.state, since(t0));
    t0 = SteadyClock::now();
    match_identities(plan, *committed, state, feed.identity);
    best(t.match, since(t0));
    t.counts = plan.counts;
    t.alerts = plan.alerts.size();
  }
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--generate") {
    testing::write_generated_roster(std::stoul(argv[2]), argv[3]);
    return 0;
  }
  if (argc == 5 && std::string(argv[1]) == "--next-night")
    return next_night(argv[2], argv[3], argv[4]);
  const bench::Options opt = bench::parse_options(argc, argv, {});
  testing::TempDir tmp;
  const std::filesystem::path dir = opt.dir.empty() ? tmp.path() : std::filesystem::path(opt.dir);
  const auto config_path = testing::write_test_feed(dir, "", "live");
  const Config config = load_config(config_path);
  const std::string self = std::filesystem::canonical("/proc/self/exe").string();
  const auto night1 = dir / "night1.txt";
  bench::measure({self, "--generate", std::to_string(opt.rows), night1.string()});
  const auto db = dir / "roster.db";
  const auto remove_store = [&] {
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(db.string() + suffix);
  };
  const auto ingest = [&](const std::filesystem::path& file) {
    return bench::measure({ROSTERD_BIN, "ingest", "--config", config_path.string(), "--feed", "gen",
                           "--as-of", testing::kGeneratorAsOf, file.string()});
  };
  std::printf("roster: %s rows; ingests best of %d runs\n\n", group_thousands(opt.rows).c_str(),
              opt.runs);

  // A first load: the identity key of every student is computed once, as the store writes it.
  bench::Measured first;
  for (int r = 0; r < opt.runs; ++r) {
    remove_store();
    const bench::Measured m = ingest(night1);
    if (r == 0 || m.seconds < first.seconds) first = m;
  }
  {
    std::ifstream in(night1, std::ios::binary);
    std::vector<std::pair<std::string, std::string>> names;
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      const auto f = split(line, '|');
      if (f.size() >= 6) names.emplace_back(f[4], f[5]);
    }
    const auto t0 = SteadyClock::now();
    std::uint64_t sink = 0;
    for (const auto& [last, dob] : names)
      sink ^= identity_key(last, dob);
    const double keys = since(t0);
    std::printf(
        "first load: rosterd ingest %.3f s; identity keys of %s rows %.3f s = %.1f%% "
        "(checksum %llx)\n",
        first.seconds, group_thousands(names.size()).c_str(), keys, 100.0 * keys / first.seconds,
        static_cast<unsigned long long>(sink & 0xff));
  }
  bench::measure({"/usr/bin/sqlite3", db.string(), "PRAGMA wal_checkpoint(TRUNCATE);"});
  std::filesystem::copy_file(db, dir / "after-first.db",
                             std::filesystem::copy_options::overwrite_existing);

  bool all_met = true;
  for (const std::string kind : {"typical", "rekey"}) {
    const auto night2 = dir / ("night2-" + kind + ".txt");
    bench::measure({self, "--next-night", kind, night1.string(), night2.string()});
    bench::Measured best;
    for (int r = 0; r < opt.runs; ++r) {
      remove_store();
      std::filesystem::copy_file(dir / "after-first.db", db);
      const bench::Measured m = ingest(night2);
      if (r == 0 || m.seconds < best.seconds) best = m;
    }
    remove_store();
    std::filesystem::copy_file(dir / "after-first.db", db);
    const Timed t = time_matching(config, night2, opt.runs);
    const double hash = std::max(0.0, t.check_with - t.check_without);
    const double cost = hash + t.state + t.match;
    const double pct = 100.0 * cost / best.seconds;
    all_met = all_met && pct <= 15;
    std::printf(
        "%s night: rosterd ingest %.3f s (exit %d); matching %.3f s = %.1f%% (same-person hash "
        "%.3f, alerts load %.3f, match_identities %.3f) -> %u re-keyed, %u held for review, "
        "%zu alerts\n",
        kind.c_str(), best.seconds, best.exit_status, cost, pct, hash, t.state, t.match,
        t.counts.rekeyed, t.counts.held_for_review, t.alerts);
  }
  std::printf("\nmatching <= 15%% of the ingest time: %s\n", all_met ? "met" : "NOT met");
  return 0;
}
