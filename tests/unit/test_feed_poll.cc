// The deadline check of a feed's poll with a clock the test moves: across daylight-saving
// changes and a clock jumping back over midnight, each local day is told at most once.
#include "pipeline/feed_poll.h"

#include <doctest/doctest.h>

#include <sstream>

#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

struct Deadline {
  testing::TempDir dir;
  Config config;
  std::unique_ptr<RosterStore> store;
  std::unique_ptr<Mailer> mailer;
  std::string told;  // every notice told, one a line

  explicit Deadline(const std::string& expect_by) {
    std::filesystem::create_directories(dir / "drop");
    config = load_config(testing::write_test_feed(
        dir.path(),
        "    source: {local: {dir: drop}}\n"
        "    schedule: {expect_by: \"" +
            expect_by +
            "\", timezone: America/Chicago, expect_days: [sun, mon, tue, wed, thu, fri, sat]}\n",
        "live"));
    store = open_sqlite_store((dir / "roster.db").string());
    mailer = std::make_unique<Mailer>(config, *store);
  }
  bool told_at(std::int64_t now) {
    const auto notice = check_deadline(config.feed("gen"), *store, *mailer, now);
    if (notice) told += *notice + "\n";
    return notice.has_value();
  }
};

}  // namespace

TEST_CASE("a deadline inside the hour daylight saving skips is told once, at 03:00") {
  Deadline d("02:30");  // 2026-03-08 in Chicago: 01:59 CST is followed by 03:00 CDT
  const std::int64_t midnight = 1772949600;  // 2026-03-08 00:00 CST
  CHECK_FALSE(d.told_at(midnight + 7140));   // 01:59 CST
  CHECK(d.told_at(midnight + 7200));         // 03:00 CDT: past 02:30, which never came
  CHECK_FALSE(d.told_at(midnight + 9000));   // 03:30 CDT: told already
  CHECK(d.told.find("no roster file had arrived by 02:30 America/Chicago") != std::string::npos);
  CHECK(d.told.find("on 2026-03-08") != std::string::npos);
}

TEST_CASE("the hour daylight saving repeats does not tell a day twice") {
  Deadline d("01:30");  // 2026-11-01 in Chicago: 01:00-02:00 comes twice (CDT, then CST)
  const std::int64_t midnight = 1793509200;  // 2026-11-01 00:00 CDT
  CHECK_FALSE(d.told_at(midnight + 3600));   // 01:00 CDT
  CHECK(d.told_at(midnight + 5400));         // 01:30 CDT
  CHECK_FALSE(d.told_at(midnight + 9000));   // 01:30 CST, the second time round
}

TEST_CASE("a clock jumping back over midnight tells no day twice, and misses none") {
  Deadline d("06:00");
  const std::int64_t monday = 1795437000;             // 2026-11-23 06:30 CST
  CHECK(d.told_at(monday));                           // Monday told
  CHECK(d.told_at(monday + 86400 + 1800));            // Tuesday 07:00: told
  CHECK_FALSE(d.told_at(monday + 62400));             // back to Monday 23:50: told already
  CHECK_FALSE(d.told_at(monday + 86400 + 2400));      // Tuesday 07:10 again: told already
  CHECK_FALSE(d.told_at(monday + 2 * 86400 - 2400));  // Wednesday 05:50: not yet due
  CHECK(d.told_at(monday + 2 * 86400 - 600));         // Wednesday 06:20: told
  const std::string history = d.told;
  CHECK(history.find("on 2026-11-23") != std::string::npos);
  CHECK(history.find("on 2026-11-24") != std::string::npos);
}
