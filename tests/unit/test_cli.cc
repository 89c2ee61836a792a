#include <doctest/doctest.h>

#include <sstream>

#include "core/error.h"
#include "daemon/cli.h"
#include "daemon/command_line.h"

using namespace rosterd;

TEST_CASE("CommandLine reads options, flags and positionals") {
  const CommandLine cl({"--config", "a.yaml", "--format=json", "--dry", "file.txt", "--", "--odd"},
                       {"--config", "--format"}, {"--dry"});
  CHECK(cl.value("--config") == "a.yaml");
  CHECK(cl.value("--format") == "json");
  CHECK(cl.flag("--dry"));
  CHECK_FALSE(cl.value("--feed"));
  CHECK(cl.positional() == std::vector<std::string>{"file.txt", "--odd"});
  CHECK_THROWS_AS(CommandLine({"--bogus"}, {}, {}), UsageError);
  CHECK_THROWS_AS(CommandLine({"--config"}, {"--config"}, {}), UsageError);
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
