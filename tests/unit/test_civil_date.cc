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

TEST_CASE("date_format_problem accepts %y for the year and %b for the month") {
  CHECK_FALSE(date_format_problem("%m/%d/%y"));
  CHECK_FALSE(date_format_problem("%d %b %Y"));
  CHECK_FALSE(date_format_problem("%d-%b-%y"));
  CHECK(date_format_problem("%Y/%y/%m/%d"));  // two years
  CHECK(date_format_problem("%b %m %d %Y"));  // two months
  CHECK(has_two_digit_year("%m/%d/%y"));
  CHECK_FALSE(has_two_digit_year("%m/%d/%Y"));
  CHECK_FALSE(has_two_digit_year("%%y %m/%d/%Y"));  // a literal "%y"
}

TEST_CASE("parse_date refuses a two-digit year: it needs the as-of date") {
  CHECK_FALSE(parse_date("11/1/98", "%m/%d/%y"));
}

TEST_CASE("read_date places a two-digit year in the century that makes the date a past one") {
  const CivilDate as_of{2026, 12, 4};
  CHECK(read_date("11/1/98", "%m/%d/%y", as_of).date == CivilDate{1998, 11, 1});
  CHECK(read_date("4/2/15", "%m/%d/%y", as_of).date == CivilDate{2015, 4, 2});
  CHECK(read_date("1/1/00", "%m/%d/%y", as_of).date == CivilDate{2000, 1, 1});
  CHECK(read_date("12/31/99", "%m/%d/%y", as_of).date == CivilDate{1999, 12, 31});
  // The as-of year itself, up to the as-of date; a later day of it would be in the future.
  CHECK(read_date("12/4/26", "%m/%d/%y", as_of).date == CivilDate{2026, 12, 4});
  const DateReading future = read_date("12/5/26", "%m/%d/%y", as_of);
  CHECK_FALSE(future.date);
  CHECK(future.century_unclear);  // 2026-12-05 is tomorrow, 1926-12-05 a hundred years ago
  // 1966 is 60 years back: the oldest a two-digit year is read; 1965 is unclear, not guessed.
  CHECK(read_date("12/4/66", "%m/%d/%y", as_of).date == CivilDate{1966, 12, 4});
  const DateReading old = read_date("12/4/65", "%m/%d/%y", as_of);
  CHECK_FALSE(old.date);
  CHECK(old.century_unclear);
  CHECK(read_date("3/4/40", "%m/%d/%y", as_of).century_unclear);
  // Not a date at all: neither a date nor an unclear century.
  const DateReading bad = read_date("2/30/15", "%m/%d/%y", as_of);
  CHECK_FALSE(bad.date);
  CHECK_FALSE(bad.century_unclear);
  CHECK_FALSE(read_date("4/2/2015", "%m/%d/%y", as_of).date);
}

TEST_CASE("read_date across the century boundary of the as-of date") {
  // Read on 2001-03-01: "99" is 1999, "01" is 2001 up to March, then 1901 (unclear).
  const CivilDate as_of{2001, 3, 1};
  CHECK(read_date("5/6/99", "%m/%d/%y", as_of).date == CivilDate{1999, 5, 6});
  CHECK(read_date("2/28/01", "%m/%d/%y", as_of).date == CivilDate{2001, 2, 28});
  CHECK(read_date("3/2/01", "%m/%d/%y", as_of).century_unclear);
  CHECK(read_date("1/1/00", "%m/%d/%y", as_of).date == CivilDate{2000, 1, 1});
  // 29 February 2000 was a leap day; 1900 had none.
  CHECK(read_date("2/29/00", "%m/%d/%y", as_of).date == CivilDate{2000, 2, 29});
  CHECK(read_date("2/29/00", "%m/%d/%y", CivilDate{2000, 1, 1}).century_unclear);
  // Four-digit years ignore the as-of date.
  CHECK(read_date("2030-01-01", "%Y-%m-%d", as_of).date == CivilDate{2030, 1, 1});
}

TEST_CASE("month names, whole or short, and day-first layouts") {
  CHECK(parse_date("4 Feb 2015", "%d %b %Y") == CivilDate{2015, 2, 4});
  CHECK(parse_date("4 february 2015", "%d %b %Y") == CivilDate{2015, 2, 4});
  CHECK(parse_date("4-SEPT-2015", "%d-%b-%Y") == CivilDate{2015, 9, 4});
  CHECK(parse_date("4-Sep-2015", "%d-%b-%Y") == CivilDate{2015, 9, 4});
  CHECK(parse_date("May 31, 2015", "%b %d, %Y") == CivilDate{2015, 5, 31});
  CHECK_FALSE(parse_date("4 Fe 2015", "%d %b %Y"));
  CHECK_FALSE(parse_date("4 Febr 2015", "%d %b %Y"));
  CHECK_FALSE(parse_date("31 Jun 2015", "%d %b %Y"));
  CHECK(parse_date("04.02.2015", "%d.%m.%Y") == CivilDate{2015, 2, 4});
  CHECK(read_date("04/02/15", "%d/%m/%y", CivilDate{2026, 1, 1}).date == CivilDate{2015, 2, 4});
  CHECK(format_date({2015, 2, 4}, "%d-%b-%y") == "04-Feb-15");
}
