// One poll of one feed, as `rosterd run --once` and the service do it: fetch what is ready
// (faults, repeats and files too large are told to the failures list), ingest every staged file
// (each run's QA report goes out first), tidy the drop and the archive, and tell a stale feed or
// a missing file. What happened comes back as a PollResult for the caller to show.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/civil_date.h"
#include "pipeline/feed_intake.h"
#include "pipeline/feed_shares.h"
#include "pipeline/mailer.h"
#include "store/roster_store.h"

namespace rosterd {

struct PollOptions {
  std::size_t threads = 2;
  CivilDate as_of;
  bool wait = false;  // poll again until waiting files are stable (at most stable_for + 5 s)
  // Deliver every queued message now, not only those due (a run by hand is the retry schedule).
  bool deliver_all = false;
  // The service's shares, told while a run of this poll's is under way (FeedShares::RunScope);
  // none outside a service.
  FeedShares* shares = nullptr;
};

struct PollResult {
  FetchResult fetched;          // what the drop held, and its fault
  std::vector<IntakeRun> runs;  // each staged file's run, in delivery order
  std::string stale;            // the stale-feed notice this poll told, or ""
  std::string missing;          // the missing-file notice this poll told, or ""

  // A line for logs and `rosterd status`: "took 1 file: run 12 committed", "nothing new",
  // "drop failing: ...". Never an exit status: a run with rejected rows is a normal run.
  std::string summary() const;
};

// The poll as the holder of a feed runs it, the service and `run --once` alike: the runs this
// process left `running` failed, the outbox delivered and the feed's held runs settled (their
// reports may have gone out since: that changes the base a new file is planned on), then the
// drop polled and what it held ingested, then the outbox delivered and the held runs settled
// again. REQUIRES: the caller holds the feed (its FeedLock, and on a shared store its locks).
// `drop_state`, when given, carries the drop's last error from one poll to the next, so that a
// fault is logged once per change of state.
PollResult poll_feed(const Config& config, const FeedConfig& feed, RosterStore& store,
                     Mailer& mailer, const PollOptions& options, std::string* drop_state = nullptr);

// Fetches, then polls again every second while files are waiting, at most stable_for + 5 s.
FetchResult fetch_waiting(FeedIntake& intake, const FeedConfig& feed);

// No file taken on the feed's local day by schedule.expect_by, at `now` (seconds since the
// epoch): one line in the history and one alert to the failures list, once per local date (the
// date is the key, so a clock that jumps back across midnight or a DST change tells no day
// twice). Returns the notice ("no roster file had arrived by 07:00 America/Chicago on
// 2026-11-23") when it told, nullopt otherwise.
std::optional<std::string> check_deadline(const FeedConfig& feed, RosterStore& store,
                                          Mailer& mailer, std::int64_t now);

}  // namespace rosterd
