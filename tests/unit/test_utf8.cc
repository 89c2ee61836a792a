#include <doctest/doctest.h>

#include "core/utf8.h"

using namespace rosterd;

TEST_CASE("is_valid_utf8 follows RFC 3629") {
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("Andr\xC3\xA9s"));
  CHECK(is_valid_utf8("\xE2\x82\xAC"));            // euro sign
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));        // emoji
  CHECK_FALSE(is_valid_utf8("Andr\xE9s"));         // cp1252 e-acute
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  CHECK_FALSE(is_valid_utf8("\x80"));
}

TEST_CASE("display_safe escapes control characters and broken bytes") {
  CHECK(display_safe("Andr\xC3\xA9s") == "Andr\xC3\xA9s");
  CHECK(display_safe("a\x1b[31mb") == "a\\x1B[31mb");
  CHECK(display_safe("Andr\xE9s") == "Andr\\xE9s");
  CHECK(display_safe("x\ny") == "x\\x0Ay");
  CHECK(display_safe("\xC2\x9B") == "\\xC2\\x9B");  // C1 control (CSI)
}
