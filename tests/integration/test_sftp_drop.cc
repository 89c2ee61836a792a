// The SFTP drop against a real OpenSSH sshd on a loopback port (tests/support/sshd_server.h):
// authentication, host key checks, completeness rules, after-actions, hostile names, limits,
// faults, and the ledger's exactly-once promise. Run alone: ctest -R integration_sftp.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/sha256.h"
#include "pipeline/feed_intake.h"
#include "store/roster_store.h"
#include "tests/integration/sftp_fixture.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/sshd_server.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_clock.h"
#include "transport/sftp_drop.h"
#include "transport/staged_file.h"

using namespace rosterd;
using namespace rosterd::testing;

TEST_CASE("integration: key authentication takes a file, verified byte for byte") {
  SftpFixture f;
  const std::string text = roster(200);
  write_file(f.drop / "roster-1.txt", text);
  const ProcessResult r = f.fetch();
  INFO(r.out, r.err);
  REQUIRE(r.exit_status == 0);
  CHECK(r.out.find("gen: taken roster-1.txt (" + std::to_string(text.size()) + " bytes, sha256 " +
                   sha256_hex(text) + ")") != std::string::npos);
  const auto staged = f.staged();
  REQUIRE(staged.size() == 1);
  CHECK(read_file(staged[0]) == text);
  CHECK(staged[0].filename().string().ends_with("-roster-1.txt"));
}

TEST_CASE("integration: an encrypted key with its passphrase in a file") {
  SftpFixture f;
  const std::filesystem::path key = f.tmp / "encrypted_key";
  REQUIRE(run_process("/usr/bin/ssh-keygen",
                      {"-q", "-t", "ed25519", "-N", "s3cret-phrase", "-f", key.string()})
              .exit_status == 0);
  std::ofstream(f.sshd.dir() / "authorized_keys", std::ios::app)
      << read_file(key.string() + ".pub");
  write_file(f.drop / "roster.txt", roster(10));
  const auto with_phrase = [&](const std::string& phrase) {
    write_file(f.tmp / "phrase", phrase + "\n");
    f.write_config("        attempts: 1\n", "live",
                   "        key_file: " + key.string() +
                       "\n        passphrase_file: " + (f.tmp / "phrase").string() + "\n");
    return f.fetch();
  };
  const ProcessResult wrong = with_phrase("not-it");
  CHECK(wrong.exit_status == 5);
  CHECK(wrong.out.find("cannot load the private key") != std::string::npos);
  CHECK(wrong.out.find("not-it") == std::string::npos);
  const ProcessResult right = with_phrase("s3cret-phrase");
  INFO(right.out, right.err);
  CHECK(right.exit_status == 0);
  CHECK(right.out.find("gen: taken roster.txt") != std::string::npos);
  CHECK(right.out.find("s3cret") == std::string::npos);
  CHECK(right.err.find("s3cret") == std::string::npos);
}

TEST_CASE("integration: password authentication") {
  if (!SshdServer::can_check_passwords()) {
    MESSAGE("skipped: sshd can check passwords only when the tests run as root");
    return;
  }
  // A dedicated login with a fresh random password; sshd checks it against the system's users.
  const std::string user = "rosterd-sftp-test";
  if (run_process("/usr/bin/id", {user}).exit_status != 0) {
    REQUIRE(run_process("/usr/sbin/useradd",
                        {"--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user})
                .exit_status == 0);
  }
  TempDir tmp;
  std::filesystem::permissions(tmp.path(), std::filesystem::perms::all);  // reachable by `user`
  SshdServer sshd(tmp / "sshd", /*password_auth=*/true);
  const std::string password = "pw-" + sha256_hex(std::to_string(::getpid())).substr(0, 20);
  {
    const std::filesystem::path pwin = tmp / "chpasswd.in";
    write_file(pwin, user + ":" + password + "\n");
    REQUIRE(run_process("/bin/sh", {"-c", "/usr/sbin/chpasswd < " + pwin.string()}).exit_status ==
            0);
  }
  const std::filesystem::path drop = tmp / "drop";
  std::filesystem::create_directories(drop);
  std::filesystem::permissions(drop, std::filesystem::perms::all);
  write_file(drop / "roster.txt", roster(20));
  std::filesystem::permissions(drop / "roster.txt", std::filesystem::perms::owner_read |
                                                        std::filesystem::perms::group_read |
                                                        std::filesystem::perms::others_read);
  write_file(tmp / "password", password + "\n");
  const auto make_config = [&](const std::string& password_file) {
    return write_test_feed(
        tmp.path(),
        "    source:\n      sftp:\n        host: 127.0.0.1\n        port: " +
            std::to_string(sshd.port()) + "\n        user: " + user + "\n        password_file: " +
            password_file + "\n        known_hosts: " + sshd.known_hosts().string() +
            "\n        dir: " + drop.string() + "\n        stable_for: 0s\n        attempts: 1\n",
        "live");
  };
  write_file(tmp / "wrong", "not-the-password\n");
  const ProcessResult bad =
      run_rosterd({"fetch", "--config", make_config((tmp / "wrong").string()).string()});
  CHECK(bad.exit_status == 5);
  CHECK(bad.out.find("refused the password for user " + user) != std::string::npos);
  CHECK(bad.out.find("not-the-password") == std::string::npos);  // never print a secret
  CHECK(bad.err.find("not-the-password") == std::string::npos);

  const ProcessResult ok =
      run_rosterd({"fetch", "--config", make_config((tmp / "password").string()).string()});
  INFO(ok.out, ok.err);
  CHECK(ok.exit_status == 0);
  CHECK(ok.out.find("gen: taken roster.txt") != std::string::npos);
  CHECK(ok.out.find(password) == std::string::npos);
}

TEST_CASE("integration: an unknown host key is refused, naming the key and how to trust it") {
  SftpFixture f;
  write_file(f.drop / "roster.txt", roster(10));
  write_file(f.sshd.known_hosts(), "");  // nothing trusted yet: no trust on first use
  const ProcessResult r = f.fetch();
  CHECK(r.exit_status == 5);
  CHECK(r.out.find("offered host key ssh-ed25519 SHA256:") != std::string::npos);
  CHECK(r.out.find("never trusts a key on first use") != std::string::npos);
  CHECK(r.out.find("ssh-keyscan -p " + std::to_string(f.sshd.port()) + " 127.0.0.1 >> ") !=
        std::string::npos);
  CHECK(f.staged().empty());
}

TEST_CASE("integration: a changed host key is refused") {
  SftpFixture f;
  write_file(f.drop / "roster.txt", roster(10));
  f.sshd.change_host_key();
  const ProcessResult r = f.fetch();
  CHECK(r.exit_status == 5);
  CHECK(r.out.find("host key has CHANGED") != std::string::npos);
  CHECK(r.out.find("ssh-keygen -R '[127.0.0.1]:" + std::to_string(f.sshd.port()) + "'") !=
        std::string::npos);
  CHECK(f.staged().empty());
}

TEST_CASE("integration: a growing file is not taken until it has been stable for stable_for") {
  SftpFixture f("        stable_for: 2m\n");
  TestClockFile clock(f.tmp / "clock");  // rosterd's time, moved on by the test
  const auto fetch = [&] {
    return run_process(ROSTERD_BIN, {"fetch", "--config", f.config.string()}, {clock.env()});
  };
  const std::string text = roster(100);
  write_file(f.drop / "roster.txt", text.substr(0, text.size() / 2));
  ProcessResult r = fetch();
  INFO(r.out, r.err);
  CHECK(r.out.find("gen: waiting roster.txt: unchanged for 0s of the 120s stable_for") !=
        std::string::npos);
  clock.advance(70);
  r = fetch();
  CHECK(r.out.find("gen: waiting roster.txt: unchanged for 70s of the 120s stable_for") !=
        std::string::npos);
  write_file(f.drop / "roster.txt", text);  // the SIS is still writing: size changes
  r = fetch();
  CHECK(r.out.find("gen: waiting roster.txt: unchanged for 0s") != std::string::npos);
  CHECK(f.staged().empty());
  clock.advance(119);
  CHECK(fetch().out.find("gen: waiting roster.txt: unchanged for 119s") != std::string::npos);
  clock.advance(1);
  r = fetch();
  INFO(r.out);
  CHECK(r.out.find("gen: taken roster.txt") != std::string::npos);
  REQUIRE(f.staged().size() == 1);
  CHECK(read_file(f.staged()[0]) == text);  // the whole file, never the half
}

TEST_CASE("integration: marker mode takes a file once NAME.done is there, and deletes both") {
  SftpFixture f("        ready_when: marker\n        after: delete\n");
  write_file(f.drop / "roster.txt", roster(30));
  ProcessResult r = f.fetch();
  CHECK(r.out.find("gen: waiting roster.txt: no marker yet (roster.txt.done)") !=
        std::string::npos);
  write_file(f.drop / "roster.txt.done", "");
  r = f.run_once();
  INFO(r.out, r.err);
  CHECK(r.out.find("gen: taken roster.txt") != std::string::npos);
  CHECK(r.out.find("gen: roster.txt in the drop: deleted") != std::string::npos);
  CHECK(!std::filesystem::exists(f.drop / "roster.txt"));
  CHECK(!std::filesystem::exists(f.drop / "roster.txt.done"));
}

TEST_CASE("integration: after a run the remote file is kept, moved or deleted") {
  SUBCASE("keep: left in place, and not taken again") {
    SftpFixture f("        after: keep\n");
    write_file(f.drop / "roster.txt", roster(30));
    ProcessResult r = f.run_once();
    CHECK(r.out.find("gen: roster.txt in the drop: kept") != std::string::npos);
    CHECK(std::filesystem::exists(f.drop / "roster.txt"));
    r = f.run_once();
    CHECK(r.exit_status == 0);
    CHECK(r.out.find("nothing new") != std::string::npos);
  }
  SUBCASE("move: into move_to, relative to the drop") {
    SftpFixture f("        after: move\n        move_to: processed\n");
    write_file(f.drop / "roster.txt", roster(30));
    const ProcessResult r = f.run_once();
    INFO(r.out, r.err);
    CHECK(r.out.find("in the drop: moved to " + (f.drop / "processed/roster.txt").string()) !=
          std::string::npos);
    CHECK(!std::filesystem::exists(f.drop / "roster.txt"));
    CHECK(std::filesystem::exists(f.drop / "processed/roster.txt"));
  }
  SUBCASE("delete") {
    SftpFixture f("        after: delete\n");
    write_file(f.drop / "roster.txt", roster(30));
    const ProcessResult r = f.run_once();
    CHECK(r.out.find("gen: roster.txt in the drop: deleted") != std::string::npos);
    CHECK(!std::filesystem::exists(f.drop / "roster.txt"));
  }
  SUBCASE("a failed move is reported and never undoes the commit") {
    SftpFixture f("        after: move\n        move_to: /proc/no-such-place\n");
    write_file(f.drop / "roster.txt", roster(30));
    const ProcessResult r = f.run_once();
    INFO(r.out, r.err);
    CHECK(r.out.find("in the drop: failed: cannot move") != std::string::npos);
    const ProcessResult h = run_rosterd({"history", "--config", f.config.string()});
    CHECK(h.out.find("committed") != std::string::npos);
    CHECK(f.run_once().out.find("nothing new") != std::string::npos);  // still taken once
  }
}

TEST_CASE(
    "integration: the server's move_to is refused when it, or a folder on the way, is a link") {
  SUBCASE("move_to is a link") {
    SftpFixture f("        after: move\n        move_to: processed\n");
    std::filesystem::create_directories(f.tmp / "elsewhere");
    std::filesystem::create_directory_symlink(f.tmp / "elsewhere", f.drop / "processed");
    write_file(f.drop / "roster.txt", roster(30));
    const ProcessResult r = f.run_once();
    INFO(r.out, r.err);
    CHECK(r.out.find("in the drop: failed: did not move") != std::string::npos);
    CHECK(r.out.find((f.drop / "processed").string() + " on the server is a symbolic link") !=
          std::string::npos);
    CHECK(std::filesystem::exists(f.drop / "roster.txt"));
    CHECK(std::filesystem::is_empty(f.tmp / "elsewhere"));
    const ProcessResult h = run_rosterd({"history", "--config", f.config.string()});
    CHECK(h.out.find("committed") != std::string::npos);
  }
  SUBCASE("a folder on the way of an absolute move_to is a link") {
    SftpFixture f("");
    std::filesystem::create_directories(f.tmp / "elsewhere/done");
    std::filesystem::create_directory_symlink(f.tmp / "elsewhere", f.drop / "out");
    f.write_config("        after: move\n        move_to: " + (f.drop / "out/done").string() +
                   "\n");
    write_file(f.drop / "roster.txt", roster(30));
    const ProcessResult r = f.run_once();
    INFO(r.out, r.err);
    CHECK(r.out.find((f.drop / "out").string() + " on the server is a symbolic link") !=
          std::string::npos);
    CHECK(std::filesystem::exists(f.drop / "roster.txt"));
    CHECK(std::filesystem::is_empty(f.tmp / "elsewhere/done"));
  }
}

TEST_CASE("integration: hostile remote names never escape the staging folder") {
  SftpFixture f("        pattern: \"roster*\"\n");
  const std::string long_name = "roster-" + std::string(240, 'a') + ".txt";
  const std::vector<std::string> names = {"roster-..\\..\\..\\evil.txt", "roster-\n-x\x01.txt",
                                          "roster-;rm -rf ~.txt", long_name};
  for (std::size_t i = 0; i < names.size(); ++i)
    write_file(f.drop / names[i], roster(5, 100 + i));
  const ProcessResult r = f.fetch();
  INFO(r.out, r.err);
  CHECK(r.exit_status == 0);
  const auto staged = f.staged();
  REQUIRE(staged.size() == names.size());
  for (const auto& p : staged) {
    const std::string name = p.filename().string();
    CHECK(p.parent_path() == f.tmp / "state/staging/gen");
    CHECK(name.find_first_not_of(
              "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-~") ==
          std::string::npos);
    CHECK(name.size() < 160);
  }
  // Nothing was written next to the test folder by a "../" in a name.
  CHECK(!std::filesystem::exists(f.tmp / "evil.txt"));
  CHECK(!std::filesystem::exists(f.tmp / "state/evil.txt"));
}

TEST_CASE("integration: a file over max_bytes is not taken, and reported once") {
  SftpFixture f("        max_bytes: 1KiB\n");
  write_file(f.drop / "roster.txt", roster(50));
  ProcessResult r = f.fetch();
  CHECK(r.exit_status == 5);
  CHECK(r.out.find("gen: too-large roster.txt: ") != std::string::npos);
  CHECK(r.out.find("over max_bytes (1024)") != std::string::npos);
  CHECK(f.staged().empty());
  r = f.fetch();
  CHECK(r.exit_status == 0);
  CHECK(r.out.find("nothing new") != std::string::npos);
}

TEST_CASE("integration: a drop listing more than max_listing entries is read no further") {
  // A folder that only grows, or a server sending names without end: nothing is taken, the
  // error says what to do; once the folder is cleaned up, the roster is taken.
  SftpFixture f("        max_listing: 20\n        pattern: \"roster*.txt\"\n");
  write_file(f.drop / "roster.txt", roster(50));
  for (int i = 0; i < 25; ++i)
    write_file(f.drop / ("old-" + std::to_string(i) + ".csv"), "x");
  const ProcessResult r = f.fetch();
  CHECK(r.exit_status == 5);
  CHECK(r.out.find("lists more than 20 entries (source.max_listing)") != std::string::npos);
  CHECK(r.out.find("Move processed files out of the drop folder") != std::string::npos);
  CHECK(f.staged().empty());
  // 20 entries, exactly the limit ("." and ".." do not count): read.
  for (int i = 0; i < 6; ++i)
    std::filesystem::remove(f.drop / ("old-" + std::to_string(i) + ".csv"));
  CHECK(f.fetch().exit_status == 0);
  CHECK(f.staged().size() == 1);
}

namespace {

// A real SftpDrop whose reads kill (or freeze) the whole sshd after `after_bytes`: a server
// dying, or hanging, mid-transfer.
class KillingDrop : public Drop {
 public:
  KillingDrop(SftpDrop& inner, SshdServer& sshd, std::uint64_t after_bytes, bool freeze = false)
      : inner_(inner), sshd_(sshd), after_(after_bytes), freeze_(freeze) {}
  std::string where() const override { return inner_.where(); }
  std::vector<DropEntry> list() override { return inner_.list(); }
  std::vector<DropEntry> folders() override { return inner_.folders(); }
  std::vector<DropEntry> list_folder(const std::string& f) override {
    return inner_.list_folder(f);
  }
  bool remove_empty_folder(const std::string& f) override { return inner_.remove_empty_folder(f); }
  std::uint64_t read(const std::string& name, std::uint64_t max_bytes,
                     const ByteSink& sink) override {
    std::uint64_t seen = 0;
    return inner_.read(name, max_bytes, [&](const char* d, std::size_t n) {
      seen += n;
      if (seen > after_ && !killed_) {
        if (freeze_) {
          sshd_.freeze_all();
        } else {
          sshd_.kill_all();
        }
        killed_ = true;
      }
      sink(d, n);
    });
  }
  std::optional<DropEntry> stat(const std::string& name) override { return inner_.stat(name); }
  void remove(const std::string& name) override { inner_.remove(name); }
  std::string move(const std::string& name, const std::string& to) override {
    return inner_.move(name, to);
  }
  void reset() override { inner_.reset(); }
  bool killed_ = false;

 private:
  SftpDrop& inner_;
  SshdServer& sshd_;
  std::uint64_t after_;
  bool freeze_;
};

}  // namespace

TEST_CASE(
    "integration: the server killed mid-transfer leaves no half file; the next poll takes it") {
  SftpFixture f;
  const std::string text = roster(20000);  // a few MB
  write_file(f.drop / "roster.txt", text);
  const std::filesystem::path staging = f.tmp / "state/staging/gen";

  SftpDrop sftp(options_for(f));
  KillingDrop killing(sftp, f.sshd, 256 * 1024);
  const std::vector<DropEntry> entries = sftp.list();
  REQUIRE(entries.size() == 1);
  try {
    const Folder held = Folder::open_without_links(staging, true);
    StagedFile::download(killing, entries[0], held, 1 << 30);
    FAIL("the download should have failed");
  } catch (const TransportError& e) {
    CHECK(e.retryable());
    CHECK(std::string(e.what()).find("Nothing was kept") != std::string::npos);
  }
  CHECK(killing.killed_);
  CHECK(f.staged().empty());  // no temporary or partial file left behind

  // The same through the intake: the poll fails, the ledger stays empty.
  f.sshd.start();
  const Config config = load_config(f.config);
  const auto store = open_sqlite_store((f.tmp / "roster.db").string());
  {
    SftpDrop sftp2(options_for(f));
    KillingDrop killing2(sftp2, f.sshd, 256 * 1024);
    FeedIntake intake(config, config.feed("gen"), *store, killing2);
    const FetchResult r = intake.fetch();
    CHECK(!r.error.empty());
    CHECK(store->ledger().recent("gen", 10).empty());
    CHECK(f.staged().empty());
  }
  // The server comes back: the file is taken whole.
  f.sshd.start();
  const ProcessResult r = f.fetch();
  INFO(r.out, r.err);
  CHECK(r.exit_status == 0);
  REQUIRE(f.staged().size() == 1);
  CHECK(sha256_hex(read_file(f.staged()[0])) == sha256_hex(text));
}

TEST_CASE("integration: a server that hangs mid-transfer times out after io_timeout") {
  SftpFixture f;
  write_file(f.drop / "roster.txt", roster(60000));  // ~4 MB: more than the pipe holds
  SftpOptions o = options_for(f);
  o.io_timeout = std::chrono::seconds(2);
  SftpDrop sftp(o);
  KillingDrop freezing(sftp, f.sshd, 64 * 1024, /*freeze=*/true);
  const std::vector<DropEntry> entries = sftp.list();
  REQUIRE(entries.size() == 1);
  const auto start = std::chrono::steady_clock::now();
  try {
    const Folder held = Folder::open_without_links(f.tmp / "state/staging/gen", true);
    StagedFile::download(freezing, entries[0], held, 1 << 30);
    FAIL("the download should have timed out");
  } catch (const TransportError& e) {
    CHECK(std::string(e.what()).find("sent nothing for 2 s (io_timeout)") != std::string::npos);
  }
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= std::chrono::seconds(2));
  CHECK(took < std::chrono::seconds(10));
  CHECK(f.staged().empty());
}

TEST_CASE("integration: a server trickling data is cut off after transfer_timeout") {
  // The server is frozen most of the time and let go in short bursts: every burst is progress,
  // so io_timeout never fires; transfer_timeout ends the download all the same.
  SftpFixture f;
  write_file(f.drop / "roster.txt", std::string(std::size_t{200} << 20, 'x'));
  SftpOptions o = options_for(f);
  o.io_timeout = std::chrono::seconds(2);
  o.transfer_timeout = std::chrono::seconds(3);
  SftpDrop sftp(o);
  const std::vector<DropEntry> entries = sftp.list();
  REQUIRE(entries.size() == 1);
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop) {
      f.sshd.freeze_all();
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      f.sshd.thaw_all();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    f.sshd.thaw_all();
  });
  const auto start = std::chrono::steady_clock::now();
  std::string error;
  try {
    const Folder held = Folder::open_without_links(f.tmp / "state/staging/gen", true);
    StagedFile::download(sftp, entries[0], held, std::uint64_t{1} << 30);
  } catch (const TransportError& e) {
    error = e.what();
    CHECK_FALSE(e.retryable());  // not again within the poll: it would take as long
  }
  const auto took = std::chrono::steady_clock::now() - start;
  stop = true;
  trickle.join();
  CHECK(error.find("took longer than 3 s (transfer_timeout)") != std::string::npos);
  CHECK(took >= std::chrono::seconds(3));
  CHECK(took < std::chrono::seconds(10));
  CHECK(f.staged().empty());
}

TEST_CASE(
    "integration: the same file polled twice is taken once; the same bytes renamed are a repeat") {
  SftpFixture f("        after: keep\n");
  const std::string text = roster(40);
  write_file(f.drop / "roster-mon.txt", text);
  ProcessResult r = f.run_once();
  INFO(r.out, r.err);
  CHECK(r.out.find("gen: taken roster-mon.txt") != std::string::npos);
  r = f.run_once();
  CHECK(r.out.find("nothing new") != std::string::npos);

  write_file(f.drop / "roster-tue.txt", text);
  r = f.run_once();
  CHECK(r.out.find("gen: repeat roster-tue.txt: the same bytes as roster-mon.txt (file 1, run 1); "
                   "not ingested again") != std::string::npos);
  const ProcessResult h = run_rosterd({"history", "--config", f.config.string()});
  CHECK(h.out.find("roster-tue.txt") == std::string::npos);  // no run for the repeat
  const ProcessResult listed = run_rosterd({"files", "--config", f.config.string()});
  CHECK(listed.out.find("file 2  ") != std::string::npos);
  CHECK(listed.out.find("gen  repeat  roster-tue.txt") != std::string::npos);
  CHECK(listed.out.find("gen  ingested  roster-mon.txt") != std::string::npos);
  CHECK(listed.out.find("run 1 (committed)") != std::string::npos);
  const auto store = open_sqlite_store((f.tmp / "roster.db").string());
  const auto files = store->ledger().recent("gen", 10);
  REQUIRE(files.size() == 2);
  CHECK(files[0].status == "repeat");
  CHECK(files[1].status == "ingested");
  CHECK(store->runs().history("gen", 10).size() == 1);
}

TEST_CASE("integration: a refused connection is retried, reported, and recovers") {
  SftpFixture f("        attempts: 2\n");
  write_file(f.drop / "roster.txt", roster(10));
  f.sshd.kill_all();
  ProcessResult r = f.fetch();
  CHECK(r.exit_status == 5);
  CHECK(r.out.find("cannot connect") != std::string::npos);
  CHECK(f.staged().empty());
  f.sshd.start();
  r = f.fetch();
  CHECK(r.exit_status == 0);
  CHECK(r.out.find("gen: taken roster.txt") != std::string::npos);
}

TEST_CASE("integration: a server that never answers times out") {
  // A socket that accepts TCP connections (the kernel's backlog) but never speaks SSH.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  TempDir tmp;
  write_file(tmp / "known_hosts", "");
  write_file(tmp / "key", "");
  SftpOptions o;
  o.host = "127.0.0.1";
  o.port = ntohs(addr.sin_port);
  o.user = "nobody";
  o.key_file = tmp / "key";
  o.known_hosts = tmp / "known_hosts";
  o.connect_timeout = std::chrono::seconds(1);
  SftpDrop drop(o);
  const auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(drop.list(), TransportError);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  ::close(fd);
}
