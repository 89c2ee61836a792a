// Taking files by hand, as the service would: `rosterd fetch` (the drop into staging) and
// `rosterd run --once` (a whole poll of each feed), each feed only while no other process holds
// it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "config/config.h"
#include "pipeline/feed_poll.h"

namespace rosterd {

struct FeedFetch {
  std::string skipped;  // why nothing was done (another process holds the feed), or ""
  FetchResult fetched;
};

// Lists the feed's drop and stages every complete new file (fetch_waiting with `wait`). Throws
// Error when state_dir cannot be written or the store not opened.
FeedFetch fetch_feed(const Config& config, const FeedConfig& feed, bool wait);

struct FeedPoll {
  const FeedConfig* feed = nullptr;
  std::string skipped;  // why it was not polled (busy, standby), or ""
  PollResult poll;      // when polled
};

// Polls each of `feeds` once, in order, handing each to `done` as it ends (a poll's runs hold
// their rosters: they are not kept for the next feed). Every queued message is tried first, and
// the held runs of the feeds polled are settled again at the end (a report of one feed may go out
// in another's poll), then those of feeds no service polls. Throws Error when state_dir cannot
// be written or the store not opened.
void poll_feeds_once(const Config& config, const std::vector<const FeedConfig*>& feeds,
                     const PollOptions& options, const std::function<void(const FeedPoll&)>& done);

// The drop ledger's last `last` records, newest first, of one feed (or all when `feed` is empty).
std::vector<SourceFile> drop_files(RosterStore& store, const std::string& feed, std::size_t last);

}  // namespace rosterd
