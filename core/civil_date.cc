#include "core/civil_date.h"

#include "core/clock.h"

#include <array>
#include <chrono>
#include <ctime>

namespace rosterd {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Reads between min_digits and max_digits digits at text[pos]; advances pos.
std::optional<int> read_number(std::string_view text, std::size_t& pos, int min_digits,
                               int max_digits) {
  int value = 0;
  int n = 0;
  while (n < max_digits && pos < text.size() && is_digit(text[pos])) {
    value = value * 10 + (text[pos] - '0');
    ++pos;
    ++n;
  }
  if (n < min_digits) return std::nullopt;
  return value;
}

constexpr std::array<std::string_view, 12> kMonthNames = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Reads an English month name at text[pos], whole ("March") or cut to three letters ("Mar") or,
// for September, four ("Sept"), case-insensitive; advances pos.
std::optional<int> read_month_name(std::string_view text, std::size_t& pos) {
  std::size_t n = 0;
  while (pos + n < text.size() && ((lower(text[pos + n]) >= 'a' && lower(text[pos + n]) <= 'z')))
    ++n;
  if (n < 3) return std::nullopt;
  for (std::size_t m = 0; m < kMonthNames.size(); ++m) {
    const std::string_view name = kMonthNames[m];
    if (n > name.size() || (n != 3 && n != name.size() && !(m == 8 && n == 4))) continue;
    bool same = true;
    for (std::size_t i = 0; i < n && same; ++i)
      same = lower(text[pos + i]) == name[i];
    if (!same) continue;
    pos += n;
    return static_cast<int>(m + 1);
  }
  return std::nullopt;
}

// The parts of a date as the text gives them, before the century of a two-digit year is known.
struct DateParts {
  int year = -1;
  bool two_digit_year = false;
  int month = -1;
  int day = -1;
};

std::optional<DateParts> read_parts(std::string_view text, std::string_view format) {
  DateParts parts;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    const char f = format[i];
    if (f == '%' && i + 1 < format.size() && format[i + 1] != '%') {
      const char c = format[++i];
      std::optional<int> v;
      if (c == 'Y') v = read_number(text, pos, 4, 4);
      if (c == 'y') v = read_number(text, pos, 2, 2);
      if (c == 'm' || c == 'd') v = read_number(text, pos, 1, 2);
      if (c == 'b') v = read_month_name(text, pos);
      if (!v) return std::nullopt;
      if (c == 'Y' || c == 'y') {
        parts.year = *v;
        parts.two_digit_year = c == 'y';
      } else if (c == 'd') {
        parts.day = *v;
      } else {
        parts.month = *v;
      }
      continue;
    }
    if (f == '%') ++i;  // "%%" matches one '%'
    if (pos >= text.size() || text[pos] != f) return std::nullopt;
    ++pos;
  }
  if (pos != text.size() || parts.year < 0 || parts.month < 0 || parts.day < 0) return std::nullopt;
  return parts;
}

std::optional<CivilDate> make_date(int year, int month, int day) {
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return CivilDate{year, static_cast<unsigned>(month), static_cast<unsigned>(day)};
}

// "Jan" for 1.
std::string month_abbreviation(unsigned month) {
  if (month < 1 || month > 12) return "???";
  std::string name(kMonthNames[month - 1].substr(0, 3));
  name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

}  // namespace

std::optional<std::string> date_format_problem(std::string_view format) {
  int years = 0, months = 0, days = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (i + 1 == format.size()) return "it ends with a lone '%'";
    const char c = format[++i];
    if (c == 'Y' || c == 'y') {
      ++years;
    } else if (c == 'm' || c == 'b') {
      ++months;
    } else if (c == 'd') {
      ++days;
    } else if (c != '%') {
      return std::string("it uses %") + c + ", but only %Y, %y, %m, %b, %d and %% are supported";
    }
  }
  if (years != 1 || months != 1 || days != 1) {
    return "it must contain a year (%Y or %y), a month (%m or %b) and a day (%d) exactly once "
           "each (e.g. \"%Y-%m-%d\", \"%m/%d/%y\" or \"%d %b %Y\")";
  }
  return std::nullopt;
}

bool has_two_digit_year(std::string_view format) {
  for (std::size_t i = 0; i + 1 < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (format[i + 1] == 'y') return true;
    ++i;  // skip the conversion (or the second '%' of "%%")
  }
  return false;
}

std::optional<CivilDate> parse_date(std::string_view text, std::string_view format) {
  const auto parts = read_parts(text, format);
  if (!parts || parts->two_digit_year) return std::nullopt;
  return make_date(parts->year, parts->month, parts->day);
}

DateReading read_date(std::string_view text, std::string_view format, CivilDate as_of) {
  DateReading reading;
  const auto parts = read_parts(text, format);
  if (!parts) return reading;
  if (!parts->two_digit_year) {
    reading.date = make_date(parts->year, parts->month, parts->day);
    return reading;
  }
  // The latest year ending in the two digits, not after the as-of year.
  int year = as_of.year - ((as_of.year - parts->year) % 100 + 100) % 100;
  auto date = make_date(year, parts->month, parts->day);
  if (!date) {
    // 29 February of a year that is no leap year may be one a century earlier (2000 and 1900
    // differ): look there before calling the date invalid.
    date = make_date(year - 100, parts->month, parts->day);
    if (!date) return reading;
    year -= 100;
  }
  if (*date > as_of) {
    year -= 100;
    date = make_date(year, parts->month, parts->day);
    if (!date) {  // 29 February: a leap year now, none a century before, and too old anyway
      reading.century_unclear = true;
      return reading;
    }
  }
  if (age_on(*date, as_of) > kTwoDigitYearSpan) {
    reading.century_unclear = true;
    return reading;
  }
  reading.date = date;
  return reading;
}

void append_iso(std::string& out, const CivilDate& d) {
  char buf[16];
  const int y = d.year < 0 ? 0 : d.year > 9999 ? 9999 : d.year;
  buf[0] = static_cast<char>('0' + y / 1000);
  buf[1] = static_cast<char>('0' + y / 100 % 10);
  buf[2] = static_cast<char>('0' + y / 10 % 10);
  buf[3] = static_cast<char>('0' + y % 10);
  buf[4] = '-';
  buf[5] = static_cast<char>('0' + d.month / 10 % 10);
  buf[6] = static_cast<char>('0' + d.month % 10);
  buf[7] = '-';
  buf[8] = static_cast<char>('0' + d.day / 10 % 10);
  buf[9] = static_cast<char>('0' + d.day % 10);
  out.append(buf, 10);
}

std::string to_iso(const CivilDate& d) {
  std::string out;
  append_iso(out, d);
  return out;
}

std::string format_date(const CivilDate& d, std::string_view format) {
  std::string out;
  const std::string iso = to_iso(d);
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '%' && i + 1 < format.size()) {
      const char c = format[++i];
      if (c == 'Y')
        out += iso.substr(0, 4);
      else if (c == 'y')
        out += iso.substr(2, 2);
      else if (c == 'b')
        out += month_abbreviation(d.month);
      else if (c == 'm')
        out += iso.substr(5, 2);
      else if (c == 'd')
        out += iso.substr(8, 2);
      else
        out += c;  // "%%"
      continue;
    }
    out += format[i];
  }
  return out;
}

std::string utc_timestamp() {
  return utc_timestamp(unix_now());
}

std::string utc_timestamp(std::int64_t unix) {
  const auto t = static_cast<std::time_t>(unix);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<std::int64_t> parse_utc_timestamp(const std::string& text) {
  std::tm tm{};
  const char* end = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(::timegm(&tm));
}

std::int64_t unix_now() {
  return process_clock().now();
}

std::string utc_timestamp_compact() {
  return utc_timestamp_compact(unix_now());
}

std::string utc_timestamp_compact(std::int64_t unix) {
  std::string s = utc_timestamp(unix);
  std::erase(s, '-');
  std::erase(s, ':');
  return s;
}

CivilDate today_utc() {
  return utc_date(unix_now());
}

CivilDate utc_date(std::int64_t unix) {
  const std::chrono::sys_days day =
      std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(unix)));
  const std::chrono::year_month_day ymd{day};
  return CivilDate{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                   static_cast<unsigned>(ymd.day())};
}

int age_on(const CivilDate& birth, const CivilDate& on) {
  int age = on.year - birth.year;
  if (on.month < birth.month || (on.month == birth.month && on.day < birth.day)) --age;
  return age;
}

}  // namespace rosterd
