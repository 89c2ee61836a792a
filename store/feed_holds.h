// Who works on what: which instance runs each feed of a shared store (PostgreSQL advisory locks
// held by a connection), the names processes and connections go by, and whether the one that
// began a run or claimed a message is still alive. On SQLite, a store of one host, state_dir's
// lock files keep processes apart and every hold is granted here.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql_db.h"

namespace rosterd {

// The two locks a feed of a shared store has (docs/store.md#several-instances-on-one-store).
enum class FeedHold {
  // Which instance runs the feed: held by the service's long-lived connection, so that the
  // same instance keeps it from poll to poll and the others stand by.
  lease,
  // That a poll runs it now: held by the poll's own connection, the one its run commits on,
  // so two instances never run the feed at once even if a lease passed between them.
  run,
};

// An instance holding a feed of a shared store (docs/store.md).
struct FeedHolder {
  std::string feed;
  std::string instance;  // "rosterd@HOST:PID"
};

// A service sharing the feeds of a shared store (FeedHolds::announce).
struct SharingService {
  std::uint32_t key = 0;
  std::string instance;  // "rosterd@HOST:PID"
  // Every worker of it is running a feed (FeedHolds::set_busy): the feeds of its share that
  // come due would wait for one, so a service with a worker free runs them (feed_service).
  bool busy = false;
  // A hash of the feeds in its configuration (FeedHolds::announce_feeds); 0 when not said.
  std::uint32_t feeds = 0;
};

// The hash of a configuration's feeds that services compare (FeedHolds::announce_feeds): the
// same for the same names in any order. Never 0.
std::uint32_t feeds_hash(const std::vector<std::string>& feed_names);

// A fixed hash of `text` (64-bit FNV-1a): the same on every host and in every version, as the
// shares must be for services of different builds to agree.
std::uint64_t share_hash(std::string_view text);

// The service of `keys` whose share `feed` is: the one that ranks first for it (rendezvous
// hashing of the feed's name and each key), so that each of N services has about 1/N of the
// feeds and one coming or going moves only its own share. REQUIRES: keys not empty.
std::uint32_t feed_share(const std::string& feed, const std::vector<std::uint32_t>& keys);
// The service of `services` that runs `feed` now: its share's (feed_share), unless that one is
// busy and another is not; then the first in the feed's rank that is not, so that a feed never
// waits for a busy service while another has a worker free, and the same one of the idle
// takes it in every process that sees the services so. REQUIRES: services not empty.
const SharingService& feed_service(const std::string& feed,
                                   const std::vector<SharingService>& services);

class FeedHolds {
 public:
  // `instance` names this process (instance_name()).
  FeedHolds(SqlDb& db, std::string instance) : db_(db), instance_(std::move(instance)) {}

  // Takes `feed`'s `lock` for this store's connection, which keeps it until it closes
  // (however the process ends), or confirms it still has it; false when another connection
  // has it. Always true on SQLite.
  bool hold(const std::string& feed, FeedHold lock = FeedHold::lease);
  // Which instance runs which of `feeds` now: with services sharing the feeds, each feed's share;
  // else the holders of their leases (none on SQLite).
  std::vector<FeedHolder> holders(const std::vector<std::string>& feeds);

  // Says this connection is a service sharing the feeds, under `key` (a hash of its instance
  // name), until it closes; false when another connection has that key. PostgreSQL only.
  bool announce(std::uint32_t key);
  // Says whether this service, announce()d as `key` on this connection, is busy
  // (SharingService::busy), until it says otherwise or the connection closes; false when the
  // lock behind it was not taken (or, for `busy` false, not held). Call it only when the state
  // changes: the lock counts. Always true on SQLite.
  bool set_busy(std::uint32_t key, bool busy);
  // Says which feeds this service has (feeds_hash), until it says otherwise or the connection
  // closes, so that services whose configurations differ find out: a feed missing from the
  // configuration of the service whose share it is would not be run. PostgreSQL only.
  void announce_feeds(std::uint32_t hash);
  void withdraw_feeds(std::uint32_t hash);
  // The services sharing the feeds now (announce()d on connections still open), by key.
  std::vector<SharingService> services();
  // This process, as runs and holders() name it.
  const std::string& instance() const { return instance_; }

  // What runs and outbox claims record as their maker: on SQLite the process
  // (`rosterd@HOST:PID`); on PostgreSQL the connection that can commit the run, as its backend
  // PID and start time (unique while the server runs; application_name would do, but the
  // server cuts it at 63 bytes).
  std::string connection_instance();

  // Whether the process (SQLite: `rosterd@HOST:PID`) or connection (PostgreSQL: `PID/START`)
  // that `instance` names may still be at work. A PostgreSQL session of another role, whose
  // start time is hidden, counts as alive; an empty name as gone, and so does a process of
  // another host on SQLite, which serves one host: the store was moved, or its container
  // recreated under a new name.
  bool alive(const std::string& instance);

 private:
  SqlDb& db_;
  std::string instance_;
  std::string connection_;
  std::set<std::string> held_feeds_;
};

}  // namespace rosterd
