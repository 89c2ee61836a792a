#include <doctest/doctest.h>

#include "parsers/windows1252.h"

using namespace rosterd;

TEST_CASE("windows-1252 transcodes to UTF-8") {
  std::string out;
  CHECK(append_windows1252_as_utf8(out, "Andr\xE9s \x80 \x9C"));
  CHECK(out == "Andr\xC3\xA9s \xE2\x82\xAC \xC5\x93");
  std::string bad;
  CHECK_FALSE(append_windows1252_as_utf8(bad, "a\x81"));
}
