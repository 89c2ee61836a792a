// The commands an operator reaches for, run as the built binary: check-config, history as JSON,
// each command's --help, the man page (rendered by groff) and bash completion (run by bash).
#include <doctest/doctest.h>

#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/command_spec.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// What bash completion offers for the command line `words` (the last one being completed).
std::set<std::string> complete(const std::filesystem::path& script,
                               const std::vector<std::string>& words) {
  std::string array;
  for (const std::string& w : words)
    array += " '" + w + "'";
  const std::string program = "source '" + script.string() + "'; COMP_WORDS=(" + array +
                              "); COMP_CWORD=" + std::to_string(words.size() - 1) +
                              "; _rosterd; printf '%s\\n' \"${COMPREPLY[@]}\"";
  const ProcessResult r = run_process("/bin/bash", {"--norc", "-c", program});
  REQUIRE_MESSAGE(r.exit_status == 0, r.err);
  std::set<std::string> offered;
  std::size_t start = 0;
  for (std::size_t nl; (nl = r.out.find('\n', start)) != std::string::npos; start = nl + 1) {
    if (nl > start) offered.insert(r.out.substr(start, nl - start));
  }
  return offered;
}

}  // namespace

TEST_CASE("check-config: a valid configuration exits 0 and touches nothing") {
  TempDir dir;
  const auto config = write_test_feed(dir.path());
  const ProcessResult r = run_process(ROSTERD_BIN, {"check-config", "--config", config.string()});
  CHECK_MESSAGE(r.exit_status == 0, r.err);
  CHECK(r.out.find("the configuration is valid: 1 feed (gen: test") != std::string::npos);
  CHECK(r.err.empty());
  // No store, no state folder: check-config reads, never creates.
  CHECK_FALSE(std::filesystem::exists(dir / "roster.db"));
  CHECK_FALSE(std::filesystem::exists(dir / "state"));
}

TEST_CASE("check-config: a code map that is missing or broken exits 2 naming the file") {
  TempDir dir;
  const auto config = write_test_feed(dir.path());
  std::filesystem::remove(dir / "ref/campus_map.txt");
  ProcessResult r = run_process(ROSTERD_BIN, {"check-config", "--config", config.string()});
  CHECK(r.exit_status == 2);
  CHECK(r.out.empty());
  CHECK_MESSAGE(r.err.find("campus_map.txt") != std::string::npos, r.err);

  // A repeated district code in a map: the map's own line is named.
  write(dir / "ref/campus_map.txt", "DistrictCode|PlatformCode\nLES|101\nLES|102\n");
  r = run_process(ROSTERD_BIN, {"check-config", "--config", config.string()});
  CHECK(r.exit_status == 2);
  CHECK_MESSAGE(r.err.find("campus_map.txt") != std::string::npos, r.err);
  CHECK_MESSAGE(r.err.find("campus_map.txt:3:") != std::string::npos, r.err);

  // A key the schema does not know, with its line.
  write(dir / "ref/campus_map.txt", "DistrictCode|PlatformCode\nLES|101\n");
  write(config, read_file(config) + "bogus_key: 1\n");
  r = run_process(ROSTERD_BIN, {"check-config", "--config", config.string()});
  CHECK(r.exit_status == 2);
  CHECK_MESSAGE(r.err.find("bogus_key") != std::string::npos, r.err);
  CHECK_FALSE(std::filesystem::exists(dir / "roster.db"));
}

TEST_CASE("history --format json: one object a run, newest first, with its counts") {
  TempDir dir;
  const auto config = write_test_feed(dir.path());
  write(dir / "night1.txt", roster_text({{"1000000001", "L1", "Ada", "", "Lovelace", "2015-03-04",
                                          "05", "LES", "", "A", "80", "90"},
                                         {"1000000002", "L2", "Alan", "", "Turing", "2015-05-06",
                                          "5", "LES", "", "A", "", ""}}));
  REQUIRE(run_process(ROSTERD_BIN, {"ingest", "--config", config.string(), "--as-of",
                                    kGeneratorAsOf, (dir / "night1.txt").string()})
              .exit_status <= 1);
  write(dir / "night2.txt", roster_text({{"1000000001", "L1", "Ada", "", "Lovelace", "2015-03-04",
                                          "05", "LES", "", "A", "81", "90"},
                                         {"1000000002", "L2", "Alan", "", "Turing", "2015-05-06",
                                          "5", "LES", "", "A", "", ""}}));
  REQUIRE(run_process(ROSTERD_BIN, {"ingest", "--config", config.string(), "--as-of",
                                    kGeneratorAsOf, (dir / "night2.txt").string()})
              .exit_status <= 1);

  const ProcessResult r =
      run_process(ROSTERD_BIN, {"history", "--config", config.string(), "--format", "json"});
  REQUIRE_MESSAGE(r.exit_status == 0, r.err);
  const auto runs = nlohmann::json::parse(r.out);
  REQUIRE(runs.is_array());
  REQUIRE(runs.size() == 2);
  CHECK(runs[0]["run"] == 2);
  CHECK(runs[1]["run"] == 1);
  CHECK(runs[0]["feed"] == "gen");
  CHECK(runs[0]["kind"] == "ingest");
  CHECK(runs[0]["state"] == "dry-run");  // a test feed never commits
  CHECK(runs[1]["rows_read"] == 2);
  CHECK(runs[1]["added"] == 2);
  CHECK(runs[0]["file"] == "night2.txt");
  CHECK(runs[0]["rolled_back_by"].is_null());

  const ProcessResult one = run_process(
      ROSTERD_BIN, {"history", "--config", config.string(), "--format", "json", "--last", "1"});
  CHECK(nlohmann::json::parse(one.out).size() == 1);
  const ProcessResult bad =
      run_process(ROSTERD_BIN, {"history", "--config", config.string(), "--format", "xml"});
  CHECK(bad.exit_status == 2);
}

TEST_CASE("COMMAND --help: each command's own usage and every option it takes") {
  for (const CommandSpec& spec : command_specs()) {
    CAPTURE(spec.name);
    const ProcessResult r = run_process(ROSTERD_BIN, {std::string(spec.name), "--help"});
    CHECK(r.exit_status == 0);
    CHECK(r.out.starts_with("usage: rosterd " + std::string(spec.name) + " "));
    for (const OptionSpec& o : spec.options) {
      CAPTURE(o.name);
      CHECK(r.out.find("\n  " + std::string(o.name)) != std::string::npos);
    }
    // An option the command does not take is refused, pointing at this help.
    const ProcessResult bad = run_process(ROSTERD_BIN, {std::string(spec.name), "--no-such"});
    CHECK(bad.exit_status == 2);
    CHECK(bad.err.find("See 'rosterd " + std::string(spec.name) + " --help'") != std::string::npos);
  }
  const ProcessResult help = run_process(ROSTERD_BIN, {"help", "status"});
  CHECK(help.exit_status == 0);
  CHECK(help.out.starts_with("usage: rosterd status "));
  CHECK(run_process(ROSTERD_BIN, {"help", "frobnicate"}).exit_status == 2);
}

TEST_CASE("the man page renders without a warning and tells every command and option") {
  TempDir dir;
  const ProcessResult page = run_process(ROSTERD_BIN, {"help", "--man"});
  REQUIRE(page.exit_status == 0);
  write(dir / "rosterd.8", page.out);
  // -ww: every warning; -z: no output, only the check. groff-base is on every Debian system
  // that has man-db.
  const ProcessResult groff =
      run_process("/usr/bin/groff", {"-man", "-ww", "-z", (dir / "rosterd.8").string()});
  CHECK(groff.exit_status == 0);
  CHECK_MESSAGE(groff.err.empty(), groff.err);
  const ProcessResult text = run_process(
      "/usr/bin/groff", {"-man", "-Tutf8", "-P-c", "-P-b", "-P-u", (dir / "rosterd.8").string()},
      {"MANWIDTH=200"});
  REQUIRE(text.exit_status == 0);
  for (const CommandSpec& spec : command_specs()) {
    CAPTURE(spec.name);
    CHECK(text.out.find("rosterd " + std::string(spec.name)) != std::string::npos);
  }
  CHECK(text.out.find("EXIT STATUS") != std::string::npos);
  // Options are written as \- so that they are plain ASCII hyphens on the page.
  CHECK(text.out.find("--config FILE") != std::string::npos);
}

TEST_CASE("bash completion offers commands, each command's options and their values") {
  TempDir dir;
  const ProcessResult script = run_process(ROSTERD_BIN, {"help", "--bash-completion"});
  REQUIRE(script.exit_status == 0);
  write(dir / "rosterd", script.out);
  CHECK(complete(dir / "rosterd", {"rosterd", "hist"}) == std::set<std::string>{"history"});
  CHECK(complete(dir / "rosterd", {"rosterd", "st"}) ==
        std::set<std::string>{"status", "store-check", "student"});
  CHECK(complete(dir / "rosterd", {"rosterd", "history", "--f"}) ==
        std::set<std::string>{"--feed", "--format"});
  CHECK(complete(dir / "rosterd", {"rosterd", "history", "--format", ""}) ==
        std::set<std::string>{"text", "json"});
  CHECK(complete(dir / "rosterd", {"rosterd", "status", "--log-level", "w"}) ==
        std::set<std::string>{"warning"});
  CHECK(complete(dir / "rosterd", {"rosterd", "store-check", "--"}) ==
        std::set<std::string>{"--config", "--quick", "--log-level", "--help"});
}

TEST_CASE("a command run as root on the service's folders is refused before it makes a file") {
  if (::geteuid() != 0) {
    MESSAGE("skipped: only root can be refused this way");
    return;
  }
  TempDir dir;
  const auto config = write_test_feed(dir.path());
  // The service's user owns the store's folder (as StateDirectory= makes it): nobody here.
  const std::filesystem::path var = dir / "var";
  std::filesystem::create_directories(var);
  REQUIRE(::chown(var.c_str(), 65534, 65534) == 0);
  write(config, "state_dir: var/state\n" + read_file(config));
  std::string text = read_file(config);
  text.replace(text.find("sqlite: roster.db"), 17, "sqlite: var/roster.db");
  write(config, text);

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"history", "--config", config.string()},
        std::vector<std::string>{"ingest", "--config", config.string(), "/dev/null"},
        std::vector<std::string>{"fetch", "--config", config.string()}}) {
    CAPTURE(args[0]);
    const ProcessResult r = run_process(ROSTERD_BIN, args);
    CHECK(r.exit_status == 2);
    CHECK_MESSAGE(r.err.find("and this command runs as root") != std::string::npos, r.err);
    CHECK(r.err.find("runuser -u nobody -- rosterd") != std::string::npos);
  }
  CHECK(std::filesystem::is_empty(var));  // no store, no journal, no state folder made by root
  // Read-only work that touches neither folder still runs.
  CHECK(run_process(ROSTERD_BIN, {"check-config", "--config", config.string()}).exit_status == 0);
}

TEST_CASE("the configuration the package installs is valid, with the tables it ships") {
  TempDir dir;
  const std::filesystem::path source(ROSTERD_SOURCE_DIR);
  std::filesystem::copy(source / "conf/ref", dir / "ref");
  std::string text = read_file(source / "packaging/rosterd.yaml");
  // Its paths are the service's (/var/lib/rosterd); here a folder of the test's.
  for (std::size_t at; (at = text.find("/var/lib/rosterd")) != std::string::npos;)
    text.replace(at, 16, (dir / "var").string());
  write(dir / "rosterd.yaml", text);
  const ProcessResult r =
      run_process(ROSTERD_BIN, {"check-config", "--config", (dir / "rosterd.yaml").string()});
  CHECK_MESSAGE(r.exit_status == 0, r.err);
  CHECK(r.out.find("1 feed (example-isd: test") != std::string::npos);
  // Its conffiles list names every file it installs in /etc/rosterd.
  const std::string conffiles = read_file(source / "packaging/debian/conffiles");
  CHECK(conffiles.find("/etc/rosterd/rosterd.yaml\n") != std::string::npos);
  for (const auto& entry : std::filesystem::directory_iterator(source / "conf/ref")) {
    CAPTURE(entry.path());
    CHECK(conffiles.find("/etc/rosterd/ref/" + entry.path().filename().string() + "\n") !=
          std::string::npos);
  }
}
