// A poll of a feed stopped at each of its steps (core/fault_point.h): SIGKILL, as a power cut
// or the OOM killer would, then the next polls; and SIGTERM, as systemd stops the service. The
// drop is a real sshd on loopback (after: move), the mail a real SMTP server, the store SQLite.
// After each: the file committed exactly once, the committed run's QA report delivered once,
// the remote file moved, staging empty, the store intact. Then a state folder, or the store's
// folder, that cannot be written: refused with the reason, logged once, nothing lost.
// Run alone: ctest -R integration_fault_points.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "tests/integration/whole_district.h"
#include "tests/support/district_year.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/sshd_server.h"
#include "tests/support/temp_dir.h"

using namespace rosterd::testing;
using nlohmann::json;

namespace {

// Every step of a poll, in the order a poll reaches them.
const std::vector<std::string> kSteps = {
    "fetch.listed",      "fetch.downloaded", "fetch.recorded", "fetch.staged",
    "ingest.read_ahead", "run.started",      "mail.claimed",   "mail.delivered",
    "store.committing",  "run.finished",     "file.ingested",  "file.archived",
    "file.after_action",
};

constexpr std::size_t kRows = 60;

struct PollFixture {
  TempDir tmp;
  SshdServer& sshd;
  SmtpSink sink{tmp / "mail"};
  std::filesystem::path drop = tmp / "drop";
  std::filesystem::path config;

  explicit PollFixture(SshdServer& server) : sshd(server) {
    std::filesystem::create_directories(drop);
    config = write_test_feed(
        tmp.path(),
        "    schedule: {poll_every: 1s}\n"
        "    notify:\n"
        "      qa_report: [qa@district.example]\n"
        "      failures: [ops@platform.example]\n"
        "    source:\n      sftp:\n        host: 127.0.0.1\n        port: " +
            std::to_string(sshd.port()) + "\n        user: " + SshdServer::current_user() +
            "\n        key_file: " + sshd.user_key().string() + "\n        known_hosts: " +
            sshd.known_hosts().string() + "\n        dir: " + drop.string() +
            "\n        stable_for: 0s\n        after: move\n        move_to: done\n"
            "smtp:\n  url: " +
            sink.url() +
            "\n  from: \"rosterd <rosterd@platform.example>\"\n  starttls: off\n"
            "  connect_timeout: 5s\n",
        "live");
    GeneratorOptions o;
    o.clean_rows = kRows;
    std::ofstream(drop / "roster-1.txt", std::ios::binary) << generate_roster(o).text;
  }

  std::string sql(const std::string& query) const {
    return run_process("/usr/bin/sqlite3", {(tmp / "roster.db").string(), query}).out;
  }
  std::vector<std::string> once() const {
    return {"run", "--once", "--config", config.string(), "--as-of", kGeneratorAsOf};
  }
  // Polls once with the step armed; returns the process's exit status (-1: killed).
  int poll_with_fault(const std::vector<std::string>& args, const std::string& fault,
                      const std::filesystem::path& log) const {
    ChildProcess pid(ROSTERD_BIN, args, {"ROSTERD_FAULT_AT=" + fault}, log.string());
    const int status = pid.wait(60000);
    if (status == -1) pid.kill();  // still running after a minute: reaped, and fails
    return status;
  }
  bool done() const {
    return sql("SELECT count(*) FROM runs WHERE decision = 'committed';") == "1\n" &&
           sql("SELECT after_action <> '' FROM source_files;") == "1\n";
  }
  std::size_t files_in(const std::filesystem::path& dir) const {
    std::size_t n = 0;
    std::error_code ec;
    for (std::filesystem::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
         it.increment(ec))
      n += it->is_regular_file() ? 1 : 0;
    return n;
  }

  // The state every stop must end in, once the polls after it have run. `moved_unrecorded`: the
  // stop came after the remote move, before the ledger recorded it.
  void check_done(bool moved_unrecorded = false) const {
    CHECK(sql("PRAGMA integrity_check;") == "ok\n");
    CHECK(sql("SELECT count(*) FROM runs WHERE decision = 'committed';") == "1\n");
    CHECK(sql("SELECT count(*) FROM runs WHERE decision = 'running';") == "0\n");
    CHECK(sql("SELECT count(*) FROM roster_current;") == std::to_string(kRows) + "\n");
    // One ledger record: ingested, moved, its copy archived.
    CHECK(sql("SELECT status, after_action FROM source_files;") ==
          (moved_unrecorded ? std::string("ingested|already gone\n")
                            : "ingested|moved to " + (drop / "done/roster-1.txt").string() + "\n"));
    CHECK_FALSE(std::filesystem::exists(drop / "roster-1.txt"));
    CHECK(std::filesystem::exists(drop / "done/roster-1.txt"));
    CHECK(files_in(tmp / "state/staging") == 0);
    CHECK(files_in(tmp / "state/archive") == 1);

    // The committed run's QA report went out once; no message twice; no failure alert.
    std::string committed = sql("SELECT id FROM runs WHERE decision = 'committed';");
    if (!committed.empty()) committed.pop_back();  // the newline
    std::set<std::string> ids;
    std::size_t reports = 0;
    for (const std::string& m : sink.messages()) {
      const json j = json::parse(m);
      const std::string id = j["message_id"];
      CHECK_MESSAGE(ids.insert(id).second, "received twice: " << id);
      // One copy a recipient: "<run-N.qa_report.RECIPIENT.gen@rosterd>".
      if (id.starts_with("<run-" + committed + ".qa_report.") && id.ends_with(".gen@rosterd>"))
        ++reports;
      CHECK(std::string(j["subject"]).find("FAILED") == std::string::npos);
    }
    CHECK(reports == 1);
  }
};

}  // namespace

TEST_CASE("integration fault points: SIGKILL at each step of a poll; the next polls finish it") {
  TempDir servers;
  SshdServer sshd(servers / "sshd");
  for (const std::string& step : kSteps) {
    CAPTURE(step);
    PollFixture f(sshd);
    const std::filesystem::path log = f.tmp / "killed.log";
    CHECK(f.poll_with_fault(f.once(), step, log) == -1);
    CHECK(read_file(log).find("event=fault_point.reached step=" + step) != std::string::npos);

    // A poll at a time until the file is done; a crash between the ledger record and the
    // staged copy needs two (the record is dropped, then the file is fetched again).
    int polls = 0;
    while (!f.done() && polls < 4) {
      const ProcessResult r = run_process(ROSTERD_BIN, f.once());
      CAPTURE(r.err);
      CHECK(r.exit_status == 0);
      ++polls;
    }
    CHECK(polls >= 1);
    CHECK(polls <= 2);
    // Once done, a further poll changes nothing.
    CHECK(run_process(ROSTERD_BIN, f.once()).exit_status == 0);
    f.check_done(step == "file.after_action");
    // A report the killed process handed to the server but never recorded as sent is in doubt:
    // `rosterd outbox` says so (it is not sent again on its own).
    const std::string outbox =
        run_process(ROSTERD_BIN, {"outbox", "--config", f.config.string()}).out;
    CHECK((outbox.find("IN DOUBT") != std::string::npos) == step.starts_with("mail."));
  }
}

TEST_CASE("integration fault points: SIGTERM at each step of a poll; the service finishes it") {
  TempDir servers;
  SshdServer sshd(servers / "sshd");
  for (const std::string& step : kSteps) {
    CAPTURE(step);
    PollFixture f(sshd);
    const std::filesystem::path log = f.tmp / "service.log";
    // The service finishes the poll it is in, then exits cleanly.
    CHECK(f.poll_with_fault({"run", "--config", f.config.string()}, step + ":TERM", log) == 0);
    const std::string text = read_file(log);
    CAPTURE(text);
    CHECK(text.find("event=fault_point.reached step=" + step + " signal=TERM") !=
          std::string::npos);
    CHECK(f.done());
    f.check_done();
    CHECK(
        run_process(ROSTERD_BIN, {"outbox", "--config", f.config.string()}).out.find("IN DOUBT") ==
        std::string::npos);
  }
}

namespace {

// `dir` made read-only for rosterd, as a disk the kernel remounted read-only after errors, or a
// systemd unit's ProtectSystem=strict without ReadWritePaths=, makes it: a read-only bind mount
// over it when the tests run as root (root ignores permissions), mode 0555 otherwise. Undone
// when it goes, or by writable().
class ReadOnlyFolder {
 public:
  explicit ReadOnlyFolder(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    if (::geteuid() != 0) {
      std::filesystem::permissions(
          dir_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
      state_ = State::chmod;
    } else if (::mount(dir_.c_str(), dir_.c_str(), nullptr, MS_BIND, nullptr) == 0) {
      state_ = State::mounted;
      if (::mount(nullptr, dir_.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0)
        writable();
    }
  }
  ~ReadOnlyFolder() { writable(); }
  ReadOnlyFolder(const ReadOnlyFolder&) = delete;
  ReadOnlyFolder& operator=(const ReadOnlyFolder&) = delete;

  // False where the folder could not be made read-only (root without the right to mount, as
  // in some containers): the test says so and checks nothing.
  bool ok() const { return state_ != State::none; }
  void writable() {
    if (state_ == State::mounted) ::umount2(dir_.c_str(), MNT_DETACH);
    if (state_ == State::chmod)
      std::filesystem::permissions(dir_, std::filesystem::perms::owner_all);
    state_ = State::none;
  }

 private:
  enum class State { none, mounted, chmod };
  std::filesystem::path dir_;
  State state_ = State::none;
};

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

struct LocalFeed {
  TempDir tmp;
  std::filesystem::path config;
  std::filesystem::path drop = tmp / "drop";

  // `store` is the SQLite store's path relative to the test folder.
  explicit LocalFeed(const std::string& store = "roster.db") {
    std::filesystem::create_directories(drop);
    config = write_test_feed(tmp.path(),
                             "    schedule: {poll_every: 1s}\n"
                             "    source:\n      local: {dir: drop, stable_for: 0s, after: "
                             "delete}\n",
                             "live");
    std::string yaml = read_file(config);
    yaml.replace(yaml.find("roster.db"), 9, store);
    std::ofstream(config, std::ios::binary) << yaml;
    write_generated_roster(kRows, tmp / "mon.src");
    write_next_night(tmp / "mon.src", tmp / "tue.src");
  }
  // Drops monday's roster, or tuesday's (one student renamed).
  void put(const std::string& day) const {
    std::filesystem::copy_file(tmp / (day + ".src"), drop / (day + ".txt"));
  }
  ProcessResult once() const {
    return run_process(ROSTERD_BIN,
                       {"run", "--once", "--config", config.string(), "--as-of", kGeneratorAsOf});
  }
  std::string history() const {
    return run_process(ROSTERD_BIN, {"history", "--config", config.string()}).out;
  }
};

}  // namespace

TEST_CASE("integration fault points: a read-only state_dir stops rosterd before it takes a file") {
  LocalFeed f;
  f.put("mon");
  ReadOnlyFolder ro(f.tmp / "state");
  if (!ro.ok()) {
    MESSAGE("cannot make a folder read-only here (root without the right to mount): skipped");
    return;
  }
  const std::string expected =
      "state_dir " + (f.tmp / "state").string() +
      (::geteuid() == 0 ? " is on a read-only file system" : " is not writable by this user");
  const ProcessResult once = f.once();
  CHECK(once.exit_status == 7);  // unavailable, not a configuration mistake
  CHECK(once.err.find(expected) != std::string::npos);
  CHECK(once.err.find("ReadWritePaths=") != std::string::npos);
  // The service refuses to start, with the same words (systemd shows them).
  const ProcessResult service = run_process(ROSTERD_BIN, {"run", "--config", f.config.string()});
  CHECK(service.exit_status == 7);
  CHECK(service.err.find(expected) != std::string::npos);
  CHECK(std::filesystem::exists(f.drop / "mon.txt"));  // nothing taken

  ro.writable();
  CHECK(f.once().exit_status == 0);
  CHECK(f.history().find("committed  mon.txt") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(f.drop / "mon.txt"));
}

TEST_CASE("integration fault points: a store in a read-only folder is refused with the reason") {
  LocalFeed f("db/roster.db");
  f.put("mon");
  REQUIRE(f.once().exit_status == 0);
  f.put("tue");
  ReadOnlyFolder ro(f.tmp / "db");
  if (!ro.ok()) {
    MESSAGE("cannot make a folder read-only here (root without the right to mount): skipped");
    return;
  }
  const std::string expected = "the folder " + (f.tmp / "db").string() + " of the store is";
  const ProcessResult once = f.once();
  CHECK(once.exit_status == 7);
  CHECK(once.err.find(expected) != std::string::npos);
  CHECK(once.err.find("set store.sqlite to one that is") != std::string::npos);
  const ProcessResult history =
      run_process(ROSTERD_BIN, {"history", "--config", f.config.string()});
  CHECK(history.exit_status == 7);
  CHECK(history.err.find(expected) != std::string::npos);
  CHECK(std::filesystem::exists(f.drop / "tue.txt"));

  ro.writable();
  CHECK(f.once().exit_status == 0);
  const std::string h = f.history();
  CHECK(h.find("committed  tue.txt") != std::string::npos);
  CHECK(count_of(h, "committed ") == 2);
}

TEST_CASE(
    "integration fault points: state_dir turning read-only under the service is logged once; "
    "files wait, then commit") {
  LocalFeed f;
  const std::filesystem::path log = f.tmp / "service.log";
  // At debug, each poll logs service.polled: the test follows polls, not the clock.
  ChildProcess pid(ROSTERD_BIN, {"run", "--config", f.config.string()}, {"ROSTERD_LOG_LEVEL=debug"},
                   log.string());
  f.put("mon");
  const auto eventually = [](const std::function<bool()>& ok) {
    for (int waited = 0; waited < 15000 && !ok(); waited += 50)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return ok();
  };
  const auto polls = [&] { return count_of(read_file(log), "event=service.polled"); };
  CHECK(eventually([&] { return f.history().find("committed  mon.txt") != std::string::npos; }));
  {
    ReadOnlyFolder ro(f.tmp / "state");
    if (!ro.ok()) {
      MESSAGE("cannot make a folder read-only here (root without the right to mount): skipped");
      pid.kill();
      return;
    }
    f.put("tue");
    // Several polls (poll_every 1s) fail alike: one error line, and the file waits.
    const std::size_t before = polls();
    CHECK(eventually([&] { return polls() >= before + 3; }));
    const std::string text = read_file(log);
    CHECK(count_of(text, "event=service.poll_failed") == 1);
    CHECK((text.find("read-only file system") != std::string::npos ||
           text.find("not writable by this user") != std::string::npos));
    CHECK(std::filesystem::exists(f.drop / "tue.txt"));
    CHECK(f.history().find("tue.txt") == std::string::npos);
    // (Read between polls: during one, status says "polling".)
    CHECK(eventually([&] {
      return run_process(ROSTERD_BIN, {"status", "--config", f.config.string()})
                 .out.find("failed: state_dir") != std::string::npos;
    }));
  }
  CHECK(eventually([&] { return f.history().find("committed  tue.txt") != std::string::npos; }));
  CHECK(eventually(
      [&] { return read_file(log).find("event=service.poll_recovered") != std::string::npos; }));
  pid.signal(SIGTERM);
  CHECK(pid.wait(15000) == 0);
}

namespace {

// A feed with policy.on_trip hold_unsafe, its 200 students committed; then a night that adds
// 40 and withdraws 30% (60) waits in the drop. A poll cuts it in two: the additions committed,
// the withdrawals held as a run of their own.
struct SplitNight {
  TempDir tmp;
  std::filesystem::path config;
  std::filesystem::path drop = tmp / "drop";

  SplitNight() {
    std::filesystem::create_directories(drop);
    config = write_test_feed(tmp.path(),
                             "    policy: {on_trip: hold_unsafe}\n"
                             "    source:\n      local: {dir: drop, stable_for: 0s, after: "
                             "delete}\n",
                             "live");
    DistrictYear district(200, 11);
    std::ofstream(drop / "night-1.txt", std::ios::binary) << district.file();
    REQUIRE(once().exit_status == 0);
    REQUIRE(sql("SELECT count(*) FROM runs WHERE decision = 'committed';") == "1\n");
    district.enrol_and_withdraw(40, 30);
    std::ofstream(drop / "night-2.txt", std::ios::binary) << district.file();
  }
  std::string sql(const std::string& query) const {
    return run_process("/usr/bin/sqlite3", {(tmp / "roster.db").string(), query}).out;
  }
  std::vector<std::string> poll() const {
    return {"run", "--once", "--config", config.string(), "--as-of", kGeneratorAsOf};
  }
  ProcessResult once() const { return run_process(ROSTERD_BIN, poll()); }
  std::string active() const {
    return sql("SELECT count(*) FROM roster_current WHERE active = 1;");
  }
  // Runs rosterd ARGS with `fault` armed (SIGKILL): true when the step was reached and the
  // process killed there.
  bool killed_at(const std::vector<std::string>& args, const std::string& fault) const {
    const std::filesystem::path log = tmp / ("killed-" + fault + ".log");
    ChildProcess pid(ROSTERD_BIN, args, {"ROSTERD_FAULT_AT=" + fault}, log.string());
    const int status = pid.wait(60000);
    if (status != -1) return false;
    pid.kill();
    return read_file(log).find("event=fault_point.reached step=" + fault) != std::string::npos;
  }
  // The store as the night left it: intact; either nothing of night 2 (the crash undid it all,
  // its run left `running`) or both halves, each once, nothing running.
  void check_consistent(bool night_done) const {
    CHECK(sql("PRAGMA integrity_check;") == "ok\n");
    // A run killed before its end stays `running` until the next rosterd opens the store and
    // marks it failed (its file is taken again).
    CHECK(sql("SELECT count(*) FROM runs WHERE decision = 'running';") ==
          (night_done ? "0\n" : "1\n"));
    CHECK(sql("SELECT count(*) FROM students WHERE feed = 'gen';") ==
          (night_done ? "240\n" : "200\n"));
    if (!night_done) {
      CHECK(sql("SELECT count(*) FROM runs WHERE decision IN ('committed', 'held');") == "1\n");
      CHECK(active() == "200\n");
      return;
    }
    CHECK(active() == "240\n");  // the additions in, nobody withdrawn yet
    CHECK(sql("SELECT count(*) FROM runs WHERE decision = 'committed';") == "2\n");
    CHECK(sql("SELECT r.added, h.deactivated, h.base_run = r.id, h.decision FROM runs r JOIN "
              "runs h ON h.split_of = r.id;") == "40|60|1|held\n");
    CHECK(sql("SELECT count(*) FROM run_changes c JOIN runs h ON h.id = c.run WHERE h.split_of "
              "IS NOT NULL AND c.kind = 'deactivated';") == "60\n");
    CHECK(sql("SELECT count(*) FROM runs WHERE split_of IS NOT NULL;") == "1\n");
  }
};

}  // namespace

TEST_CASE(
    "integration fault points: a run cut in two, killed at each step, is whole or not at all; "
    "approving its held part too") {
  for (const std::string step : {"run.started", "store.held_part", "store.committing",
                                 "run.finished", "file.ingested", "file.after_action"}) {
    CAPTURE(step);
    SplitNight f;
    CHECK(f.killed_at(f.poll(), step));
    const bool undone = step == "run.started" || step.starts_with("store.");
    f.check_consistent(!undone);
    // The next polls finish the night, once.
    for (int polls = 0; polls < 2; ++polls) {
      const ProcessResult r = f.once();
      CAPTURE(r.err);
      CHECK((r.exit_status == 0 || r.exit_status == 4));
    }
    f.check_consistent(true);
    CHECK(f.sql("SELECT count(*) FROM runs WHERE decision = 'failed';") ==
          (undone ? "1\n" : "0\n"));
    CHECK_FALSE(std::filesystem::exists(f.drop / "night-2.txt"));
  }

  SplitNight f;
  REQUIRE(f.once().exit_status == 4);
  const std::string held = f.sql("SELECT id FROM runs WHERE split_of IS NOT NULL;");
  REQUIRE_FALSE(held.empty());
  const std::vector<std::string> approve = {"approve", "--config", f.config.string(),
                                            held.substr(0, held.size() - 1)};
  // Killed with every write of the approval made, before COMMIT: nothing of it stands.
  CHECK(f.killed_at(approve, "store.approving"));
  f.check_consistent(true);
  const ProcessResult again = run_process(ROSTERD_BIN, approve);
  CAPTURE(again.err);
  CHECK(again.exit_status == 0);
  CHECK(f.sql("PRAGMA integrity_check;") == "ok\n");
  CHECK(f.active() == "180\n");
  CHECK(f.sql("SELECT decision FROM runs WHERE split_of IS NOT NULL;") == "committed\n");
}

namespace {

// A feed taking every kind (tests/integration/whole_district.h), its first set loose in the drop.
struct WholeNight {
  TempDir tmp;
  std::filesystem::path config = config_in(tmp.path());
  District night = first_night();

  WholeNight() { night.write_to(tmp / "drop", "20260901-"); }
  std::string sql(const std::string& query) const {
    return run_process("/usr/bin/sqlite3", {(tmp / "roster.db").string(), query}).out;
  }
  std::vector<std::string> poll() const {
    return {"run", "--once", "--config", config.string(), "--as-of", "2026-09-01"};
  }
  // Every kind's committed rows and the students', together.
  std::string committed() const {
    return sql(
        "SELECT (SELECT count(*) FROM students), (SELECT count(*) FROM roster_staff), (SELECT "
        "count(*) FROM roster_sections), (SELECT count(*) FROM roster_enrollments), (SELECT "
        "count(*) FROM roster_guardian_links);");
  }
};

}  // namespace

TEST_CASE("integration fault points: a whole roster killed at each step is every kind or none") {
  for (const std::string step : {"run.started", "store.kinds_applying", "store.committing",
                                 "run.finished", "file.ingested", "file.after_action"}) {
    CAPTURE(step);
    WholeNight f;
    const std::filesystem::path log = f.tmp / "killed.log";
    ChildProcess pid(ROSTERD_BIN, f.poll(), {"ROSTERD_FAULT_AT=" + step}, log.string());
    REQUIRE(pid.wait(60000) == -1);
    pid.kill();
    CHECK(read_file(log).find("event=fault_point.reached step=" + step) != std::string::npos);
    CHECK(f.sql("PRAGMA integrity_check;") == "ok\n");
    const bool undone = step == "run.started" || step.starts_with("store.");
    CHECK(f.committed() == (undone ? "0|0|0|0|0\n" : "20|4|4|44|20\n"));
    // The next poll finishes the night, once, every kind with the students.
    const ProcessResult r = run_process(ROSTERD_BIN, f.poll());
    CAPTURE(r.err);
    CHECK(r.exit_status == 0);
    CHECK(f.committed() == "20|4|4|44|20\n");
    CHECK(f.sql("SELECT count(*) FROM runs WHERE decision = 'committed';") == "1\n");
  }
}
