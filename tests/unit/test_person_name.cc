#include "core/person_name.h"

#include <doctest/doctest.h>

using namespace rosterd;

TEST_CASE("names fold case, accents, blanks, hyphens and apostrophes") {
  CHECK(fold_name("José-María O'Neil") == "josemariaoneil");
  CHECK(fold_name("jose maria oneil") == "josemariaoneil");
  CHECK(fold_name("ZOË") == "zoe");
  CHECK(fold_name("Æsa Strauß") == "aesastrauss");
  CHECK(fold_name("Łukasz Żółć") == "lukaszzolc");
  CHECK(fold_name("  Anne-Marie  ") == "annemarie");
  CHECK(fold_name("D’Angelo") == "dangelo");  // a typographic apostrophe, U+2019
  CHECK(fold_name("St. John") == "stjohn");
  // Twins: different first names stay different.
  CHECK(fold_name("Ava") != fold_name("Eva"));
  CHECK(fold_name("") == "");
  CHECK(fold_name("\xff\xfe") == "");                    // broken bytes are dropped, never crash
  CHECK(fold_name("Jose\xCC\x81") == "jose");            // a decomposed é (e + U+0301)
  CHECK(fold_name("Anne\xC2\xA0Marie") == "annemarie");  // a no-break space
  // Letters fold_name has no table for are kept: these names differ.
  CHECK(fold_name("Hả") == "hả");
  CHECK(fold_name("Hả") != fold_name("Hạ"));
  CHECK(fold_name("Пётр") == "Пётр");
}

TEST_CASE("a folded name is appended after what the key holds, and only its own bytes") {
  std::string key = "lee\x1f";
  append_folded_name(key, "Æsa-Strauß \xF0\x9F\x98\x80 \xC3");  // an emoji kept, a cut byte dropped
  CHECK(key ==
        "lee\x1f"
        "aesastrauss\xF0\x9F\x98\x80");
  append_folded_name(key, "");
  CHECK(key ==
        "lee\x1f"
        "aesastrauss\xF0\x9F\x98\x80");
  append_folded_name(key, "-- ");  // nothing to keep: the key is as it was
  CHECK(key ==
        "lee\x1f"
        "aesastrauss\xF0\x9F\x98\x80");
}
