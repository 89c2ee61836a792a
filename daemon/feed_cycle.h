// One poll of one feed, as `rosterd run --once` and the service do it: fetch what is ready
// (faults, repeats and files too large are told to the failures list), ingest every staged file
// (each run's QA report goes out first), print what happened, tidy the drop and the archive.
#pragma once

#include <ostream>
#include <string>

#include "config/config.h"
#include "core/civil_date.h"
#include "daemon/feed_intake.h"
#include "daemon/mailer.h"
#include "store/roster_store.h"

namespace rosterd {

struct CycleOptions {
  std::size_t threads = 2;
  CivilDate as_of;
  bool wait = false;  // poll again until waiting files are stable (at most stable_for + 5 s)
  std::string format = "text";
};

// REQUIRES: the caller holds the feed's FeedLock. Returns the exit status the poll deserves
// (exit_status.h). `drop_state`, when given, carries the drop's last error from one poll to the
// next, so that a fault is logged once per change of state.
int run_feed_cycle(const Config& config, const FeedConfig& feed, RosterStore& store, Mailer& mailer,
                   const CycleOptions& options, std::ostream& out,
                   std::string* drop_state = nullptr);

// One line per fetch event; returns the exit status the fetch deserves.
int print_fetch(std::ostream& out, const FeedConfig& feed, const FetchResult& r);

// Fetches, then polls again every second while files are waiting, at most stable_for + 5 s.
FetchResult fetch_waiting(FeedIntake& intake, const FeedConfig& feed);

// No file taken on the feed's local day by schedule.expect_by, at `now` (seconds since the
// epoch): one line in the history and one alert to the failures list, once per local date (the
// date is the key, so a clock that jumps back across midnight or a DST change tells no day
// twice). Returns true when it told.
bool check_deadline(const FeedConfig& feed, RosterStore& store, Mailer& mailer, std::ostream& out,
                    std::int64_t now);

// The more urgent of two exit statuses: 5, 3, 4, 1, then 0.
int worse(int a, int b);

}  // namespace rosterd
