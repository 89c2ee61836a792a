#include "core/local_time.h"

#include <doctest/doctest.h>

using namespace rosterd;

TEST_CASE("wall-clock time in a named zone, daylight saving included") {
  // 2026-11-23T12:30:00Z is a Monday: 06:30 in Chicago (CST, UTC-6).
  const std::int64_t t = 1795437000;
  const LocalTime chicago = local_time_in("America/Chicago", t);
  CHECK(chicago.date == CivilDate{2026, 11, 23});
  CHECK(chicago.weekday == 1);
  CHECK(chicago.minutes == 6 * 60 + 30);
  CHECK(local_time_in("UTC", t).minutes == 12 * 60 + 30);
  // In July Chicago is on CDT (UTC-5): 2026-07-01T12:00:00Z is 07:00.
  CHECK(local_time_in("America/Chicago", 1782907200).minutes == 7 * 60);
  // Local midnight across the changes: 2026-03-08 (spring forward) and 2026-11-01 (fall back)
  // in Chicago: at 09:00 local, the day began at 00:00 local (CST, then CDT).
  CHECK(local_midnight_in("America/Chicago", 1772978400) == 1772949600);  // 2026-03-08 09:00 CDT
  CHECK(local_midnight_in("America/Chicago", 1793545200) == 1793509200);  // 2026-11-01 09:00 CST
  CHECK(utc_offset_in("America/Chicago", 1795437000) == -6 * 3600);
  CHECK(known_time_zone("Europe/Berlin"));
  CHECK_FALSE(known_time_zone("Mars/Olympus"));
  CHECK_FALSE(known_time_zone("../../etc/passwd"));
}
