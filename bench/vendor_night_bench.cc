// Benchmark: a vendor's night. Many districts' rosters land at once on services sharing one
// PostgreSQL store (docs/store.md#several-instances-on-one-store): how long one `rosterd run`
// takes to commit them all, how long two take, how the two split the feeds, and what happens
// when one of the two is killed mid-night. Not a test: it prints figures, and it checks what
// must hold however fast the machine is (every file committed exactly once, every QA report
// sent once), exiting 1 when that fails.
//
//   rosterd_bench_vendor_night [--feeds N] [--min-rows A] [--max-rows B] [--workers W]
//                              [--dir DIR]
//
// N feeds (default 400) of A to B students (default 500 to 50,000, spread evenly on a log
// scale: about 4.3M students in all), local drops, live mode, a QA report each to a real SMTP
// server on loopback. Each instance has W workers (default 2). Three nights, each on a fresh
// database of the harness's throwaway server (tests/support/postgres_server.h, fsync off):
// one instance; two; two with one killed (SIGKILL) once a third of the feeds are committed.
// The makespan runs from the first file dropped to the last run committed, looked for every
// 0.5 s.
#include <signal.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench_process.h"
#include "core/text.h"
#include "tests/support/files.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;
namespace fs = std::filesystem;

namespace {

struct Options {
  int feeds = 400;
  std::size_t min_rows = 500;
  std::size_t max_rows = 50000;
  int workers = 2;
  std::string dir;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--feeds") o.feeds = std::stoi(value);
    if (key == "--min-rows") o.min_rows = std::stoul(value);
    if (key == "--max-rows") o.max_rows = std::stoul(value);
    if (key == "--workers") o.workers = std::stoi(value);
    if (key == "--dir") o.dir = value;
  }
  return o;
}

std::string feed_name(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "district%03d", i);
  return buf;
}

// Feed i's students: from min to max on a log scale, the sizes dealt out in a fixed shuffle
// so that neither instance's share is all large or all small districts.
std::size_t feed_rows(const Options& o, int i) {
  const int k = static_cast<int>((static_cast<long>(i) * 7919) % o.feeds);
  const double u = o.feeds == 1 ? 0.0 : static_cast<double>(k) / (o.feeds - 1);
  return static_cast<std::size_t>(
      std::lround(static_cast<double>(o.min_rows) *
                  std::pow(static_cast<double>(o.max_rows) / static_cast<double>(o.min_rows), u)));
}

// The machine's CPU time so far, busy and in all, in clock ticks (/proc/stat).
struct CpuTicks {
  long long busy = 0;
  long long total = 0;
};
CpuTicks cpu_ticks() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  const long long busy = user + nice + system + irq + softirq + steal;
  return {busy, busy + idle + iowait};
}

// The share of the machine's CPU time that was busy since `from`, in percent.
double busy_since(const CpuTicks& from) {
  const CpuTicks now = cpu_ticks();
  const long long total = now.total - from.total;
  return total <= 0 ? 0.0 : 100.0 * static_cast<double>(now.busy - from.busy) / total;
}

// A night of the bench: its database, drops, mail sink and instances.
class Night {
 public:
  Night(const fs::path& dir, std::string name, const Options& o, PostgresServer& server)
      : dir_(dir),
        name_(std::move(name)),
        o_(o),
        server_(server),
        db_(server.create_database()),
        sink_(dir / (name_ + "-mail")) {
    for (int i = 0; i < o.feeds; ++i)
      fs::create_directories(dir_ / (name_ + "-drop") / feed_name(i));
  }

  // Starts instance `instance` ("a", "b"), a `rosterd run` with its own state folder.
  void start(const std::string& instance) {
    std::string yaml = "store:\n  postgresql:\n    conninfo: \"" + server_.conninfo(db_) +
                       "\"\n    password_file: " + server_.password_file().string() +
                       "\nstate_dir: " + name_ + "-state-" + instance +
                       "\nservice: {workers: " + std::to_string(o_.workers) + "}\n" +
                       "smtp: {url: \"" + sink_.url() +
                       "\", from: rosterd@example.org, starttls: optional}\nfeeds:\n";
    for (int i = 0; i < o_.feeds; ++i)
      yaml += live_feed_yaml(feed_name(i), name_ + "-drop/" + feed_name(i));
    const fs::path config = dir_ / (name_ + "-" + instance + ".yaml");
    std::ofstream(config) << yaml;
    logs_[instance] = dir_ / (name_ + "-" + instance + ".log");
    instances_[instance] = std::make_unique<ChildProcess>(
        ROSTERD_BIN, std::vector<std::string>{"run", "--config", config.string()},
        std::vector<std::string>{}, logs_[instance].string());
  }
  void kill(const std::string& instance) { instances_.at(instance)->kill(); }

  int count(const std::string& q) const {
    const ProcessResult r = server_.run_psql(db_, {"-At", "-c", q});
    if (r.exit_status != 0) throw std::runtime_error("psql: " + r.err);
    return std::stoi("0" + r.out);
  }
  // Waits until `n` services say they are there (their presence locks).
  void wait_for_services(int n) const {
    for (int i = 0; i < 600; ++i) {
      // This night's database only: a service of the night before may not be gone yet.
      if (count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                "classid = 1380930377 AND objsubid = 2 AND database = (SELECT oid FROM "
                "pg_database WHERE datname = current_database())") == n)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("the services did not start: see " + dir_.string());
  }
  // The feeds committed, and (as a negative count) whether a run was held or rejected: one
  // query, one psql a look.
  int committed() const {
    return count(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM runs WHERE kind = 'ingest' AND decision IN "
        "('held', 'rejected')) THEN -1 ELSE (SELECT count(DISTINCT feed) FROM runs WHERE kind = "
        "'ingest' AND decision = 'committed') END");
  }

  // Drops every feed's file (a hidden name, then a rename), all at once.
  void drop(const fs::path& sources) {
    for (int i = 0; i < o_.feeds; ++i) {
      const fs::path folder = dir_ / (name_ + "-drop") / feed_name(i);
      fs::create_hard_link(sources / (feed_name(i) + ".txt"), folder / ".night.tmp");
      fs::rename(folder / ".night.tmp", folder / "night-1.txt");
    }
  }

  // Waits until every feed has a committed run (`at_third` is called once a third have);
  // returns the seconds since `start`.
  double wait_committed(std::chrono::steady_clock::time_point start,
                        const std::function<void()>& at_third = {}) {
    bool told = false;
    for (;;) {
      const int done = committed();
      if (done < 0) throw std::runtime_error("a run was held or rejected: see " + dir_.string());
      if (!told && at_third && done * 3 >= o_.feeds) {
        at_third();
        told = true;
      }
      if (done == o_.feeds) break;
      if (std::chrono::steady_clock::now() - start > std::chrono::hours(1))
        throw std::runtime_error("the night did not end within an hour");
      // A look starts a psql and a server backend: twice a second keeps what the bench itself
      // costs the machine small beside the services' work.
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  // How many runs each instance committed, from its log (`run.done ... decision=committed`).
  std::map<std::string, int> commits_by_instance() const {
    std::map<std::string, int> out;
    for (const auto& [instance, log] : logs_) {
      std::istringstream in(read_file(log));
      for (std::string line; std::getline(in, line);)
        if (line.find("event=run.done") != std::string::npos &&
            line.find("decision=committed") != std::string::npos)
          ++out[instance];
    }
    return out;
  }

  // What must hold however fast the night went: a run committed a feed, a QA report a
  // committed run, no message delivered twice. Empty when it holds, else what failed.
  std::string faults() const {
    std::string out;
    const int twice = count(
        "SELECT count(*) FROM (SELECT feed FROM runs WHERE kind = 'ingest' AND decision = "
        "'committed' GROUP BY feed HAVING count(*) <> 1) f");
    if (twice != 0) out += std::to_string(twice) + " feed(s) committed more than once; ";
    // A report claimed by an instance killed while it sent stays in doubt (`rosterd outbox`)
    // rather than risk a second copy: it counts as told, not as lost.
    int sent = 0;
    int in_doubt = 0;
    for (int i = 0; i < 600; ++i) {
      const std::string of_committed =
          " AND list = 'qa_report' AND run_id IN (SELECT id FROM runs WHERE decision = "
          "'committed')";
      sent = count("SELECT count(*) FROM outbox WHERE status = 'sent'" + of_committed);
      in_doubt = count("SELECT count(*) FROM outbox WHERE status = 'sending'" + of_committed);
      if (sent + in_doubt >= o_.feeds) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (in_doubt != 0)
      std::printf("    %d QA report(s) in doubt (claimed by the killed instance)\n", in_doubt);
    if (sent + in_doubt != o_.feeds)
      out += std::to_string(sent) + " QA reports sent, not one a feed; ";
    std::multiset<std::string> ids;
    for (const std::string& m : sink_.messages())
      ids.insert(nlohmann::json::parse(m)["message_id"].get<std::string>());
    std::size_t doubled = 0;
    for (const std::string& id : ids)
      doubled += ids.count(id) > 1 ? 1 : 0;
    if (doubled != 0) out += std::to_string(doubled) + " message(s) delivered twice; ";
    return out;
  }

  ~Night() {
    for (auto& [name, process] : instances_)
      process->kill();
  }

 private:
  fs::path dir_;
  std::string name_;
  Options o_;
  PostgresServer& server_;
  std::string db_;
  SmtpSink sink_;
  std::map<std::string, fs::path> logs_;
  std::map<std::string, std::unique_ptr<ChildProcess>> instances_;
};

void print_split(const std::map<std::string, int>& commits, int feeds) {
  for (const auto& [instance, n] : commits)
    std::printf("    instance %s committed %4d feeds (%4.1f%%)\n", instance.c_str(), n,
                100.0 * n / feeds);
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  TempDir tmp;
  const fs::path dir = o.dir.empty() ? tmp.path() : fs::path(o.dir);
  write_test_feed(dir, "", "live");  // the reference tables and code maps
  const fs::path sources = dir / "sources";
  fs::create_directories(sources);
  std::size_t students = 0;
  std::uintmax_t bytes = 0;
  for (int i = 0; i < o.feeds; ++i) {
    GeneratorOptions g;
    g.clean_rows = feed_rows(o, i);
    g.seed = static_cast<std::uint64_t>(1000 + i);
    const fs::path file = sources / (feed_name(i) + ".txt");
    std::ofstream(file, std::ios::binary) << generate_roster(g).text;
    students += g.clean_rows;
    bytes += fs::file_size(file);
  }
  PostgresServer& server = shared_postgres_server();
  std::printf(
      "a vendor's night: %d feeds of %s to %s students, %s students in all (%.0f MB); "
      "%d workers an instance;\nPostgreSQL on 127.0.0.1:%d (fsync off)\n\n",
      o.feeds, group_thousands(o.min_rows).c_str(), group_thousands(o.max_rows).c_str(),
      group_thousands(students).c_str(), static_cast<double>(bytes) / 1e6, o.workers,
      server.port());
  std::string faults;
  std::vector<std::pair<std::string, double>> figures;
  try {
    // A night on `count` instances: its makespan, the machine's CPU busy meanwhile and each
    // instance's share.
    const auto timed_night = [&](const char* name, int count) {
      Night night(dir, name, o, server);
      for (int i = 0; i < count; ++i)
        night.start(std::string(1, static_cast<char>('a' + i)));
      night.wait_for_services(count);
      const CpuTicks cpu = cpu_ticks();
      const auto start = std::chrono::steady_clock::now();
      night.drop(sources);
      const double makespan = night.wait_committed(start);
      const double busy = busy_since(cpu);
      std::printf("%-14s makespan %8.1f s   %9.0f students/s   CPU %3.0f%% busy\n",
                  (std::string(name) + (count == 1 ? " instance:" : " instances:")).c_str(),
                  makespan, static_cast<double>(students) / makespan, busy);
      figures.push_back({std::string(name) + "_s", makespan});
      figures.push_back({std::string(name) + "_cpu_pct", busy});
      const auto split = night.commits_by_instance();
      print_split(split, o.feeds);
      for (const auto& [instance, n] : split)
        figures.push_back({std::string(name) + "_share_" + instance + "_pct", 100.0 * n / o.feeds});
      faults += night.faults();
      return makespan;
    };
    const double one = timed_night("one", 1);
    const double two = timed_night("two", 2);
    std::printf("one / two: %.2fx\n\n", one / two);
    {
      Night night(dir, "killed", o, server);
      night.start("a");
      night.start("b");
      night.wait_for_services(2);
      const auto start = std::chrono::steady_clock::now();
      night.drop(sources);
      double killed_at = 0;
      const double end = night.wait_committed(start, [&] {
        night.kill("a");
        killed_at = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      });
      std::printf(
          "two instances, a killed at %.1f s (a third of the feeds committed): "
          "makespan %.1f s\n",
          killed_at, end);
      print_split(night.commits_by_instance(), o.feeds);
      faults += night.faults();
      figures.push_back({"killed_s", end});
    }
  } catch (const std::exception& e) {
    std::printf("\nthe bench stopped: %s\n", e.what());
    return 1;
  }
  std::printf("\nevery file committed exactly once, every QA report sent once, none twice: %s\n",
              faults.empty() ? "yes" : ("NO: " + faults).c_str());
  figures.push_back({"all_once", faults.empty() ? 1 : 0});
  bench::print_figures(figures);
  return faults.empty() ? 0 : 1;
}
