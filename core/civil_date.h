// Calendar dates as rosters carry them: birth dates and "as of" dates, no time of day.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rosterd {

struct CivilDate {
  int year = 1970;
  unsigned month = 1;
  unsigned day = 1;

  friend bool operator==(const CivilDate&, const CivilDate&) = default;
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

// Checks a strftime-like date format: it must hold a year (%Y four digits, or %y two), a month
// (%m as a number, or %b as an English name: "Jan", "January", "Sept") and a day (%d), once
// each; other characters are literals; %% is a literal '%'. Returns an error text, or nullopt
// when the format is usable.
std::optional<std::string> date_format_problem(std::string_view format);

// Whether the format has a two-digit year (%y), whose century is read from an as-of date.
bool has_two_digit_year(std::string_view format);

// Parses `text` with a format that passed date_format_problem and has no %y. %m and %d take one
// or two digits ("1/5/2010" and "01/05/2010" both read with "%m/%d/%Y"); %Y takes four. Returns
// nullopt when the text does not match or is no real calendar date (2015-02-30).
std::optional<CivilDate> parse_date(std::string_view text, std::string_view format);

// How far back a two-digit year may place a date: a birth date read with %y is at most this
// many years before the as-of date, or its century is called unclear.
inline constexpr int kTwoDigitYearSpan = 60;

struct DateReading {
  std::optional<CivilDate> date;
  // The text is a date with a two-digit year, but neither century gives a date in the
  // kTwoDigitYearSpan years up to the as-of date (one is after it, the other too long before):
  // reported, never guessed.
  bool century_unclear = false;
};

// parse_date for any format that passed date_format_problem. A two-digit year is read as the
// latest year ending in those digits that puts the date on or before `as_of` ("11/1/98" is
// 1998 and "4/2/15" is 2015 when read in 2026); when that date is more than kTwoDigitYearSpan
// years before `as_of`, the century is unclear and `date` is empty.
DateReading read_date(std::string_view text, std::string_view format, CivilDate as_of);

// "2015-02-28": how rosterd stores and compares dates, whatever the feed's format.
std::string to_iso(const CivilDate& d);
void append_iso(std::string& out, const CivilDate& d);

// Writes `d` in a format that passed date_format_problem (%m, %d and %y with two digits, %b as
// "Jan").
std::string format_date(const CivilDate& d, std::string_view format);

// The current time as "2026-11-23T12:00:00Z" (UTC, seconds): how logs and the store stamp events.
std::string utc_timestamp();

// `unix` seconds as "2026-11-23T12:00:00Z".
std::string utc_timestamp(std::int64_t unix);

// Seconds since the epoch of "2026-11-23T12:00:00Z" (what utc_timestamp writes); nullopt when
// the text is not such a timestamp.
std::optional<std::int64_t> parse_utc_timestamp(const std::string& text);

// Seconds since the epoch, now, by the process's clock (core/clock.h: a test may move it on).
std::int64_t unix_now();

// The same as "20261123T120000Z": safe in file names.
std::string utc_timestamp_compact();
std::string utc_timestamp_compact(std::int64_t unix);

// Today's date in UTC, by the process's clock.
CivilDate today_utc();
// The UTC date of `unix` seconds since the epoch.
CivilDate utc_date(std::int64_t unix);

// Whole years from `birth` to `on` (the age on that day); negative when `on` is before `birth`.
int age_on(const CivilDate& birth, const CivilDate& on);

}  // namespace rosterd
