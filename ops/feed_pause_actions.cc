#include "ops/feed_pause_actions.h"

#include "core/error.h"

namespace rosterd {

FeedPause pause_feed(RosterStore& store, const Config& config, const std::string& feed,
                     std::optional<CivilDate> until, CivilDate today, const Actor& by) {
  config.feed(feed);  // throws, naming the feeds there are
  if (by.reason.find_first_not_of(" \t\r\n") == std::string::npos)
    throw Error("say why the feed is paused (--reason TEXT): it is shown to everyone who sees it");
  if (by.reason.size() > 2000) throw Error("the reason is over 2,000 characters; shorten it");
  if (until && *until < today) {
    throw Error("--until " + to_iso(*until) + " is before today (" + to_iso(today) +
                "): give the last day the feed stays paused");
  }
  return store.pauses().pause(feed, until, by.reason, by);
}

bool resume_feed(RosterStore& store, const Config& config, const std::string& feed, CivilDate today,
                 const Actor& by) {
  config.feed(feed);
  // A pause whose last day is past is over already: nothing to resume.
  const bool in_force = store.pauses().in_force(feed, today).has_value();
  return store.pauses().resume(feed, by) && in_force;
}

}  // namespace rosterd
