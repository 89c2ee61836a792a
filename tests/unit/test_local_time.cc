#include "core/local_time.h"

#include <doctest/doctest.h>
#include <stdlib.h>

#include <fstream>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

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

TEST_CASE("a deadline in 2040: past tzdata's last listed transition, the zone's rule goes on") {
  // Debian's tzdata lists transitions up to 2037 and states the rule after: 2040-07-01T12:00Z is
  // 07:00 CDT in Chicago (UTC-5), 2040-12-01T12:00Z 06:00 CST (UTC-6).
  CHECK(local_time_in("America/Chicago", 2224756800).minutes == 7 * 60);
  CHECK(utc_offset_in("America/Chicago", 2224756800) == -5 * 3600);
  CHECK(local_time_in("America/Chicago", 2237976000).minutes == 6 * 60);
  // 2040-03-11, the second Sunday of March: at 09:00 CDT the local day began at 00:00 CST.
  CHECK(local_midnight_in("America/Chicago", 2215087200) == 2215058400);
}

TEST_CASE("a zone whose rule changes in the future, compiled from source (zic, TZDIR)") {
  testing::TempDir dir;
  // "Test/Future": UTC-6 all year until 2030, then daylight saving from the second Sunday of
  // March to the first of November. As Debian's tzdata is written: transitions listed up to 2037,
  // and the rule after that only as the POSIX string at the file's end.
  std::ofstream(dir / "future.zi") << "Rule TF 2030 max - Mar Sun>=8 2:00 1:00 D\n"
                                      "Rule TF 2030 max - Nov Sun>=1 2:00 0 S\n"
                                      "Zone Test/Future -6:00 - TFST 2030 Jan 1 0:00\n"
                                      "                 -6:00 TF TF%sT\n";
  const auto zic = testing::run_process(
      "/usr/sbin/zic",
      {"-b", "fat", "-d", (dir / "zoneinfo").string(), (dir / "future.zi").string()});
  INFO(zic.err);
  REQUIRE(zic.exit_status == 0);
  ::setenv("TZDIR", (dir / "zoneinfo").c_str(), 1);
  CHECK(known_time_zone("Test/Future"));
  CHECK(local_time_in("Test/Future", 1875009600).minutes == 6 * 60);  // 2029-06-01T12:00Z
  CHECK(local_time_in("Test/Future", 1938081600).minutes == 7 * 60);  // 2031-06-01, DST
  CHECK(local_time_in("Test/Future", 1953892800).minutes == 6 * 60);  // 2031-12-01
  CHECK(local_time_in("Test/Future", 2382523200).minutes == 7 * 60);  // 2045-07-01, DST
  ::unsetenv("TZDIR");
}
