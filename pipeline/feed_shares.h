// Which feeds this instance runs when several rosterd services share one PostgreSQL store: each
// its share (store/feed_holds.h, feed_share). A connection of its own, kept open for the life
// of the service, says the service is there (FeedHolds::announce); a feed's share is the
// service that ranks first for it among those there, so a service joining takes the feeds that
// rank it first at their next poll, and the feeds of one leaving (a crash, a kill, a lost
// network: the server drops a vanished client's connection within ~30 s of keepalives) go to
// the next in rank at theirs. No lock a feed is held between polls: a store of 10,000 feeds
// keeps one lock a service in PostgreSQL's lock table. Each poll takes the feed's run lock on
// the connection its run commits on (FeedHold::run), so that two instances never run a feed
// at once, even while services come and go and two see them differently for a moment. On
// SQLite every feed is this instance's (state_dir's lock files keep processes apart).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "store/roster_store.h"

namespace rosterd {

class FeedShares {
 public:
  // `instance` names this service (empty: instance_name()); the services there are looked up
  // again at most every `refresh`. With `workers` runs under way (run_started), the service is
  // busy: another service with a worker free runs the feeds of its share that come due (0:
  // never busy).
  explicit FeedShares(std::string instance = "",
                      std::chrono::milliseconds refresh = std::chrono::seconds(2),
                      std::size_t workers = 0);

  enum class State {
    held,         // this instance runs the feed
    standby,      // another instance runs it (`holder`)
    unreachable,  // the store cannot be reached; tried again with backoff
  };
  struct Answer {
    State state = State::held;
    std::string holder;  // for standby
  };

  // May this instance run `feed` now? A lease of a feed whose share moved to another service
  // is given up here. Thread-safe; never throws.
  Answer hold(const Config& config, const std::string& feed);

  // The service of `services` (keys) that ranks first for `feed`. REQUIRES: services not empty.
  static std::uint32_t share_of(const std::string& feed,
                                const std::vector<std::uint32_t>& services);

  // A run of this service's began (a poll of a feed it holds has a file to run), or ended: the
  // service is busy while `workers` are under way, and says so to the others at once (polls
  // that find nothing new do not count: they would flip it at every poll). Thread-safe; never
  // throws (an outage is told by the next hold()).
  void run_started();
  void run_ended();
  // run_started() for its lifetime.
  class RunScope {
   public:
    explicit RunScope(FeedShares& shares) : shares_(shares) { shares_.run_started(); }
    ~RunScope() { shares_.run_ended(); }
    RunScope(const RunScope&) = delete;
    RunScope& operator=(const RunScope&) = delete;

   private:
    FeedShares& shares_;
  };

  // Says which feeds this service has (feeds_hash of `config`'s), to the others at the next
  // hold(): at start and after each reload, not from each poll's configuration (a poll queued
  // before a reload keeps the old one). Thread-safe.
  void set_feeds(const Config& config);

  // The services there whose configurations name other feeds than this one's (as last looked
  // up): each is logged once (`shares.feeds_differ`), since a feed missing from the service
  // whose share it is would not be run. Thread-safe.
  std::vector<std::string> differing();

  // A store connection failed (StoreConnectionError, on the lease's connection or a poll's):
  // logged once an outage, and connections are tried again with backoff (1 s doubling to 60 s).
  void connection_failed(const std::string& error);
  // A poll connected: the outage, if any, is over (logged once).
  void connected();

 private:
  // REQUIRES: mutex_ held.
  void lost(const std::string& error);
  // Connects, says the service is there and looks up the others when due. REQUIRES: mutex_.
  void refresh(const Config& config);
  // Tells the others whether this service is busy, if that changed. REQUIRES: mutex_ held.
  void say_busy();

  std::string instance_;
  std::chrono::milliseconds refresh_every_;
  std::optional<std::uint32_t> key_;  // this service's, once announced
  std::vector<SharingService> services_;
  std::chrono::steady_clock::time_point services_at_{};
  std::size_t workers_ = 0;
  std::size_t running_ = 0;       // runs under way (run_started)
  bool said_busy_ = false;        // what the store was last told
  std::uint32_t feeds_ = 0;       // feeds_hash of this service's feeds (0: not set)
  std::uint32_t said_feeds_ = 0;  // feeds_hash the store was last told (0: none)
  std::vector<std::string> differing_;
  std::set<std::string> told_differ_;  // "ours/instance/theirs" hashes logged already

  std::mutex mutex_;
  std::unique_ptr<RosterStore> store_;
  bool down_ = false;  // an outage is under way (and was reported)
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::seconds backoff_{1};
};

}  // namespace rosterd
