// How the command line shows a poll of a feed (`fetch`, `run --once`): one line a fetch event,
// each run's report, what became of its file in the drop, the notices told; and the exit status
// the poll deserves (exit_status.h).
#pragma once

#include <ostream>
#include <string>

#include "config/config.h"
#include "pipeline/feed_poll.h"

namespace rosterd {

// One line an event; returns the exit status the fetch deserves.
int print_fetch(std::ostream& out, const FeedConfig& feed, const FetchResult& r);

// The whole poll, in `format` (text or json) for the reports; returns the exit status.
int print_poll(std::ostream& out, const Config& config, const FeedConfig& feed, const PollResult& r,
               const std::string& format);

// The more urgent of two exit statuses: 5, 3, 4, 1, then 0.
int worse(int a, int b);

}  // namespace rosterd
