// `rosterd run` as a long-running process: it takes a file dropped into a real loopback sshd
// within a poll, tells systemd it is ready and alive (a NOTIFY_SOCKET the test listens on),
// reloads its configuration on SIGHUP (refusing a bad one), and stops cleanly on SIGTERM.
// Run alone: ctest -R integration_service.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <mutex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/text.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/sshd_server.h"
#include "tests/support/temp_dir.h"

using namespace rosterd::testing;

namespace {

// A datagram socket standing in for systemd's notify socket, read continuously as systemd
// does (a full socket would block the sender).
class NotifySocket {
 public:
  explicit NotifySocket(std::filesystem::path path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    timeval tv{0, 100000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    reader_ = std::thread([this] {
      char buf[4096];
      while (!stop_) {
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) continue;
        std::lock_guard<std::mutex> lock(mutex_);
        seen_.append(buf, static_cast<std::size_t>(n)).push_back('\n');
      }
    });
  }
  ~NotifySocket() {
    stop_ = true;
    reader_.join();
    ::close(fd_);
  }
  const std::filesystem::path& path() const { return path_; }
  // Everything received so far.
  std::string read() {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::mutex mutex_;
  std::string seen_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

// Delivers a file whole (a hidden temporary name, then a rename), as a careful SIS does: the
// tests poll with stable_for 0s, which takes a file as soon as it is listed.
void deliver(const std::filesystem::path& path, const std::string& text) {
  const std::filesystem::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp");
  std::ofstream(tmp, std::ios::binary) << text;
  std::filesystem::rename(tmp, path);
}

bool eventually(const std::function<bool()>& ok, int timeout_ms = 10000) {
  for (int waited = 0; waited < timeout_ms; waited += 50) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return ok();
}

// A live feed "gen" polled every hour (so only the first poll and sync-now poll it) from the
// local drop tmp/drop, taking files at once; its config's path.
std::filesystem::path hourly_local_feed(const TempDir& tmp) {
  std::filesystem::create_directories(tmp / "drop");
  return write_test_feed(tmp.path(),
                         "    schedule: {poll_every: 1h}\n"
                         "    source:\n      local: {dir: drop, stable_for: 0s}\n",
                         "live");
}

}  // namespace

TEST_CASE(
    "integration: the service takes a file from an sshd drop, reloads, and stops on SIGTERM") {
  TempDir tmp;
  SshdServer sshd(tmp / "sshd");
  const std::filesystem::path drop = tmp / "drop";
  std::filesystem::create_directories(drop);
  const std::string source =
      "    schedule: {poll_every: 1s}\n"
      "    source:\n      sftp:\n        host: 127.0.0.1\n        port: " +
      std::to_string(sshd.port()) + "\n        user: " + SshdServer::current_user() +
      "\n        key_file: " + sshd.user_key().string() +
      "\n        known_hosts: " + sshd.known_hosts().string() + "\n        dir: " + drop.string() +
      "\n        stable_for: 0s\n        after: delete\n";
  const auto config = write_test_feed(tmp.path(), source, "live");
  NotifySocket notify(tmp / "notify.sock");
  const std::filesystem::path log = tmp / "service.log";
  ChildProcess pid(ROSTERD_BIN, {"run", "--config", config.string()},
                   {"NOTIFY_SOCKET=" + notify.path().string(), "WATCHDOG_USEC=200000"},
                   log.string());
  CHECK(eventually([&] { return notify.read().find("READY=1") != std::string::npos; }));
  CHECK(eventually([&] { return notify.read().find("WATCHDOG=1") != std::string::npos; }));

  GeneratorOptions o;
  o.clean_rows = 50;
  deliver(drop / "roster-1.txt", generate_roster(o).text);
  const auto history = [&] {
    return run_process(ROSTERD_BIN, {"history", "--config", config.string()}).out;
  };
  CHECK(eventually([&] { return history().find("committed  roster-1.txt") != std::string::npos; }));
  CHECK(eventually([&] { return !std::filesystem::exists(drop / "roster-1.txt"); }));

  // A bad configuration is refused and the old one kept: the next file is still taken.
  const std::string good = read_file(config);
  std::ofstream(config, std::ios::app) << "unknown_key: 1\n";
  pid.signal(SIGHUP);
  CHECK(eventually(
      [&] { return read_file(log).find("event=config.reload_refused") != std::string::npos; }));
  CHECK(read_file(log).find("unknown key \\\"unknown_key\\\"") != std::string::npos);
  o.seed = 7;
  deliver(drop / "roster-2.txt", generate_roster(o).text);
  // (The file on disk is the bad one now, so the log, not `rosterd history`, tells.)
  CHECK(eventually(
      [&] { return read_file(log).find("event=run.done feed=gen run=2") != std::string::npos; }));
  // A good one is taken.
  std::ofstream(config) << good;
  pid.signal(SIGHUP);
  CHECK(eventually(
      [&] { return read_file(log).find("event=config.reloaded") != std::string::npos; }));
  o.seed = 11;
  deliver(drop / "roster-3.txt", generate_roster(o).text);
  CHECK(eventually([&] { return history().find("roster-3.txt") != std::string::npos; }));

  // A second service with the same state folder refuses to start.
  const ProcessResult second = run_process(ROSTERD_BIN, {"run", "--config", config.string()});
  CHECK(second.exit_status == 2);
  CHECK(second.err.find("another rosterd service already runs") != std::string::npos);

  pid.signal(SIGTERM);
  const int status = pid.wait(10000);
  CHECK(status == 0);
  if (status != 0) pid.kill();
  CHECK(notify.read().find("STOPPING=1") != std::string::npos);
  CHECK(read_file(log).find("event=service.stopped") != std::string::npos);
  // No names or birth dates at info level.
  CHECK(read_file(log).find("birth") == std::string::npos);
}

TEST_CASE("integration: sync-now polls a feed at once; status tells what the service does") {
  TempDir tmp;
  const std::filesystem::path drop = tmp / "drop";
  const auto config = hourly_local_feed(tmp);
  const std::filesystem::path log = tmp / "service.log";
  ChildProcess pid(ROSTERD_BIN, {"run", "--config", config.string()}, {}, log.string());
  const auto rosterd = [&](std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(config.string());
    return run_process(ROSTERD_BIN, args);
  };
  // The first poll runs at start; then nothing for an hour.
  CHECK(eventually(
      [&] { return rosterd({"status"}).out.find("gen: idle; last poll") != std::string::npos; }));
  GeneratorOptions o;
  o.clean_rows = 20;
  deliver(drop / "roster.txt", generate_roster(o).text);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(rosterd({"history"}).out.find("roster.txt") == std::string::npos);

  const ProcessResult sync = rosterd({"sync-now", "--feed", "gen"});
  CHECK(sync.exit_status == 0);
  CHECK(sync.out == "ok: gen polls now\n");
  CHECK(eventually(
      [&] { return rosterd({"history"}).out.find("committed  roster.txt") != std::string::npos; }));
  // The poll goes on a moment after its run commits (archiving, mail): wait for it to end.
  ProcessResult status;
  CHECK(eventually([&] {
    status = rosterd({"status"});
    return status.out.find("gen: idle; last poll ") != std::string::npos;
  }));
  INFO(status.out);
  CHECK(status.out.find("gen: idle; last poll ") != std::string::npos);
  CHECK(status.out.find("next poll in 35") != std::string::npos);  // ~3599 s
  CHECK(status.out.find("held runs 0; outbox 0") != std::string::npos);
  CHECK(rosterd({"sync-now", "--feed", "nope"}).exit_status == 2);

  pid.signal(SIGTERM);
  CHECK(pid.wait(10000) == 0);
  const ProcessResult gone = rosterd({"status"});
  CHECK(gone.exit_status == 2);
  CHECK(gone.err.find("no rosterd service answers") != std::string::npos);
}

TEST_CASE("integration: two feeds poll at once; SIGTERM during a large ingest lets it finish") {
  TempDir tmp;
  std::filesystem::create_directories(tmp / "drop1");
  std::filesystem::create_directories(tmp / "drop2");
  const auto config =
      write_test_feed(tmp.path(),
                      "    schedule: {poll_every: 1s}\n"
                      "    source:\n      local: {dir: drop1, stable_for: 0s}\n"
                      "  gen2:\n"
                      "    mode: live\n"
                      "    format: {quote: double}\n"
                      "    checks: {state_id: {min_length: 10, max_length: 10, charset: digits}}\n"
                      "    schedule: {poll_every: 1s}\n"
                      "    source:\n      local: {dir: drop2, stable_for: 0s}\n",
                      "live");
  write_generated_roster(20, tmp / "drop1/small.txt");  // before the service starts: whole
  write_generated_roster(20, tmp / "drop2/small.txt");
  NotifySocket notify(tmp / "notify.sock");
  const std::filesystem::path log = tmp / "service.log";
  ChildProcess pid(ROSTERD_BIN, {"run", "--config", config.string()},
                   {"NOTIFY_SOCKET=" + notify.path().string()}, log.string());
  const auto history = [&] {
    return run_process(ROSTERD_BIN, {"history", "--config", config.string(), "--last", "20"}).out;
  };
  CHECK(eventually([&] {
    const std::string h = history();
    return h.find("gen  committed  small.txt") != std::string::npos &&
           h.find("gen2  committed  small.txt") != std::string::npos;
  }));
  CHECK(notify.read().find("STATUS=2 polling") != std::string::npos);  // both at the same time

  // A large file; SIGTERM once its run has started: the run finishes, then the service exits.
  // Written under a hidden name, then renamed: with stable_for 0s a file is taken as soon as
  // it is listed, so it must appear whole.
  write_generated_roster(300000, tmp / "drop1/.large.tmp");
  std::filesystem::rename(tmp / "drop1/.large.tmp", tmp / "drop1/large.txt");
  CHECK(eventually(
      [&] { return read_file(log).find("event=run.start feed=gen run=3") != std::string::npos; },
      20000));
  pid.signal(SIGTERM);
  const int status = pid.wait(60000);
  CHECK(status == 0);
  if (status != 0) pid.kill();
  const std::string h = history();
  INFO(h);
  CHECK(h.find("gen  committed  large.txt") != std::string::npos);
  const ProcessResult integrity =
      run_process("/usr/bin/sqlite3", {(tmp / "roster.db").string(), "PRAGMA integrity_check;"});
  CHECK(integrity.out == "ok\n");
}

TEST_CASE("integration: the service's info log carries no student names or birth dates") {
  TempDir tmp;
  std::filesystem::create_directories(tmp / "drop");
  const auto config = write_test_feed(tmp.path(),
                                      "    schedule: {poll_every: 1s}\n"
                                      "    source:\n      local: {dir: drop, stable_for: 0s}\n"
                                      "    policy: {max_reject_pct: 100}\n",
                                      "live");
  // Every row-level discrepancy (bad dates, unknown codes, duplicates...), so that values are
  // reported, and on a second night an ID change (a possible match), so identity is logged too.
  GeneratorOptions o;
  o.clean_rows = 200;
  o.inject = every_row_code(2);
  const GeneratedRoster night = generate_roster(o);
  deliver(tmp / "drop/night-1.txt", night.text);
  const std::filesystem::path log = tmp / "service.log";
  ChildProcess pid(ROSTERD_BIN, {"run", "--config", config.string()}, {"ROSTERD_LOG_LEVEL=info"},
                   log.string());
  const auto committed = [&](const std::string& name) {
    return run_process(ROSTERD_BIN, {"history", "--config", config.string()})
               .out.find("committed  " + name) != std::string::npos;
  };
  CHECK(eventually([&] { return committed("night-1.txt"); }, 20000));
  // The second night: the first clean student under a new state ID.
  std::string second = night.text;
  const std::size_t row2 = second.find('\n') + 1;
  second.replace(row2, 10, "9999999999");
  deliver(tmp / "drop/night-2.txt", second);
  CHECK(eventually([&] { return committed("night-2.txt"); }, 20000));
  pid.signal(SIGTERM);
  CHECK(pid.wait(10000) == 0);

  const std::string text = read_file(log);
  REQUIRE(text.find("event=run.done") != std::string::npos);  // it did log its runs
  // Every last name, first name and birth date of the file, searched for in the log.
  std::size_t searched = 0;
  std::istringstream lines(night.text);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line)) {
    const auto f = rosterd::split(line, '|');
    for (std::size_t i : {2u, 4u, 5u}) {  // first name, last name, date of birth
      if (i >= f.size() || f[i].size() < 4) continue;
      ++searched;
      CHECK_MESSAGE(text.find(f[i]) == std::string::npos, "in the log: " << f[i]);
    }
  }
  CHECK(searched > 500);
}

TEST_CASE("integration: a flood of idle control connections neither stops polls nor hangs status") {
  TempDir tmp;
  std::filesystem::create_directories(tmp / "drop");
  const auto config = write_test_feed(tmp.path(),
                                      "    schedule: {poll_every: 1s}\n"
                                      "    source:\n      local: {dir: drop, stable_for: 0s}\n",
                                      "live");
  const std::filesystem::path log = tmp / "service.log";
  // The service may hold 128 descriptors; the flood is far more connections than that.
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
  rlimit low = saved;
  low.rlim_cur = 128;
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
  ChildProcess pid(ROSTERD_BIN, {"run", "--config", config.string()}, {"ROSTERD_LOG_LEVEL=info"},
                   log.string());
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
  const auto status = [&] {
    return run_process(ROSTERD_BIN, {"status", "--config", config.string(), "--timeout", "5"});
  };
  REQUIRE(eventually([&] { return status().exit_status == 0; }));
  // As docs/service.md says: only the service's user (and root) may talk to it.
  struct stat st {};
  REQUIRE(::stat((tmp / "state/rosterd.sock").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  std::vector<int> flood;
  const std::string socket = (tmp / "state/rosterd.sock").string();
  for (int i = 0; i < 600; ++i) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket.c_str());
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);  // a full backlog: the flood goes on
      continue;
    }
    flood.push_back(fd);
  }
  CHECK(flood.size() > 128);

  // Polls go on: a file delivered now is committed while the idle clients hold on.
  GeneratorOptions o;
  o.clean_rows = 50;
  deliver(tmp / "drop/roster-1.txt", generate_roster(o).text);
  CHECK(eventually(
      [&] {
        return run_process(ROSTERD_BIN, {"history", "--config", config.string()})
                   .out.find("committed  roster-1.txt") != std::string::npos;
      },
      20000));
  // And the service still answers (the idle clients are cut off at their deadline, the ones
  // past the cap at once).
  CHECK(eventually([&] { return status().out.find("gen: ") != std::string::npos; }, 20000));
  for (int fd : flood)
    ::close(fd);
  pid.signal(SIGTERM);
  CHECK(pid.wait(10000) == 0);
  const std::string text = read_file(log);
  CHECK(text.find("Too many open files") == std::string::npos);
  CHECK(text.find("too many open files") == std::string::npos);
  CHECK(text.find("event=service.poll_failed") == std::string::npos);
}

TEST_CASE("integration: status and sync-now give up with a clear message when no answer comes") {
  TempDir tmp;
  const auto config = write_test_feed(tmp.path(), "", "live");
  std::filesystem::create_directories(tmp / "state");
  // A socket that accepts connections into its backlog and never answers (a hung service).
  const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", (tmp / "state/rosterd.sock").c_str());
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 4) == 0);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"status", "--config", config.string(), "--timeout", "1"},
        std::vector<std::string>{"sync-now", "--config", config.string(), "--feed", "gen",
                                 "--timeout", "1"}}) {
    const auto start = std::chrono::steady_clock::now();
    const ProcessResult r = run_process(ROSTERD_BIN, args);
    CHECK(r.exit_status == 2);
    CHECK(r.err.find("did not answer within 1 s") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  }
  ::close(listener);
}

TEST_CASE("integration: a long transfer that keeps moving is not stuck; one that stops is") {
  TempDir tmp;
  SshdServer sshd(tmp / "sshd");
  const std::filesystem::path drop = tmp / "drop";
  std::filesystem::create_directories(drop);
  // Large enough to take minutes while the server is let go only in bursts (sparse: no disk).
  std::ofstream(drop / "roster.txt", std::ios::binary).close();
  std::filesystem::resize_file(drop / "roster.txt", std::uintmax_t{1} << 30);
  const std::string source =
      "    schedule: {poll_every: 1h}\n"
      "    source:\n      sftp:\n        host: 127.0.0.1\n        port: " +
      std::to_string(sshd.port()) + "\n        user: " + SshdServer::current_user() +
      "\n        key_file: " + sshd.user_key().string() +
      "\n        known_hosts: " + sshd.known_hosts().string() + "\n        dir: " + drop.string() +
      "\n        stable_for: 0s\n        io_timeout: 1h\n        transfer_timeout: 1h\n"
      "        max_bytes: 2GiB\n";
  const auto config = write_test_feed(tmp.path(), source, "live");
  std::ofstream(config, std::ios::app) << "service: {stuck_after: 2s}\n";
  NotifySocket notify(tmp / "notify.sock");
  const std::filesystem::path log = tmp / "service.log";
  // Once the download is under way, the server is frozen most of the time and let go in short
  // bursts: bytes keep coming, slowly.
  std::atomic<bool> started_trickle{false}, trickle_on{true}, stop{false};
  std::thread trickle([&] {
    started_trickle.wait(false);
    while (!stop) {
      sshd.freeze_all();
      std::this_thread::sleep_for(std::chrono::milliseconds(400));
      if (trickle_on) sshd.thaw_all();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    sshd.thaw_all();
  });
  // However the test ends (a failed REQUIRE too), the trickle stops and is joined.
  struct StopTrickle {
    std::function<void()> stop;
    ~StopTrickle() { stop(); }
  } stop_trickle{[&] {
    stop = true;
    started_trickle = true;
    started_trickle.notify_one();
    if (trickle.joinable()) trickle.join();
  }};
  ChildProcess service(ROSTERD_BIN, {"run", "--config", config.string()},
                       {"NOTIFY_SOCKET=" + notify.path().string(), "WATCHDOG_USEC=200000"},
                       log.string());
  const auto pings = [&] {
    const std::string seen = notify.read();
    std::size_t n = 0;
    for (auto at = seen.find("WATCHDOG=1"); at != std::string::npos;
         at = seen.find("WATCHDOG=1", at + 1))
      ++n;
    return n;
  };
  // The download under way (its part file in staging), then held past stuck_after.
  const auto downloading = [&] {
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(tmp / "state/staging/gen", ec))
      if (e.path().filename().string().starts_with(".part-")) return true;
    return false;
  };
  REQUIRE(eventually(downloading, 20000));
  started_trickle = true;
  started_trickle.notify_one();
  const auto started = std::chrono::steady_clock::now();
  const std::size_t before = pings();
  // stuck_after (2 s) and more pass while the bytes trickle in: the watchdog goes on being fed.
  CHECK(eventually(
      [&] {
        return std::chrono::steady_clock::now() - started > std::chrono::seconds(4) &&
               pings() > before + 10;
      },
      20000));
  CHECK(downloading());  // still the same long transfer
  CHECK(read_file(log).find("event=service.poll_stuck") == std::string::npos);

  // Now the server stops sending altogether: past stuck_after the poll is stuck, the watchdog
  // is no longer fed (systemd would restart the service).
  trickle_on = false;
  CHECK(eventually(
      [&] { return read_file(log).find("event=service.poll_stuck") != std::string::npos; }, 20000));
  const std::size_t at_stuck = pings();
  // A second on, ten watchdog periods (100 ms each): none of them was fed.
  const auto stuck_seen = std::chrono::steady_clock::now();
  CHECK(eventually(
      [&] { return std::chrono::steady_clock::now() - stuck_seen > std::chrono::seconds(1); }));
  CHECK(pings() <= at_stuck + 1);  // at most one ping was already on its way
  service.kill();
}

TEST_CASE("integration: status exits by what needs someone, and answers while the file is broken") {
  TempDir tmp;
  const std::filesystem::path drop = tmp / "drop";
  const auto config = hourly_local_feed(tmp);
  // A state folder of its own name: a broken file must still lead status to the socket.
  const std::string good = "state_dir: svc-state\n" + read_file(config);
  std::ofstream(config, std::ios::binary) << good;
  ChildProcess service(ROSTERD_BIN, {"run", "--config", config.string()}, {},
                       (tmp / "service.log").string());
  const auto rosterd = [&](std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(config.string());
    return run_process(ROSTERD_BIN, args);
  };
  const auto status_json = [&] {
    const ProcessResult r = rosterd({"status", "--format", "json"});
    INFO(r.err);
    return std::make_pair(r.exit_status, nlohmann::json::parse(r.out.empty() ? "{}" : r.out));
  };

  // All well: polled once, nothing held, nothing failing.
  REQUIRE(
      eventually([&] { return rosterd({"status"}).out.find("last poll") != std::string::npos; }));
  auto [code, json] = status_json();
  CHECK(code == 0);
  REQUIRE(json["feeds"].size() == 1);
  CHECK(json["feeds"][0]["feed"] == "gen");
  CHECK(json["feeds"][0]["held_runs"] == 0);
  CHECK(json["feeds"][0]["failing"] == false);
  CHECK(json["feeds"][0]["past_deadline"] == false);
  CHECK(json["config_problem"].is_null());

  // A file with a third of its rows rejected: held for approval, exit 4.
  GeneratorOptions o;
  o.clean_rows = 20;
  o.inject = every_row_code(1);
  deliver(drop / "roster.txt", generate_roster(o).text);
  REQUIRE(rosterd({"sync-now", "--feed", "gen"}).exit_status == 0);
  REQUIRE(eventually([&] { return status_json().first == 4; }));
  std::tie(code, json) = status_json();
  CHECK(json["feeds"][0]["held_runs"] == 1);
  CHECK(json["feeds"][0]["failing"] == false);

  // The file on disk broken (a YAML syntax error): status still asks the service, says what is
  // wrong with the file, and the held run still decides the exit status.
  std::ofstream(config, std::ios::binary) << good << "  broken: [unclosed\n";
  ProcessResult text = rosterd({"status"});
  CHECK(text.exit_status == 4);
  CHECK(text.out.starts_with("warning: " + config.string() + " does not load"));
  CHECK(text.out.find("YAML syntax error") != std::string::npos);
  CHECK(text.out.find("gen: idle; last poll") != std::string::npos);
  CHECK(text.out.find("held runs 1") != std::string::npos);
  std::tie(code, json) = status_json();
  CHECK(code == 4);
  CHECK(json["config_problem"].get<std::string>().find("YAML syntax error") != std::string::npos);

  // Nothing held any more, the file still broken: exit 2 (a reload would fail).
  std::ofstream(config, std::ios::binary) << good;
  const ProcessResult history = rosterd({"history", "--format", "json"});
  const auto run = nlohmann::json::parse(history.out)[0]["run"].get<std::int64_t>();
  REQUIRE(rosterd({"reject", std::to_string(run)}).exit_status == 0);
  std::ofstream(config, std::ios::binary) << good << "  broken: [unclosed\n";
  CHECK(rosterd({"status"}).exit_status == 2);
  std::ofstream(config, std::ios::binary) << good;
  CHECK(rosterd({"status"}).exit_status == 0);

  // The drop gone: failing, exit 5, whatever else.
  std::filesystem::rename(drop, tmp / "drop-gone");
  REQUIRE(rosterd({"sync-now", "--feed", "gen"}).exit_status == 0);
  REQUIRE(eventually([&] { return status_json().first == 5; }));
  std::tie(code, json) = status_json();
  CHECK(json["feeds"][0]["failing"] == true);
  CHECK_FALSE(json["feeds"][0]["drop_failing"].is_null());
  text = rosterd({"status"});
  CHECK(text.exit_status == 5);
  CHECK(text.out.find("drop failing since 20") != std::string::npos);
}
