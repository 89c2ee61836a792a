// What the running service says of each feed it polls: `rosterd status` (text or JSON), and the
// console's front page. The service fills in what it knows itself (polling, the last poll, the
// next one, the drop), then what the store knows (held runs, mail waiting, who runs the feed, a
// deadline passed); the answer crosses the control socket as JSON.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "store/roster_store.h"

namespace rosterd {

struct FeedStatus {
  std::string feed;
  bool polling = false;
  std::string last_poll_at;  // UTC, "2026-12-04T02:00:03Z"; empty before the first poll
  std::string last_poll;     // what it did: "took 1 file: run 12 committed", "nothing new", ...
  bool last_poll_failed = false;             // the poll itself failed (the store, state_dir, ...)
  std::optional<std::int64_t> next_poll_in;  // seconds; none while polling or stopping
  std::string drop_failing;                  // the drop's fault; empty while it answers
  std::string drop_failing_since;            // UTC: the first poll that found it failing

  // From the store; each stays empty when the store could not be read (store_problem says why).
  std::string holder;      // the instance that runs the feed on a shared store, if recorded
  bool held_here = false;  // `holder` is the instance that answered
  std::optional<std::size_t> held_runs;  // runs waiting for approval
  std::optional<std::size_t> outbox;     // messages waiting to be delivered
  // No file came by schedule.expect_by: the newest entry of the feed's history is that notice.
  bool past_deadline = false;
  // Why nothing of the feed commits today (a person's pause, a blackout window); "" when runs
  // commit as usual.
  std::string paused;
  std::string store_problem;

  // The drop fails or the last poll failed: files are not coming in.
  bool failing() const { return !drop_failing.empty() || last_poll_failed; }
};

struct ServiceStatus {
  std::vector<FeedStatus> feeds;  // every feed the service polls, by name
  // Set by ask_service_status when the configuration on disk does not load (the service runs
  // on the one it loaded at start or at its last reload, and a reload would fail).
  std::string config_problem;
};

// Adds to each feed what the store knows. Never throws: a store that cannot be opened or read
// leaves its facts out and says why in store_problem.
void add_store_facts(const Config& config, std::vector<FeedStatus>& feeds);
// The same from a store the caller has open (the console's, kept per thread).
void add_store_facts(const Config& config, RosterStore& store, std::vector<FeedStatus>& feeds);

// The status as the service sends it, and as `rosterd status --format json` prints it: one JSON
// object, {"feeds": [{"feed": ..., ...}], "config_problem": ...}; a fact not known is null.
std::string status_json(const ServiceStatus& status);
// Reads status_json's text. Throws Error when it is not a status (another program on the
// socket, or a service of another version).
ServiceStatus parse_status_json(std::string_view text);

// `rosterd status`: asks the service that runs with `config_file` what it is doing, waiting at
// most `timeout`. When the file does not load, the service is still asked (at the state_dir the
// file names, or its default) and config_problem says what is wrong with the file. Throws Error
// when no service answers in time (control_request), ConfigError when the file cannot be read.
ServiceStatus ask_service_status(const std::filesystem::path& config_file,
                                 std::chrono::milliseconds timeout);

struct SyncNowAnswer {
  bool accepted = false;  // the service polls the feed now, or is polling it
  std::string message;    // its answer: "ok: gen polls now", "error: the service polls no ..."
};

// `rosterd sync-now`: asks the service to poll `feed` now. Throws Error when no service answers
// in time.
SyncNowAnswer ask_sync_now(const Config& config, const std::string& feed,
                           std::chrono::milliseconds timeout);

}  // namespace rosterd
