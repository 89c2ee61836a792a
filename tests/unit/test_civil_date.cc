#include <doctest/doctest.h>

#include "core/civil_date.h"

using namespace rosterd;

TEST_CASE("parse_date reads ISO and US formats and refuses non-dates") {
  CHECK(parse_date("2015-02-28", "%Y-%m-%d") == CivilDate{2015, 2, 28});
  CHECK(parse_date("1/5/2010", "%m/%d/%Y") == CivilDate{2010, 1, 5});
  CHECK(parse_date("01/05/2010", "%m/%d/%Y") == CivilDate{2010, 1, 5});
  CHECK(parse_date("2016-02-29", "%Y-%m-%d") == CivilDate{2016, 2, 29});
  CHECK_FALSE(parse_date("2015-02-29", "%Y-%m-%d"));  // not a leap year
  CHECK_FALSE(parse_date("2015-02-30", "%Y-%m-%d"));
  CHECK_FALSE(parse_date("2015-13-01", "%Y-%m-%d"));
  CHECK_FALSE(parse_date("2015-00-10", "%Y-%m-%d"));
  CHECK_FALSE(parse_date("15-02-01", "%Y-%m-%d"));
  CHECK_FALSE(parse_date("2015-02-01x", "%Y-%m-%d"));
  CHECK_FALSE(parse_date("2015/02/01", "%Y-%m-%d"));
  CHECK_FALSE(parse_date("", "%Y-%m-%d"));
  CHECK(parse_date("100%2015.3.4", "100%%%Y.%m.%d") == CivilDate{2015, 3, 4});
}

TEST_CASE("date_format_problem accepts %Y %m %d once each") {
  CHECK_FALSE(date_format_problem("%Y-%m-%d"));
  CHECK_FALSE(date_format_problem("%d.%m.%Y"));
  CHECK(date_format_problem("%Y-%m"));
  CHECK(date_format_problem("%Y-%m-%d %H"));
  CHECK(date_format_problem("%Y-%m-%d%"));
  CHECK(date_format_problem("%Y-%Y-%m-%d"));
}

TEST_CASE("age_on counts whole years") {
  CHECK(age_on({2010, 9, 1}, {2026, 9, 1}) == 16);
  CHECK(age_on({2010, 9, 2}, {2026, 9, 1}) == 15);
  CHECK(age_on({2030, 1, 1}, {2026, 9, 1}) < 0);
  CHECK(to_iso({2015, 3, 4}) == "2015-03-04");
}
