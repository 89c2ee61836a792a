// Runs the built `rosterd check` on generated rosters and asserts exact counts.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/log.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

ProcessResult check(const std::filesystem::path& config, const std::filesystem::path& roster,
                    const std::string& format = "json") {
  return run_process(ROSTERD_BIN, {"check", "--config", config.string(), "--feed", "gen",
                                   "--format", format, "--as-of", kGeneratorAsOf, roster.string()});
}

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("integration: check reports exactly the planted discrepancies of every row-level code") {
  TempDir dir;
  const auto config = write_test_feed(dir.path());
  GeneratorOptions o;
  o.clean_rows = 2000;
  o.inject = every_row_code(3);
  const GeneratedRoster g = generate_roster(o);
  write(dir / "roster.txt", g.text);

  const ProcessResult r = check(config, dir / "roster.txt");
  INFO(r.err);
  CHECK(r.exit_status == 1);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["decision"] == "dry-run");
  CHECK(j["counts"]["rows_read"] == g.rows);
  CHECK(j["counts"]["rows_rejected"] == g.rows_rejected);
  CHECK(j["counts"]["rows_warned"] == g.rows_warned);
  std::size_t total = 0;
  for (const auto& [code, n] : g.expected) {
    CAPTURE(code_name(code));
    CHECK(j["discrepancies"].value(std::string(code_name(code)), 0) == n);
    total += n;
  }
  CHECK(j["discrepancies"].size() == g.expected.size());  // no code that was not planted
  CHECK(j["rows"].size() == total);
  for (const auto& row : j["rows"]) {
    CHECK(row["line"].get<int>() >= 2);
    CHECK_FALSE(row["message"].get<std::string>().empty());
  }
}

TEST_CASE("integration: a clean roster exits 0, text and JSON") {
  TempDir dir;
  const auto config = write_test_feed(dir.path());
  GeneratorOptions o;
  o.clean_rows = 500;
  write(dir / "clean.txt", generate_roster(o).text);
  const ProcessResult json = check(config, dir / "clean.txt");
  CHECK(json.exit_status == 0);
  CHECK(nlohmann::json::parse(json.out)["counts"]["rows_read"] == 500);
  const ProcessResult text = check(config, dir / "clean.txt", "text");
  CHECK(text.exit_status == 0);
  CHECK(text.out.find("No discrepancies") != std::string::npos);
  CHECK(text.err.empty());
}

TEST_CASE("integration: file-level refusals exit 3 and name the code") {
  TempDir dir;
  const auto config = write_test_feed(dir.path());
  GeneratorOptions o;
  o.clean_rows = 10;
  const std::string good = generate_roster(o).text;
  const std::string header = good.substr(0, good.find('\n') + 1);
  const struct {
    const char* name;
    std::string text;
    const char* code;
  } cases[] = {
      {"empty", "", "empty_file"},
      {"header-only", header, "empty_file"},
      {"missing-column", "StudentStateID|LegalLastName\n1|x\n", "missing_column"},
      {"duplicate-column", header.substr(0, header.size() - 1) + "|Grade\n", "duplicate_column"},
      {"binary", good + std::string("\x1f\x8b\x08\x00\x00\x00", 6), "unreadable"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    write(dir / c.name, c.text);
    const ProcessResult r = check(config, dir / c.name);
    CHECK(r.exit_status == 3);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["decision"] == "refused");
    CHECK(j["refusal"]["code"] == c.code);
    CHECK(j["discrepancies"][c.code] == 1);
  }
}

TEST_CASE("integration: configuration and usage errors exit 2 with the key and line") {
  TempDir dir;
  write_test_feed(dir.path());
  write(dir / "bad.yaml", "feeds:\n  gen:\n    format: {delimiter: \"||\"}\n");
  write(dir / "r.txt", "x\n");
  const ProcessResult r = run_process(
      ROSTERD_BIN, {"check", "--config", (dir / "bad.yaml").string(), (dir / "r.txt").string()});
  CHECK(r.exit_status == 2);
  CHECK(r.out.empty());
  CHECK(r.err.find("bad.yaml:3: feeds.gen.format.delimiter: must be one character") !=
        std::string::npos);

  const ProcessResult missing =
      run_process(ROSTERD_BIN, {"check", "--config", (dir / "rosterd.yaml").string(),
                                (dir / "no-such-roster.txt").string()});
  CHECK(missing.exit_status == 2);
  CHECK(missing.err.find("cannot open roster file") != std::string::npos);
}

TEST_CASE("integration: the bundled example runs") {
  const std::string src = ROSTERD_SOURCE_DIR;
  const ProcessResult r =
      run_process(ROSTERD_BIN, {"check", "--config", src + "/conf/rosterd.example.yaml", "--as-of",
                                "2026-11-23", src + "/examples/demo-roster.txt"});
  CHECK(r.exit_status == 1);
  CHECK(r.out.find("Rows read 30, accepted 20 (3 with warnings), rejected 10") !=
        std::string::npos);
}

TEST_CASE("integration: a secret file other users can read is warned about, naming the key") {
  TempDir dir;
  write(dir / "sftp.password", "s3cret\n");
  write(dir / "known_hosts", "");
  std::filesystem::permissions(dir / "sftp.password", std::filesystem::perms(0644));
  const auto config = write_test_feed(dir.path(),
                                      "    source:\n      sftp:\n        host: 127.0.0.1\n"
                                      "        user: sis\n        password_file: sftp.password\n"
                                      "        known_hosts: known_hosts\n");
  write(dir / "r.txt", std::string(kDefaultHeader) + "\n");
  ProcessResult r =
      run_process(ROSTERD_BIN, {"check", "--config", config.string(), (dir / "r.txt").string()});
  CHECK(r.err.find("event=config.secret_readable key=feeds.gen.source.sftp.password_file") !=
        std::string::npos);
  CHECK(r.err.find("s3cret") == std::string::npos);
  std::filesystem::permissions(dir / "sftp.password", std::filesystem::perms(0600));
  r = run_process(ROSTERD_BIN, {"check", "--config", config.string(), (dir / "r.txt").string()});
  CHECK(r.err.find("config.secret_readable") == std::string::npos);
}

TEST_CASE(
    "integration: --log-level sets what is logged; under the journal each line has its priority") {
  TempDir dir;
  const auto config = write_test_feed(dir.path());
  GeneratorOptions o;
  o.clean_rows = 20;
  write(dir / "clean.txt", generate_roster(o).text);
  const std::vector<std::string> args = {"check",   "--config",     config.string(),
                                         "--as-of", kGeneratorAsOf, (dir / "clean.txt").string()};
  CHECK(run_process(ROSTERD_BIN, args).err.empty());  // commands log warnings and errors only
  std::vector<std::string> info = args;
  info.push_back("--log-level");
  info.push_back("info");
  const ProcessResult told = run_process(ROSTERD_BIN, info);
  CHECK(told.exit_status == 0);
  CHECK(told.err.find("level=info event=check.done") != std::string::npos);
  CHECK(told.err.find("ts=") == 0);  // no priority prefix: stderr is not the journal
  const ProcessResult wrong = run_process(ROSTERD_BIN, {"check", "--log-level", "loud"});
  CHECK(wrong.exit_status == 2);
  CHECK(wrong.err.find("--log-level takes debug, info, warning or error, not \"loud\"") !=
        std::string::npos);

  // systemd hands the journal's stream as JOURNAL_STREAM=DEVICE:INODE: stderr being that stream,
  // every line starts with its syslog priority, which journald strips and keeps.
  const std::filesystem::path journal = dir / "journal";
  write(journal, "");
  struct stat st {};
  REQUIRE(::stat(journal.c_str(), &st) == 0);
  ChildProcess under_journal(
      ROSTERD_BIN, info,
      {"JOURNAL_STREAM=" + std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)},
      journal.string());
  CHECK(under_journal.wait(30000) == 0);
  std::ifstream in(journal);
  std::string line;
  REQUIRE(std::getline(in, line));
  CHECK(line.starts_with("<6>ts="));
  CHECK(line.find("level=info event=check.done") != std::string::npos);
  CHECK(rosterd::log::journal_priority_prefix(rosterd::log::Level::error) == "<3>");
  CHECK(rosterd::log::journal_priority_prefix(rosterd::log::Level::warning) == "<4>");
  CHECK(rosterd::log::journal_priority_prefix(rosterd::log::Level::debug) == "<7>");
}

TEST_CASE(
    "integration: a store that cannot be reached exits 7, not 2 like a mistake in the config") {
  TempDir dir;
  const auto config = write_test_feed(dir.path(), "", "live");
  // A PostgreSQL store on a port nothing listens on.
  std::string text;
  {
    std::ifstream in(config);
    std::ostringstream s;
    s << in.rdbuf();
    text = s.str();
  }
  const std::string sqlite = "store: {sqlite: roster.db}";
  text.replace(text.find(sqlite), sqlite.size(),
               "store: {postgresql: {conninfo: \"host=127.0.0.1 port=1 dbname=x user=x "
               "connect_timeout=5\"}}");
  write(config, text);
  const ProcessResult r = run_process(ROSTERD_BIN, {"history", "--config", config.string()});
  CHECK(r.exit_status == 7);
  CHECK(r.err.find("rosterd: error: ") == 0);
}
