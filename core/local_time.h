// Wall-clock time in a named time zone (an IANA name such as "America/Chicago", from the
// system's tzdata), for schedules that districts state in their own local time.
#pragma once

#include <cstdint>
#include <string>

#include "core/civil_date.h"

namespace rosterd {

struct LocalTime {
  CivilDate date;
  int weekday = 0;  // 0 = Sunday
  int minutes = 0;  // since local midnight
};

// `unix` seconds as wall-clock time in `zone` ("" = the system's local zone). Thread-safe: the
// zone is switched under a lock (the C library keeps one process-wide zone).
LocalTime local_time_in(const std::string& zone, std::int64_t unix);

// True when tzdata knows `zone` (/usr/share/zoneinfo/ZONE exists).
bool known_time_zone(const std::string& zone);

}  // namespace rosterd
