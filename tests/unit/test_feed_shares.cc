// Feeds spread across the services that share one PostgreSQL store (pipeline/feed_shares.h):
// each service runs its share, one leaving hands its feeds over at their next poll, one coming
// back takes its share again, and no feed is ever run by two. Three services in one process,
// each with its own connections and name, on the harness's real server.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "pipeline/feed_shares.h"
#include "pipeline/store_access.h"
#include "store/feed_holds.h"
#include "store/pg_db.h"
#include "store/roster_store.h"
#include "store/store_support.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

constexpr int kFeeds = 30;

std::string feed(int i) {
  return "district" + std::to_string(i);
}

// One poll of every feed by each service (or each of `only`): who ran what.
std::map<std::string, std::vector<std::string>> poll_all(
    const Config& config, std::map<std::string, std::unique_ptr<FeedShares>>& services,
    const std::set<std::string>& only = {}) {
  std::map<std::string, std::vector<std::string>> ran;
  for (auto& [name, leases] : services) {
    if (!only.empty() && only.count(name) == 0) continue;
    for (int i = 0; i < kFeeds; ++i) {
      const FeedShares::Answer a = leases->hold(config, feed(i));
      REQUIRE(a.state != FeedShares::State::unreachable);
      if (a.state == FeedShares::State::held) ran[name].push_back(feed(i));
    }
  }
  return ran;
}

// Whether every feed is run by exactly one service.
bool each_once(const std::map<std::string, std::vector<std::string>>& ran) {
  std::map<std::string, int> runs;
  for (const auto& [name, feeds] : ran)
    for (const std::string& f : feeds)
      ++runs[f];
  return runs.size() == kFeeds &&
         std::all_of(runs.begin(), runs.end(), [](const auto& r) { return r.second == 1; });
}

// Polls until every feed is run by exactly one service: a service that left is seen gone once
// the server has ended its connection's backend, a moment after it closed.
std::map<std::string, std::vector<std::string>> poll_until_settled(
    const Config& config, std::map<std::string, std::unique_ptr<FeedShares>>& services) {
  auto ran = poll_all(config, services);
  for (int i = 0; i < 100 && !each_once(ran); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ran = poll_all(config, services);
  }
  return ran;
}

// A service's key, as FeedShares takes it (when no other service's name hashes alike).
std::uint32_t key_of(std::string_view name) {
  return static_cast<std::uint32_t>(share_hash(name));
}

// Every feed run by exactly one service.
void check_each_once(const std::map<std::string, std::vector<std::string>>& ran) {
  std::map<std::string, int> runs;
  for (const auto& [name, feeds] : ran)
    for (const std::string& f : feeds)
      ++runs[f];
  CHECK(runs.size() == kFeeds);
  for (const auto& [f, n] : runs) {
    CAPTURE(f);
    CHECK(n == 1);
  }
}

// A fresh database on the harness's server, and a configuration that stores there.
struct SharedStore {
  TempDir dir;
  PostgresServer& server = shared_postgres_server();
  std::string db = server.create_database();
  Config config = parse_config("store:\n  postgresql:\n    conninfo: \"" + server.conninfo(db) +
                                   "\"\n    password_file: " + server.password_file().string() +
                                   "\nfeeds:\n  district0: {mode: test}\n",
                               "rosterd.yaml", dir.path());
};

// Services a, b and c, looking the others up at every poll, with `workers` workers each.
std::map<std::string, std::unique_ptr<FeedShares>> three_services(std::size_t workers) {
  std::map<std::string, std::unique_ptr<FeedShares>> services;
  for (const char* name : {"rosterd@a:1", "rosterd@b:2", "rosterd@c:3"})
    services[name] = std::make_unique<FeedShares>(name, std::chrono::milliseconds(0), workers);
  return services;
}

}  // namespace

TEST_CASE("feed shares: three services split the feeds, hand over and take back<Postgres>") {
  SharedStore shared;
  const Config& config = shared.config;
  auto services = three_services(0);

  // The first round: a service that polls before the others have said they are there runs
  // what will be their share (the run lock keeps two from running a feed at once). From the
  // second, every feed is its share's, and stays so.
  poll_all(config, services);
  const auto shares = poll_all(config, services);
  check_each_once(shares);
  REQUIRE(shares.size() == 3);
  for (const auto& [name, feeds] : shares) {
    CAPTURE(name);
    CHECK(feeds.size() >= 5);  // about a third of 30 each (rendezvous hashing)
    CHECK(feeds.size() <= 15);
  }
  CHECK(poll_all(config, services) == shares);
  // No lock a feed is held between polls: one a service.
  const auto locks = shared.server.run_psql(
      shared.db,
      {"-At", "-c",
       "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid IN "
       "(1380930374, 1380930377) AND database = (SELECT oid FROM pg_database WHERE datname "
       "= current_database())"});
  CHECK(locks.out == "3\n");

  // c leaves (its connections close): a and b split its feeds at their next poll.
  const std::vector<std::string> of_c = shares.at("rosterd@c:3");
  services.erase("rosterd@c:3");
  auto two = poll_until_settled(config, services);
  check_each_once(two);
  for (const auto& [name, feeds] : shares) {
    if (name == "rosterd@c:3") continue;
    // Each keeps its own and gains some of c's.
    for (const std::string& f : feeds)
      CHECK(std::find(two[name].begin(), two[name].end(), f) != two[name].end());
  }
  CHECK(two["rosterd@a:1"].size() + two["rosterd@b:2"].size() == kFeeds);

  // c comes back: from its first poll on, it has its share again, the same feeds.
  services["rosterd@c:3"] =
      std::make_unique<FeedShares>("rosterd@c:3", std::chrono::milliseconds(0));
  poll_all(config, services);  // a and b poll before c says it is there
  const auto back = poll_all(config, services);
  check_each_once(back);
  CHECK(back.at("rosterd@c:3") == of_c);
  CHECK(back == shares);
}

TEST_CASE("feed shares: a feed ranks its services the same way in every process") {
  // Rendezvous hashing depends only on the feed's name and the services' keys.
  const std::vector<std::uint32_t> keys{7, 1000, 123456789};
  std::map<std::uint32_t, int> counts;
  for (int i = 0; i < 3000; ++i) {
    const std::uint32_t owner = feed_share(feed(i), keys);
    ++counts[owner];
    // Without the owner, the feed goes to another; without another, it stays.
    std::vector<std::uint32_t> others;
    for (std::uint32_t k : keys)
      if (k != owner) others.push_back(k);
    CHECK(feed_share(feed(i), others) != owner);
    for (std::uint32_t gone : others) {
      std::vector<std::uint32_t> rest;
      for (std::uint32_t k : keys)
        if (k != gone) rest.push_back(k);
      CHECK(feed_share(feed(i), rest) == owner);
    }
  }
  for (const auto& [key, n] : counts) {
    CAPTURE(key);
    CHECK(n > 800);  // about 1,000 each
    CHECK(n < 1200);
  }
}

TEST_CASE(
    "feed shares: a process that is no service stands by; a service keeps to its share<Postgres>") {
  PostgresServer& server = shared_postgres_server();
  const std::string db = server.create_database();
  auto store = open_postgres_store({server.conninfo(db), server.password()});
  // No service there: the process takes the feed (its lease and run lock), as before shares.
  CHECK_FALSE(not_ours(*store, "alone").has_value());  // a feed none of the checks below polls

  // A service elsewhere says it is there: every feed is its share, and this process (a cron
  // job's `run --once`) stands by, naming it.
  PgDb elsewhere(server.conninfo(db), server.password(), "rosterd@elsewhere:1");
  FeedHolds(elsewhere, "rosterd@elsewhere:1").announce(key_of("rosterd@elsewhere:1"));
  auto cron = open_postgres_store({server.conninfo(db), server.password()});
  const auto why = not_ours(*cron, "district2");
  REQUIRE(why.has_value());
  CHECK(*why == "standby: rosterd@elsewhere:1 runs this feed (ask that instance to poll it now)");

  // This process says it is a service too: the feeds of its share are its own to settle (the
  // run lock taken), the others still the other service's.
  PgDb here(server.conninfo(db), server.password(), instance_name());
  FeedHolds(here, instance_name()).announce(key_of(instance_name()));
  const std::vector<std::uint32_t> keys{key_of("rosterd@elsewhere:1"), key_of(instance_name())};
  int mine = 0;
  for (int i = 0; i < 20; ++i) {
    auto poll = open_postgres_store({server.conninfo(db), server.password()});
    const bool ours = feed_share(feed(i), keys) == keys[1];
    CAPTURE(feed(i));
    CHECK(not_ours(*poll, feed(i)).has_value() == !ours);
    mine += ours ? 1 : 0;
  }
  CHECK(mine > 0);
  CHECK(mine < 20);
}

TEST_CASE("feed shares: a busy service's feed goes to the first free service in its rank") {
  const std::vector<std::uint32_t> keys{7, 1000, 123456789};
  for (int i = 0; i < 300; ++i) {
    CAPTURE(feed(i));
    std::vector<SharingService> services;
    for (std::uint32_t k : keys)
      services.push_back({k, "rosterd@" + std::to_string(k), false});
    const std::uint32_t share = feed_share(feed(i), keys);
    CHECK(feed_service(feed(i), services).key == share);
    // Its share's service busy: the one of the others that ranks first, the same one the feed
    // would go to were the busy one gone.
    std::vector<std::uint32_t> free_keys;
    for (SharingService& s : services) {
      s.busy = s.key == share;
      if (!s.busy) free_keys.push_back(s.key);
    }
    CHECK(feed_service(feed(i), services).key == feed_share(feed(i), free_keys));
    // Another busy as well: the last free one. All busy: the share's own.
    for (SharingService& s : services)
      s.busy = s.key != free_keys.back();
    CHECK(feed_service(feed(i), services).key == free_keys.back());
    for (SharingService& s : services)
      s.busy = true;
    CHECK(feed_service(feed(i), services).key == share);
  }
}

TEST_CASE(
    "feed shares: while a service's workers all run feeds, the others run its share<Postgres>") {
  SharedStore shared;
  const Config& config = shared.config;
  auto services = three_services(2);  // two workers each
  poll_all(config, services);
  const auto shares = poll_all(config, services);
  check_each_once(shares);
  REQUIRE(shares.size() == 3);

  // One run under way: a still has a worker free and keeps its share.
  FeedShares& a = *services.at("rosterd@a:1");
  a.run_started();
  CHECK(poll_all(config, services) == shares);
  // Both its workers running feeds: a asks nothing (no worker of it is free) and b and c take
  // its feeds, each those that rank it next, keeping their own.
  a.run_started();
  const std::set<std::string> b_and_c{"rosterd@b:2", "rosterd@c:3"};
  auto busy = poll_all(config, services, b_and_c);
  check_each_once(busy);
  const std::vector<std::uint32_t> b_c{key_of("rosterd@b:2"), key_of("rosterd@c:3")};
  for (const std::string& name : b_and_c) {
    CAPTURE(name);
    std::vector<std::string> expected;
    for (int i = 0; i < kFeeds; ++i)
      if (feed_share(feed(i), b_c) == key_of(name)) expected.push_back(feed(i));
    CHECK(busy[name] == expected);
    CHECK(busy[name].size() > shares.at(name).size());
  }
  // b busy too: c, the one with a worker free, runs every feed.
  FeedShares& b = *services.at("rosterd@b:2");
  b.run_started();
  b.run_started();
  const auto c_alone = poll_all(config, services, {"rosterd@c:3"});
  CHECK(c_alone.at("rosterd@c:3").size() == kFeeds);
  b.run_ended();
  b.run_ended();
  // A run of a's ends: it has its share again.
  a.run_ended();
  CHECK(poll_all(config, services) == shares);
}

TEST_CASE("feed shares: services whose configurations name other feeds find out<Postgres>") {
  SharedStore shared;
  Config other = shared.config;
  other.feeds.erase("district0");  // c has its own feeds, a and b the shared configuration's
  other.feeds.emplace("district9", shared.config.feeds.at("district0"));
  auto services = three_services(0);
  const auto poll_once = [&] {
    for (auto& [name, service] : services) {
      service->set_feeds(name == "rosterd@c:3" ? other : shared.config);
      service->hold(shared.config, "district0");
    }
  };
  poll_once();
  poll_once();  // each has looked the others up after they said their feeds
  CHECK(services.at("rosterd@a:1")->differing().size() == 1);  // c
  CHECK(services.at("rosterd@b:2")->differing().size() == 1);
  CHECK(services.at("rosterd@c:3")->differing().size() == 2);  // a and b

  // The same feeds in any order hash alike; c reloads with the shared feeds: none differ.
  CHECK(feeds_hash({"district0", "district9"}) == feeds_hash({"district9", "district0"}));
  CHECK(feeds_hash({"district0"}) != feeds_hash({"district9"}));
  other = shared.config;
  poll_once();
  poll_once();
  for (auto& [name, service] : services) {
    CAPTURE(name);
    CHECK(service->differing().empty());
  }
}
