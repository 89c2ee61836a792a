// Wall-clock time in a named time zone (an IANA name such as "America/Chicago", from the
// system's tzdata through libcctz), for schedules that districts state in their own local time.
// Dates past the last transition a tzdata file lists (2037 in Debian's) follow the POSIX rule at
// its end, as do slim tzdata files; TZDIR names another tzdata folder.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/civil_date.h"

namespace rosterd {

struct LocalTime {
  CivilDate date;
  int weekday = 0;  // 0 = Sunday
  int minutes = 0;  // since local midnight
};

// `unix` seconds as wall-clock time in `zone` ("" = the machine's local zone). Named zones are
// read from their tzdata files, never by switching TZ: thread-safe. A zone tzdata does not know
// is taken as UTC (the configuration refuses one at start-up).
LocalTime local_time_in(const std::string& zone, std::int64_t unix);

// The zone's offset from UTC at `unix`, in seconds (CST: -21600).
std::int32_t utc_offset_in(const std::string& zone, std::int64_t unix);

// The instant local midnight began, on the local day that contains `unix` (right across DST
// changes).
std::int64_t local_midnight_in(const std::string& zone, std::int64_t unix);

// True when tzdata knows `zone` (a readable file under /usr/share/zoneinfo, or TZDIR).
bool known_time_zone(const std::string& zone);

}  // namespace rosterd
