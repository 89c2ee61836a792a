#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "cli/cli.h"
#include "cli/command_line.h"
#include "cli/command_spec.h"
#include "core/error.h"
#include "store/roster_store.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

TEST_CASE("CommandLine reads the options its command declares, and no other") {
  const CommandSpec spec{"demo",
                         {"demo --config FILE [--format text|json] [--dry] ARG"},
                         "a demo",
                         "A demo.",
                         {{"--config", "FILE", "the configuration"},
                          {"--format", "text|json", "the format"},
                          {"--dry", "", "dry"}}};
  const CommandLine cl({"--config", "a.yaml", "--format=json", "--dry", "file.txt", "--", "--odd"},
                       spec);
  CHECK(cl.value("--config") == "a.yaml");
  CHECK(cl.value("--format") == "json");
  CHECK(cl.flag("--dry"));
  CHECK_FALSE(cl.value("--feed"));
  CHECK(cl.positional() == std::vector<std::string>{"file.txt", "--odd"});
  CHECK(cl.usage() == "rosterd demo --config FILE [--format text|json] [--dry] ARG");
  CHECK_THROWS_WITH_AS(CommandLine({"--bogus"}, spec),
                       "demo has no option --bogus. See 'rosterd demo --help'.", UsageError);
  CHECK_THROWS_WITH_AS(CommandLine({"--config"}, spec), "option --config needs a value.",
                       UsageError);
  CHECK_THROWS_WITH_AS(CommandLine({"--dry=yes"}, spec),
                       "option --dry takes no value. See 'rosterd demo --help'.", UsageError);
}

TEST_CASE("run_cli: usage errors exit 2 with one line on stderr") {
  std::ostringstream out, err;
  CHECK(run_cli({"frobnicate"}, out, err) == 2);
  CHECK(err.str() ==
        "rosterd: error: unknown command \"frobnicate\". Run 'rosterd --help' for the commands.\n");
  std::ostringstream out2, err2;
  CHECK(run_cli({"check", "x.txt"}, out2, err2) == 2);
  CHECK(err2.str().find("--config FILE is required") != std::string::npos);
  std::ostringstream out3, err3;
  CHECK(run_cli({"--help"}, out3, err3) == 0);
  CHECK(out3.str().find("usage: rosterd COMMAND") == 0);
}

namespace {

// Runs `rosterd ARGS` in-process; (exit status, stdout, stderr).
struct Cli {
  int status = 0;
  std::string out, err;
};
Cli cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Cli r;
  r.status = run_cli(args, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

}  // namespace

TEST_CASE("show: an approved run says it was approved; a missing-file notice says what it is") {
  testing::TempDir dir;
  const std::string config = testing::write_test_feed(dir.path(), "", "live").string();
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 40; ++i)
    rows.push_back({std::to_string(1000000000 + i), "L", "Ava", "", "Lee" + std::to_string(i),
                    "2015-12-15", "5", "LES", "", "A", "", ""});
  std::ofstream(dir / "a.txt") << testing::roster_text(rows);
  rows.resize(30);  // 10 of 40 withdrawn: held
  std::ofstream(dir / "b.txt") << testing::roster_text(rows);
  const Cli first = cli(
      {"ingest", "--config", config, "--as-of", testing::kGeneratorAsOf, (dir / "a.txt").string()});
  INFO(first.out, first.err);
  REQUIRE(first.status == 0);  // clean
  REQUIRE(cli({"ingest", "--config", config, "--as-of", testing::kGeneratorAsOf,
               (dir / "b.txt").string()})
              .status == 4);
  CHECK(cli({"show", "--config", config, "2"})
            .out.find(
                "Safeguards tripped (the run is held, nothing is committed until someone approves "
                "it)") != std::string::npos);
  REQUIRE(cli({"approve", "--config", config, "2"}).status == 0);
  const Cli approved = cli({"show", "--config", config, "2"});
  CHECK(approved.out.find("Decision: committed") != std::string::npos);
  CHECK(approved.out.find("Safeguards tripped (the run was held, then approved and committed)") !=
        std::string::npos);
  CHECK(approved.out.find("the run is held") == std::string::npos);

  {
    const auto store = open_sqlite_store((dir / "roster.db").string());
    REQUIRE(store->runs().record_notice("gen", RunKind::missing, "2026-11-23",
                                        "no roster file had arrived by 07:00 America/Chicago"));
  }
  const Cli missing = cli({"show", "--config", config, "3"});
  CHECK(missing.status == 0);
  CHECK(missing.out ==
        "rosterd notice for feed gen, entry 3 (" +
            missing.out.substr(missing.out.find('(') + 1, 20) +
            ")\n  MISSING: no roster file had arrived by 07:00 America/Chicago on 2026-11-23.\n"
            "  No file was read and nothing was committed; the platform keeps the last committed "
            "roster.\n");
  CHECK(missing.out.find("every row passed") == std::string::npos);
}

TEST_CASE("every command's usage names exactly the options it declares") {
  for (const CommandSpec& spec : command_specs()) {
    CAPTURE(spec.name);
    std::set<std::string> in_usage;
    for (std::string_view line : spec.usage) {
      CHECK(line.starts_with(std::string(spec.name) + " "));
      for (std::size_t at = line.find("--"); at != std::string_view::npos;
           at = line.find("--", at + 2)) {
        std::size_t end = at + 2;
        while (end < line.size() &&
               (std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '-')) {
          ++end;
        }
        in_usage.insert(std::string(line.substr(at, end - at)));
        at = end - 2;
      }
    }
    std::set<std::string> declared;
    for (const OptionSpec& o : spec.options) {
      CHECK_MESSAGE(declared.insert(std::string(o.name)).second, o.name, " declared twice");
      CHECK_FALSE(o.help.empty());
    }
    CHECK(in_usage == declared);
    CHECK_FALSE(spec.summary.empty());
    CHECK_FALSE(spec.description.empty());
  }
}
