#include "ops/feed_polls.h"

#include "pipeline/feed_intake.h"
#include "pipeline/feed_lock.h"
#include "pipeline/mailer.h"
#include "pipeline/store_access.h"

namespace rosterd {
namespace {

constexpr const char* kBusy = "busy: another rosterd process is working on this feed";

}  // namespace

FeedFetch fetch_feed(const Config& config, const FeedConfig& feed, bool wait) {
  FeedFetch result;
  require_writable_state_dir(config);
  const auto lock = FeedLock::try_acquire(config.state_dir, feed.name);
  if (!lock) {
    result.skipped = kBusy;
    return result;
  }
  const auto store = open_store(config);
  if (const auto why = not_ours(*store, feed.name)) {
    result.skipped = *why;
    return result;
  }
  const auto drop = make_drop(feed);
  FeedIntake intake(config, feed, *store, *drop);
  result.fetched = wait ? fetch_waiting(intake, feed) : intake.fetch();
  return result;
}

void poll_feeds_once(const Config& config, const std::vector<const FeedConfig*>& feeds,
                     const PollOptions& options, const std::function<void(const FeedPoll&)>& done) {
  require_writable_state_dir(config);
  const auto store = open_store(config);
  Mailer mailer(config, *store);
  // A run of its own (cron, a timer) is the retry schedule: everything queued is tried now.
  mailer.deliver_due(true);
  // The feeds held, kept to the end: their held runs are settled once more after the last poll.
  std::vector<FeedLock> held;
  std::vector<const FeedConfig*> held_feeds;
  for (const FeedConfig* feed : feeds) {
    FeedPoll each;
    each.feed = feed;
    auto lock = FeedLock::try_acquire(config.state_dir, feed->name);
    if (!lock) {
      each.skipped = kBusy;
    } else if (const auto why = not_ours(*store, feed->name)) {
      each.skipped = *why;
    } else {
      held.push_back(std::move(*lock));
      held_feeds.push_back(feed);
      each.poll = poll_feed(config, *feed, *store, mailer, options);
    }
    done(each);
  }
  for (const FeedConfig* feed : held_feeds)
    mailer.settle_awaiting_runs(feed->name);
  settle_unpolled_feeds(config, *store, mailer);
}

std::vector<SourceFile> drop_files(RosterStore& store, const std::string& feed, std::size_t last) {
  return store.ledger().recent(feed, last);
}

}  // namespace rosterd
