#include "core/local_time.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <optional>

namespace rosterd {
namespace {

std::mutex& tz_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

bool known_time_zone(const std::string& zone) {
  if (zone.empty() || zone.find("..") != std::string::npos || zone.front() == '/') return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(std::filesystem::path("/usr/share/zoneinfo") / zone, ec);
}

LocalTime local_time_in(const std::string& zone, std::int64_t unix) {
  std::lock_guard<std::mutex> lock(tz_mutex());
  std::optional<std::string> saved;
  if (const char* tz = std::getenv("TZ")) saved = tz;
  if (!zone.empty()) {
    ::setenv("TZ", zone.c_str(), 1);
    ::tzset();
  }
  const std::time_t t = static_cast<std::time_t>(unix);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  if (!zone.empty()) {
    if (saved) {
      ::setenv("TZ", saved->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }
  LocalTime out;
  out.date = CivilDate{tm.tm_year + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                       static_cast<unsigned>(tm.tm_mday)};
  out.weekday = tm.tm_wday;
  out.minutes = tm.tm_hour * 60 + tm.tm_min;
  return out;
}

}  // namespace rosterd
