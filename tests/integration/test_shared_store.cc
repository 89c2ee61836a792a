// Several `rosterd run` instances sharing one PostgreSQL store (a real server the harness
// starts on loopback): each polls its share of the feeds, one at a time a feed; a killed
// instance's feeds are taken over, every file is committed once and no message is delivered
// twice; three services share 30 feeds, and when one stops and comes back the others' polls
// follow.
// Run alone: ctest -R integration_shared_store.
#include <doctest/doctest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "store/feed_holds.h"
#include "tests/support/files.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"

using namespace rosterd::testing;

namespace {

constexpr int kFeeds = 10;

bool eventually(const std::function<bool()>& ok, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 50) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return ok();
}

std::string feed_name(int i) {
  return "district" + std::to_string(i);
}

// The warning and error lines of an instance's log: what to read when a check below fails.
std::string problems_in(const std::filesystem::path& log) {
  std::istringstream in(read_file(log));
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.find("level=warning") != std::string::npos ||
        line.find("level=error") != std::string::npos)
      out += line + "\n";
  }
  return out;
}

// A file lands whole: a hidden temporary name, then a rename.
void deliver(const std::filesystem::path& path, const std::string& text) {
  const auto tmp = path.parent_path() / ("." + path.filename().string() + ".tmp");
  std::ofstream(tmp, std::ios::binary) << text;
  std::filesystem::rename(tmp, path);
}

// `feeds` feeds (ten by default) on local drops, one PostgreSQL store, one state folder per
// instance.
struct SharedSetup {
  TempDir dir;
  PostgresServer& server = shared_postgres_server();
  std::string db = server.create_database();
  SmtpSink sink{dir / "mail"};
  int feeds;
  int workers = 2;  // each service's

  explicit SharedSetup(int feed_count = kFeeds) : feeds(feed_count) {
    write_test_feed(dir.path());  // the reference tables and code maps
    for (int i = 0; i < feeds; ++i)
      std::filesystem::create_directories(dir / ("drop/" + feed_name(i)));
  }

  std::filesystem::path config(const std::string& instance) const {
    std::string yaml =
        "store:\n  postgresql:\n    conninfo: \"" + server.conninfo(db) +
        "\"\n    password_file: " + server.password_file().string() + "\nstate_dir: state-" +
        instance + "\nservice: {workers: " + std::to_string(workers) + "}\n" + "smtp: {url: \"" +
        sink.url() + "\", from: rosterd@example.org, starttls: optional}\nfeeds:\n";
    for (int i = 0; i < feeds; ++i)
      yaml += live_feed_yaml(feed_name(i), "drop/" + feed_name(i));
    const auto path = dir / ("rosterd-" + instance + ".yaml");
    std::ofstream(path) << yaml;
    return path;
  }

  std::string sql(const std::string& q) const {
    const ProcessResult r = server.run_psql(db, {"-At", "-c", q});
    INFO(r.err);
    REQUIRE(r.exit_status == 0);
    return r.out;
  }
  int count(const std::string& q) const { return std::stoi("0" + sql(q)); }
  // The services sharing the feeds (class "ROSI"): each one's key, by the PID its name ends in.
  std::map<int, std::uint32_t> service_keys() const {
    std::map<int, std::uint32_t> keys;
    std::istringstream in(
        sql("SELECT CAST(l.objid AS bigint), a.application_name FROM pg_locks l JOIN "
            "pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND "
            "l.classid = 1380930377"));
    for (std::string line; std::getline(in, line);) {
      const auto bar = line.find('|');
      const auto colon = line.rfind(':');
      if (bar == std::string::npos || colon == std::string::npos) continue;
      keys[std::stoi(line.substr(colon + 1))] =
          static_cast<std::uint32_t>(std::stoll(line.substr(0, bar)));
    }
    return keys;
  }
  // Every feed's night lands at once: `rows` students each, feed i's roster from seed
  // `first_seed` + i.
  void deliver_nights(std::size_t rows, std::uint64_t first_seed) const {
    for (int i = 0; i < feeds; ++i) {
      GeneratorOptions o;
      o.clean_rows = rows;
      o.seed = first_seed + static_cast<std::uint64_t>(i);
      deliver(dir / ("drop/" + feed_name(i) + "/night-1.txt"), generate_roster(o).text);
    }
  }
  // Each feed's committed run's QA report arrives, and no message arrives twice.
  void check_reports_once() const {
    CHECK(eventually(
        [&] {
          return count(
                     "SELECT count(*) FROM outbox WHERE status = 'sent' AND list = "
                     "'qa_report' AND run_id IN (SELECT id FROM runs WHERE decision = "
                     "'committed')") == feeds;
        },
        30000));
    std::multiset<std::string> ids;
    for (const std::string& m : sink.messages())
      ids.insert(nlohmann::json::parse(m)["message_id"].get<std::string>());
    for (const std::string& id : ids)
      CHECK_MESSAGE(ids.count(id) == 1, "delivered twice: " << id);
  }
  // The keys of the services there, once `count` services have said they are there.
  std::map<int, std::uint32_t> services_there(std::size_t count) const {
    std::map<int, std::uint32_t> keys;
    REQUIRE(eventually(
        [&] {
          keys = service_keys();
          return keys.size() == count;
        },
        15000));
    return keys;
  }
  // How many feeds each of the services (PIDs) ranks first for: its share.
  std::map<int, int> shares(const std::map<int, std::uint32_t>& keys) const {
    std::vector<std::uint32_t> all;
    for (const auto& [pid, key] : keys)
      all.push_back(key);
    std::map<int, int> out;
    for (int i = 0; i < feeds; ++i) {
      const std::uint32_t owner = rosterd::feed_share(feed_name(i), all);
      for (const auto& [pid, key] : keys)
        if (key == owner) ++out[pid];
    }
    return out;
  }
  // How many feeds the service with `config` last polled as its own (not standing by), as its
  // `rosterd status` tells: what it did, not what the shares say.
  int feeds_polled_by(const std::filesystem::path& config) const {
    const ProcessResult r = run_process(ROSTERD_BIN, {"status", "--config", config.string()});
    std::istringstream in(r.out);
    int n = 0;
    for (std::string line; std::getline(in, line);) {
      const auto at = line.find("; last poll ");
      if (at == std::string::npos) continue;
      const auto open = line.find(" (", at);
      if (open != std::string::npos && line.compare(open + 2, 7, "standby") != 0) ++n;
    }
    return n;
  }

  // How many feeds the service with `config` runs, as its `rosterd status` tells.
  int feeds_run_by(const std::filesystem::path& config) const {
    const ProcessResult r = run_process(ROSTERD_BIN, {"status", "--config", config.string()});
    int n = 0;
    for (auto at = r.out.find("; run by this instance"); at != std::string::npos;
         at = r.out.find("; run by this instance", at + 1))
      ++n;
    return n;
  }
};

}  // namespace

TEST_CASE("integration: two instances share a store; one killed mid-ingest, the other takes over") {
  SharedSetup s;
  const auto config_a = s.config("a");
  const auto config_b = s.config("b");
  ChildProcess a(ROSTERD_BIN, {"run", "--config", config_a.string()}, {},
                 (s.dir / "a.log").string());
  REQUIRE(eventually([&] { return s.feeds_run_by(config_a) == kFeeds; }, 20000));
  ChildProcess b(ROSTERD_BIN, {"run", "--config", config_b.string()}, {},
                 (s.dir / "b.log").string());
  // B takes its share: the feeds that rank it first (pipeline/feed_shares.h), each given up by A
  // at A's next poll of it and taken by B at B's next.
  std::map<int, int> share = s.shares(s.services_there(2));
  INFO("A's share " << share[a.pid()] << ", B's " << share[b.pid()]);
  CHECK(share[a.pid()] + share[b.pid()] == kFeeds);
  REQUIRE(eventually(
      [&] {
        return s.feeds_run_by(config_a) == share[a.pid()] &&
               s.feeds_run_by(config_b) == share[b.pid()];
      },
      20000));
  // `rosterd status` tells on each which feeds it runs and which the other does.
  const ProcessResult status_b =
      run_process(ROSTERD_BIN, {"status", "--config", config_b.string()});
  const ProcessResult status_a =
      run_process(ROSTERD_BIN, {"status", "--config", config_a.string()});
  CHECK(status_a.out.find("district0: ") != std::string::npos);
  if (share[a.pid()] > 0) {
    CHECK(status_a.out.find("run by this instance") != std::string::npos);
    CHECK(status_b.out.find("standby: run by rosterd@") != std::string::npos);
  }
  if (share[b.pid()] > 0) {
    CHECK(status_b.out.find("run by this instance") != std::string::npos);
    CHECK(status_a.out.find("standby: run by rosterd@") != std::string::npos);
  }
  // A run by hand from B's host (cron) leaves the services' feeds alone.
  const ProcessResult once =
      run_process(ROSTERD_BIN, {"run", "--once", "--config", config_b.string()});
  CHECK(once.exit_status == 0);
  CHECK(once.out.find("district3: standby: rosterd@") != std::string::npos);

  // Every feed's night lands; A is killed while it ingests.
  s.deliver_nights(20000, 100);
  REQUIRE(eventually(
      [&] {
        return s.count(
                   "SELECT count(*) FROM runs WHERE decision = 'running' AND kind = "
                   "'ingest'") > 0;
      },
      30000));
  const int committed_before_kill =
      s.count("SELECT count(*) FROM runs WHERE decision = 'committed'");
  CHECK(a.kill());
  INFO("runs committed by A before it was killed: " << committed_before_kill);

  // B takes every feed over within a poll, and commits every file exactly once.
  CHECK(eventually([&] { return s.feeds_run_by(config_b) == kFeeds; }, 15000));
  CHECK(eventually(
      [&] {
        return s.count("SELECT count(*) FROM source_files WHERE status = 'ingested'") == kFeeds;
      },
      90000));
  INFO("runs: " << s.sql("SELECT id, feed, kind, decision, reason FROM runs ORDER BY id"));
  INFO("warnings and errors of B: " << problems_in(s.dir / "b.log"));
  CHECK(s.sql("SELECT feed, count(*) FROM runs WHERE kind = 'ingest' AND decision = "
              "'committed' GROUP BY feed HAVING count(*) <> 1") == "");
  CHECK(s.count("SELECT count(DISTINCT feed) FROM runs WHERE kind = 'ingest' AND decision = "
                "'committed'") == kFeeds);
  CHECK(s.count("SELECT count(*) FROM students") == kFeeds * 20000);
  CHECK(s.count("SELECT count(*) FROM runs WHERE decision = 'running'") == 0);
  CHECK(s.count("SELECT count(*) FROM roster_current") == kFeeds * 20000);
  // A run was cut off by the kill (failed) and its file run again by B. (Rarely the kill lands
  // just after that run committed; then there is nothing to take over but the other feeds.)
  WARN(s.count("SELECT count(*) FROM runs WHERE decision = 'failed'") >= 1);

  // Each committed run's QA report arrived, and no message arrived twice.
  s.check_reports_once();

  // The survivor goes on: the next night of a feed is B's to commit.
  GeneratorOptions o;
  o.clean_rows = 20000;
  o.seed = 100;
  std::string next = generate_roster(o).text;
  deliver(s.dir / "drop/district0/night-2.txt", next + "\n");
  CHECK(eventually(
      [&] {
        return s.count(
                   "SELECT count(*) FROM runs WHERE feed = 'district0' AND kind = 'ingest' "
                   "AND decision = 'committed'") == 2;
      },
      30000));
  b.kill();
}

TEST_CASE(
    "integration: the database going away mid-run fails the run once; the file commits later") {
  SharedSetup s;
  const auto config = s.config("a");
  const auto log = s.dir / "a.log";
  // At debug, each poll logs service.polled: the test follows polls, not the clock.
  ChildProcess a(ROSTERD_BIN, {"run", "--config", config.string()}, {"ROSTERD_LOG_LEVEL=debug"},
                 log.string());
  REQUIRE(eventually([&] { return s.feeds_run_by(config) == kFeeds; }, 20000));
  const auto polls = [&] {
    const std::string text = read_file(log);
    std::size_t n = 0;
    for (auto at = text.find("event=service.polled"); at != std::string::npos;
         at = text.find("event=service.polled", at + 1))
      ++n;
    return n;
  };
  GeneratorOptions o;
  o.clean_rows = 30000;
  deliver(s.dir / "drop/district0/night-1.txt", generate_roster(o).text);
  REQUIRE(eventually(
      [&] { return s.count("SELECT count(*) FROM runs WHERE decision = 'running'") > 0; }, 30000));
  s.server.stop();  // immediate shutdown: every connection drops, the run's transaction with it
  const std::size_t before = polls();
  CHECK(eventually([&] { return polls() >= before + 2 * kFeeds; }, 30000));  // polls go on
  s.server.start();
  CHECK(eventually(
      [&] {
        return s.count(
                   "SELECT count(*) FROM runs WHERE feed = 'district0' AND decision = "
                   "'committed'") == 1;
      },
      60000));
  CHECK(s.count("SELECT count(*) FROM students") == 30000);
  CHECK(s.count("SELECT count(*) FROM source_files WHERE status = 'ingested'") == 1);
  a.kill();
  const std::string text = read_file(log);
  INFO(text);
  // Reported once for the whole outage, however many polls and feeds met it.
  std::size_t lost = 0;
  for (std::size_t at = text.find("event=store.connection_lost"); at != std::string::npos;
       at = text.find("event=store.connection_lost", at + 1))
    ++lost;
  CHECK(lost == 1);
  CHECK(text.find("event=store.reconnected") != std::string::npos);
  CHECK(text.find(s.server.password()) == std::string::npos);  // no secret in the log
}

TEST_CASE("integration: three services share 30 feeds; one stops, the others split its feeds") {
  constexpr int kMany = 30;
  SharedSetup s(kMany);
  std::map<std::string, std::unique_ptr<ChildProcess>> services;
  std::map<std::string, std::filesystem::path> configs;
  const auto start = [&](const std::string& name) {
    configs[name] = s.config(name);
    services[name] = std::make_unique<ChildProcess>(
        ROSTERD_BIN, std::vector<std::string>{"run", "--config", configs[name].string()},
        std::vector<std::string>{}, (s.dir / (name + ".log")).string());
  };
  // Each service polls exactly its share: as many feeds as rank it first.
  const auto settled = [&](std::size_t count) {
    const std::map<int, int> share = s.shares(s.services_there(count));
    int total = 0;
    for (const auto& [name, process] : services) {
      const int mine = share.count(process->pid()) ? share.at(process->pid()) : 0;
      INFO(name << "'s share: " << mine);
      CHECK(eventually([&] { return s.feeds_polled_by(configs[name]) == mine; }, 20000));
      total += mine;
    }
    CHECK(total == kMany);
    return share;
  };
  for (const char* name : {"a", "b", "c"})
    start(name);
  const auto three = settled(3);
  for (const auto& [pid, n] : three) {
    CHECK(n >= 2);  // about a third of 30 each (rendezvous hashing over three keys)
    CHECK(n <= 20);
  }
  // c stops: a and b split its feeds.
  CHECK(services["c"]->kill());
  services.erase("c");
  settled(2);
  // c comes back (a new process, a new key): it gets a share again.
  start("c");
  const auto back = settled(3);
  CHECK(back.at(services["c"]->pid()) > 0);
  for (auto& [name, process] : services)
    process->kill();
}

TEST_CASE("integration: a busy service's feeds are run by the idle one") {
  constexpr int kMany = 20;
  SharedSetup s(kMany);
  s.workers = 1;
  const auto config_a = s.config("a");
  const auto config_b = s.config("b");
  // A freezes in the first run it starts, connections and locks held: its one worker busy.
  ChildProcess a(ROSTERD_BIN, {"run", "--config", config_a.string()},
                 {"ROSTERD_FAULT_AT=run.started:STOP"}, (s.dir / "a.log").string());
  ChildProcess b(ROSTERD_BIN, {"run", "--config", config_b.string()}, {},
                 (s.dir / "b.log").string());
  std::map<int, int> share = s.shares(s.services_there(2));
  INFO("A's share " << share[a.pid()] << ", B's " << share[b.pid()]);
  REQUIRE(share[a.pid()] >= 2);  // 20 feeds over two keys: about ten each
  REQUIRE(eventually(
      [&] {
        return s.feeds_polled_by(config_a) == share[a.pid()] &&
               s.feeds_polled_by(config_b) == share[b.pid()];
      },
      20000));

  s.deliver_nights(500, 300);
  REQUIRE(eventually(
      [&] { return read_file(s.dir / "a.log").find("fault_point.reached") != std::string::npos; },
      20000));
  // B runs every other feed, A's share with its own, while A is frozen in one.
  const auto committed = [&] {
    return s.count(
        "SELECT count(DISTINCT feed) FROM runs WHERE kind = 'ingest' AND decision = "
        "'committed'");
  };
  INFO("runs: " << s.sql("SELECT id, feed, kind, decision, reason FROM runs ORDER BY id"));
  INFO("warnings and errors of B: " << problems_in(s.dir / "b.log"));
  CHECK(eventually([&] { return committed() == kMany - 1; }, 60000));
  CHECK(s.count("SELECT count(*) FROM runs WHERE decision = 'running'") == 1);

  // A thaws: it finishes the run it froze in; every file is committed once.
  a.signal(SIGCONT);
  CHECK(eventually([&] { return committed() == kMany; }, 30000));
  CHECK(s.sql("SELECT feed, count(*) FROM runs WHERE kind = 'ingest' AND decision = "
              "'committed' GROUP BY feed HAVING count(*) <> 1") == "");
  CHECK(s.count("SELECT count(*) FROM students") == kMany * 500);
  s.check_reports_once();
  a.kill();
  b.kill();
}
