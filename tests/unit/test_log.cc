#include <doctest/doctest.h>

#include "core/log.h"

using namespace rosterd;

TEST_CASE("log lines are logfmt with quoting") {
  CHECK(log::format_line(log::Level::info, "check.done", {{"feed", "demo-isd"}, {"rows", "12"}}) ==
        "level=info event=check.done feed=demo-isd rows=12");
  CHECK(log::format_line(log::Level::warning, "x", {{"why", "two words \"q\""}}) ==
        "level=warning event=x why=\"two words \\\"q\\\"\"");
  CHECK(log::format_line(log::Level::error, "x", {{"v", "a\nb"}}) ==
        "level=error event=x v=\"a\\\\x0Ab\"");
}
