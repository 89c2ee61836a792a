// Which feeds this instance runs when several rosterd instances share one PostgreSQL store.
// A connection of its own, kept open for the life of the service, holds each feed's lease
// (FeedHolds::hold, FeedHold::lease): the first instance to ask runs the feed; the
// others stand by and take it over at their next poll once its holder's connection closes (a
// crash, a kill, a lost network: the server drops a vanished client's connection within ~30 s
// of keepalives). Each poll also takes the feed's run lock on the connection its run commits on
// (FeedHold::run), so that two instances never run a feed at once, even while a lease moves.
// On SQLite every feed is this instance's (state_dir's lock files keep processes apart).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.h"
#include "store/roster_store.h"

namespace rosterd {

class FeedLeases {
 public:
  enum class State {
    held,         // this instance runs the feed
    standby,      // another instance runs it (`holder`)
    unreachable,  // the store cannot be reached; tried again with backoff
  };
  struct Answer {
    State state = State::held;
    std::string holder;  // for standby
  };

  // May this instance run `feed` now? Thread-safe; never throws.
  Answer hold(const Config& config, const std::string& feed);

  // A store connection failed (StoreConnectionError, on the lease's connection or a poll's):
  // logged once an outage, and connections are tried again with backoff (1 s doubling to 60 s).
  void connection_failed(const std::string& error);
  // A poll connected: the outage, if any, is over (logged once).
  void connected();

 private:
  // REQUIRES: mutex_ held.
  void lost(const std::string& error);

  std::mutex mutex_;
  std::unique_ptr<RosterStore> store_;
  bool down_ = false;  // an outage is under way (and was reported)
  std::chrono::steady_clock::time_point retry_at_{};
  std::chrono::seconds backoff_{1};
};

}  // namespace rosterd
