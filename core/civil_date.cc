#include "core/civil_date.h"

#include "core/clock.h"

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

}  // namespace

std::optional<std::string> date_format_problem(std::string_view format) {
  int years = 0, months = 0, days = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (i + 1 == format.size()) return "it ends with a lone '%'";
    const char c = format[++i];
    if (c == 'Y') {
      ++years;
    } else if (c == 'm') {
      ++months;
    } else if (c == 'd') {
      ++days;
    } else if (c != '%') {
      return std::string("it uses %") + c + ", but only %Y, %m, %d and %% are supported";
    }
  }
  if (years != 1 || months != 1 || days != 1) {
    return "it must contain %Y, %m and %d exactly once each (e.g. \"%Y-%m-%d\" or \"%m/%d/%Y\")";
  }
  return std::nullopt;
}

std::optional<CivilDate> parse_date(std::string_view text, std::string_view format) {
  int year = -1, month = -1, day = -1;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < format.size(); ++i) {
    const char f = format[i];
    if (f == '%' && i + 1 < format.size() && format[i + 1] != '%') {
      const char c = format[++i];
      std::optional<int> v;
      if (c == 'Y') v = read_number(text, pos, 4, 4);
      if (c == 'm' || c == 'd') v = read_number(text, pos, 1, 2);
      if (!v) return std::nullopt;
      (c == 'Y' ? year : c == 'm' ? month : day) = *v;
      continue;
    }
    if (f == '%') ++i;  // "%%" matches one '%'
    if (pos >= text.size() || text[pos] != f) return std::nullopt;
    ++pos;
  }
  if (pos != text.size() || year < 0 || month < 0 || day < 0) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return CivilDate{year, static_cast<unsigned>(month), static_cast<unsigned>(day)};
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
