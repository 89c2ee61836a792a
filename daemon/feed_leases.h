// Which feeds this instance runs when several rosterd instances share one PostgreSQL store.
// A connection of its own, kept open for the life of the service, holds each feed's advisory
// lock (RosterStore::hold_feed): the first instance to ask runs the feed; the others stand by
// and take it over at their next poll once its holder's connection closes (a crash, a kill,
// a lost network: the server drops a vanished client's connection within ~30 s of keepalives).
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

  // A poll's own store connection failed (StoreConnectionError): reported once per outage,
  // like the lease connection's own failures.
  void connection_failed(const std::string& error);

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
