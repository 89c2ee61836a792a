#include "core/local_time.h"

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include <chrono>
#include <map>
#include <mutex>

namespace rosterd {
namespace {

using Seconds = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

// Zones by name, loaded once (cctz reads tzdata's file, and keeps extending its transitions by
// the POSIX rule at the file's end, so dates past 2037 and slim tzdata are right). nullopt for a
// name tzdata does not know.
std::optional<cctz::time_zone> zone_named(const std::string& name) {
  static std::mutex m;
  static std::map<std::string, std::optional<cctz::time_zone>> zones;
  const std::lock_guard<std::mutex> lock(m);
  auto it = zones.find(name);
  if (it == zones.end()) {
    cctz::time_zone tz;
    std::optional<cctz::time_zone> loaded;
    if (name.empty()) {
      loaded = cctz::local_time_zone();  // the machine's own zone
    } else if (cctz::load_time_zone(name, &tz)) {
      loaded = tz;
    }
    it = zones.emplace(name, loaded).first;
  }
  return it->second;
}

// `zone` ("" = the machine's own), or UTC when tzdata does not know it (the configuration checks
// every zone at start-up, so that is only a zone removed from tzdata since).
cctz::time_zone zone_or_utc(const std::string& zone) {
  return zone_named(zone).value_or(cctz::utc_time_zone());
}

Seconds at(std::int64_t unix) {
  return Seconds(std::chrono::seconds(unix));
}

}  // namespace

bool known_time_zone(const std::string& zone) {
  if (zone.empty() || zone.find("..") != std::string::npos || zone.front() == '/') return false;
  return zone_named(zone).has_value();
}

std::int32_t utc_offset_in(const std::string& zone, std::int64_t unix) {
  return static_cast<std::int32_t>(zone_or_utc(zone).lookup(at(unix)).offset);
}

LocalTime local_time_in(const std::string& zone, std::int64_t unix) {
  const cctz::civil_second cs = cctz::convert(at(unix), zone_or_utc(zone));
  LocalTime out;
  out.date = CivilDate{static_cast<int>(cs.year()), static_cast<unsigned>(cs.month()),
                       static_cast<unsigned>(cs.day())};
  switch (cctz::get_weekday(cctz::civil_day(cs))) {
    case cctz::weekday::sunday:
      out.weekday = 0;
      break;
    case cctz::weekday::monday:
      out.weekday = 1;
      break;
    case cctz::weekday::tuesday:
      out.weekday = 2;
      break;
    case cctz::weekday::wednesday:
      out.weekday = 3;
      break;
    case cctz::weekday::thursday:
      out.weekday = 4;
      break;
    case cctz::weekday::friday:
      out.weekday = 5;
      break;
    case cctz::weekday::saturday:
      out.weekday = 6;
      break;
  }
  out.minutes = cs.hour() * 60 + cs.minute();
  return out;
}

std::int64_t local_midnight_in(const std::string& zone, std::int64_t unix) {
  const cctz::time_zone tz = zone_or_utc(zone);
  const cctz::civil_day day(cctz::convert(at(unix), tz));
  // The first instant of that local day: where midnight falls in a gap (a DST change at
  // midnight), the day begins at the gap's end.
  const cctz::time_zone::civil_lookup l = tz.lookup(cctz::civil_second(day));
  const Seconds start = l.kind == cctz::time_zone::civil_lookup::SKIPPED ? l.trans : l.pre;
  return start.time_since_epoch().count();
}

}  // namespace rosterd
