// `expect: {students: "5200±2%"}` (planner/policy.h ExpectedCount): the first live set is held
// when it is far from the count the district confirmed; later sets are not gated.
#include <doctest/doctest.h>

#include "config/config.h"
#include "planner/decision.h"
#include "planner/policy.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

TEST_CASE("expected counts: the district's way of writing a count and its margin") {
  const auto e = parse_expected_count("5200±2%");
  REQUIRE(e.has_value());
  CHECK(e->count == 5200);
  CHECK(e->within_pct() == 2);
  CHECK(e->low() == 5096);
  CHECK(e->high() == 5304);
  CHECK(parse_expected_count("5,200 +- 2.5 %")->within_hundredths == 250);
  // Exact bounds: 9% of 900 is 81, so 981 is in and 982 out (no rounding past it).
  CHECK(parse_expected_count("900±9%")->high() == 981);
  CHECK(parse_expected_count("900±9%")->low() == 819);
  CHECK(parse_expected_count("10±15%")->low() == 9);  // 8.5 to 11.5: 9 to 11
  CHECK(parse_expected_count("10±15%")->high() == 11);
  CHECK(parse_expected_count("4,294,967,295±1%")->high() == 4294967295u);  // no overflow
  CHECK(parse_expected_count("1,234,567")->count == 1234567);
  CHECK(parse_expected_count(" 340 ± 5% ")->count == 340);
  const auto exact = parse_expected_count("1800");
  REQUIRE(exact.has_value());
  CHECK(exact->low() == 1800);
  CHECK(exact->high() == 1800);
  CHECK(parse_expected_count("10±100%")->low() == 0);
  for (const char* bad :
       {"",      "±2%",      "5200±",       "5200±2",        "5200 2%",       "5200±101%",
        "-5",    "52.5",     "5200±2%%",    "five thousand", "5200±2% or so", "99999999999",
        "0",     "0±5%",     "5,2,00",      "5200,",         "5,,200",        ",5200",
        "52,00", "5200±2.%", "5200±2.125%", "4294967296"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_expected_count(bad).has_value());
  }
}

TEST_CASE("expected counts: only the first set is gated, and only outside the margin") {
  DecisionInput in;
  in.check.rows_read = 5000;
  in.plan.added = 5000;
  in.expected_students = parse_expected_count("5200±2%");
  in.first_set = true;
  DecisionResult r = decide(in);
  CHECK(r.decision == Decision::held);
  REQUIRE(r.trips.size() == 1);
  CHECK(r.trips[0].name == "expect.students");
  CHECK(r.trips[0].explanation ==
        "the first file adds 5,000 students, outside the 5,096 to 5,304 the district confirmed "
        "(5,200 ±2%)");
  CHECK(r.trips[0].value == doctest::Approx(3.846).epsilon(0.001));
  in.plan.added = 5100;  // within 2%
  CHECK(decide(in).decision == Decision::committed);
  in.plan.added = 10400;  // two districts in one file
  CHECK(decide(in).decision == Decision::held);
  in.first_set = false;  // a roster is committed: the other safeguards take over
  CHECK(decide(in).decision == Decision::committed);
  in.first_set = true;
  in.test_mode = true;  // a test import reports what a live first set would do
  r = decide(in);
  CHECK(r.decision == Decision::dry_run);
  CHECK(r.trips.size() == 1);
}

TEST_CASE("expected counts: expect: takes students, and says what is wrong otherwise") {
  TempDir dir;
  const auto load = [&](const std::string& yaml) {
    return load_config(write_test_feed(dir.path(), "    expect: " + yaml + "\n", "live"));
  };
  CHECK(load("{students: \"5200±2%\"}").feed("gen").expect_students->count == 5200);
  CHECK(load("{students: 5200}").feed("gen").expect_students->within_hundredths == 0);
  CHECK_FALSE(
      load_config(write_test_feed(dir.path(), "", "live")).feed("gen").expect_students.has_value());
  CHECK_THROWS_WITH_AS(load("{students: \"about 5200\"}"),
                       doctest::Contains("expect.students: must be the count the district "
                                         "confirmed"),
                       ConfigError);
  // A kind's count needs the kind.
  CHECK_THROWS_WITH_AS(load("{guardian_links: 10}"),
                       doctest::Contains("expect.guardian_links: the feed does not take "
                                         "guardian_links (kinds:)"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(load("{staff: \"340±5%\"}"),
                       doctest::Contains("the feed does not take staff"), ConfigError);
  CHECK_THROWS_WITH_AS(load("{pupils: 5}"), doctest::Contains("is not a kind of the roster"),
                       ConfigError);
  CHECK_THROWS_WITH_AS(load("5200"), doctest::Contains("must map kinds to counts"), ConfigError);
}
