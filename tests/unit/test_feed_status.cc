// What `rosterd status` tells of a feed: the store's facts (a deadline passed, held runs), the
// answer's JSON both ways, and the state folder found in a configuration that no longer loads.
#include "ops/feed_status.h"

#include <doctest/doctest.h>

#include <fstream>

#include "core/error.h"
#include "pipeline/feed_poll.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

FeedStatus feed_named(const std::string& name, bool polling = false) {
  FeedStatus f;
  f.feed = name;
  f.polling = polling;
  return f;
}

}  // namespace

TEST_CASE(
    "status: a feed whose newest history entry is a missing-file notice is past its deadline") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "drop");
  const Config config = load_config(testing::write_test_feed(
      dir.path(),
      "    source: {local: {dir: drop}}\n"
      "    schedule: {expect_by: \"07:00\", timezone: UTC, expect_days: [sun, mon, tue, wed, "
      "thu, fri, sat]}\n",
      "live"));
  std::vector<FeedStatus> feeds{feed_named("gen")};
  add_store_facts(config, feeds);
  CHECK(feeds[0].store_problem.empty());
  CHECK(feeds[0].held_runs == std::size_t{0});
  CHECK(feeds[0].outbox == std::size_t{0});
  CHECK_FALSE(feeds[0].past_deadline);

  {
    const auto store = open_sqlite_store(config.store.sqlite.string());
    Mailer mailer(config, *store);
    const std::int64_t day = 1796342400;  // 2026-12-04 00:00 UTC
    REQUIRE(check_deadline(config.feed("gen"), *store, mailer, day + 8 * 3600));
  }
  feeds = {feed_named("gen")};
  add_store_facts(config, feeds);
  CHECK(feeds[0].past_deadline);
  CHECK(feeds[0].held_runs == std::size_t{0});
}

TEST_CASE("status: a paused feed says why, and so does one in a blackout window; JSON keeps it") {
  testing::TempDir dir;
  const Config config = load_config(testing::write_test_feed(dir.path()));
  std::vector<FeedStatus> feeds{feed_named("gen")};
  add_store_facts(config, feeds);
  CHECK(feeds[0].paused.empty());
  {
    const auto store = open_sqlite_store(config.store.sqlite.string());
    store->pauses().pause("gen", std::nullopt, "district asked",
                          Actor{"jo", ActionSource::cli, "", "district asked"});
  }
  feeds = {feed_named("gen")};
  add_store_facts(config, feeds);
  CHECK(feeds[0].paused ==
        "the feed is paused by jo (district asked): its files are checked and reported as test "
        "imports, nothing is committed");
  ServiceStatus status;
  status.feeds = feeds;
  CHECK(parse_status_json(status_json(status)).feeds.at(0).paused == feeds[0].paused);

  const Config blackout = load_config(testing::write_test_feed(
      dir.path(), "    school_year: {blackout: [\"01-01..12-31\"]}\n", "live"));
  {
    const auto store = open_sqlite_store(config.store.sqlite.string());
    REQUIRE(store->pauses().resume("gen", Actor{"jo", ActionSource::cli, "", ""}));
    CHECK_FALSE(store->pauses().resume("gen", Actor{"jo", ActionSource::cli, "", ""}));
    // A pause is over after its last day.
    store->pauses().pause("gen", CivilDate{2026, 7, 31}, "summer",
                          Actor{"jo", ActionSource::cli, "", ""});
    CHECK(store->pauses().in_force("gen", CivilDate{2026, 7, 31}));
    CHECK_FALSE(store->pauses().in_force("gen", CivilDate{2026, 8, 1}));
    store->pauses().resume("gen", Actor{"jo", ActionSource::cli, "", ""});
  }
  feeds = {feed_named("gen")};
  add_store_facts(blackout, feeds);
  CHECK(feeds[0].paused.starts_with("the school year's blackout 01-01..12-31"));
}

TEST_CASE("status: a store that cannot be opened is told in each feed, never thrown") {
  testing::TempDir dir;
  Config config = load_config(testing::write_test_feed(dir.path()));
  std::filesystem::create_directories(dir / "a-folder");
  config.store.sqlite = dir / "a-folder";  // a folder, not a database file
  std::vector<FeedStatus> feeds{feed_named("gen")};
  add_store_facts(config, feeds);
  CHECK_FALSE(feeds[0].store_problem.empty());
  CHECK_FALSE(feeds[0].held_runs);
}

TEST_CASE("status: the answer's JSON reads back as it was written") {
  ServiceStatus s;
  FeedStatus f;
  f.feed = "gen";
  f.polling = false;
  f.last_poll_at = "2026-12-04T07:00:00Z";
  f.last_poll = "took 1 file: run 3 held";
  f.next_poll_in = 3599;
  f.drop_failing = "sftp.example.org:22: connection refused \xff";
  f.drop_failing_since = "2026-12-04T02:00:03Z";
  f.holder = "rosterd@a:12";
  f.held_here = true;
  f.held_runs = 1;
  f.outbox = 2;
  f.past_deadline = true;
  s.feeds.push_back(f);
  s.feeds.push_back(feed_named("other", true));
  s.config_problem = "rosterd.yaml:3: bad";
  const ServiceStatus back = parse_status_json(status_json(s));
  REQUIRE(back.feeds.size() == 2);
  CHECK(back.feeds[0].feed == "gen");
  CHECK(back.feeds[0].last_poll == f.last_poll);
  CHECK(back.feeds[0].next_poll_in == 3599);
  // Invalid UTF-8 from a server is replaced, not a reason to fail the status.
  CHECK(back.feeds[0].drop_failing.starts_with("sftp.example.org:22: connection refused "));
  CHECK(back.feeds[0].failing());
  CHECK(back.feeds[0].drop_failing_since == "2026-12-04T02:00:03Z");
  CHECK(back.feeds[0].held_here);
  CHECK(back.feeds[0].held_runs == std::size_t{1});
  CHECK(back.feeds[0].outbox == std::size_t{2});
  CHECK(back.feeds[0].past_deadline);
  CHECK(back.feeds[1].polling);
  CHECK_FALSE(back.feeds[1].next_poll_in);
  CHECK_FALSE(back.feeds[1].held_runs);
  CHECK_FALSE(back.feeds[1].failing());
  CHECK(back.config_problem == "rosterd.yaml:3: bad");

  CHECK_THROWS_WITH_AS(parse_status_json("gen: idle\n"),
                       doctest::Contains("is not a rosterd status"), Error);
  CHECK_THROWS_AS(parse_status_json("{\"feeds\": [{\"feed\": 1}]}"), Error);
}

TEST_CASE("state_dir_of: the state folder of a file that loads, or no longer does") {
  testing::TempDir dir;
  const auto write = [&](const std::string& text) {
    std::ofstream(dir / "rosterd.yaml", std::ios::binary) << text;
    return dir / "rosterd.yaml";
  };
  CHECK(state_dir_of(write("state_dir: /var/lib/rosterd\nfeeds: {}\n")) == "/var/lib/rosterd");
  CHECK(state_dir_of(write("feeds: {}\n")) == dir / "state");
  CHECK(state_dir_of(write("state_dir: here # the state\nfeeds: [unclosed\n")) == dir / "here");
  CHECK(state_dir_of(write("feeds: [unclosed\nstate_dir: \"quoted dir\"\n")) == dir / "quoted dir");
  CHECK(state_dir_of(write("{{{\n")) == dir / "state");
  CHECK_THROWS_AS(state_dir_of(dir / "missing.yaml"), ConfigError);
}
