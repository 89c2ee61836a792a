#include "ops/feed_status.h"

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "core/civil_date.h"
#include "core/error.h"
#include "ops/control_socket.h"
#include "pipeline/ingest_run.h"
#include "pipeline/store_access.h"

namespace rosterd {
namespace {

using nlohmann::json;

// The history entries read to count held runs: a feed holds one or two at most (a later
// commit supersedes the rest), so fifty is plenty.
constexpr std::size_t kHistoryRead = 50;

template <typename T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json to_json(const FeedStatus& f) {
  return json{{"feed", f.feed},
              {"polling", f.polling},
              {"last_poll_at", f.last_poll_at.empty() ? json(nullptr) : json(f.last_poll_at)},
              {"last_poll", f.last_poll.empty() ? json(nullptr) : json(f.last_poll)},
              {"last_poll_failed", f.last_poll_failed},
              {"next_poll_in", or_null(f.next_poll_in)},
              {"drop_failing", f.drop_failing.empty() ? json(nullptr) : json(f.drop_failing)},
              {"drop_failing_since",
               f.drop_failing_since.empty() ? json(nullptr) : json(f.drop_failing_since)},
              {"failing", f.failing()},
              {"holder", f.holder.empty() ? json(nullptr) : json(f.holder)},
              {"held_here", f.held_here},
              {"held_runs", or_null(f.held_runs)},
              {"outbox", or_null(f.outbox)},
              {"past_deadline", f.past_deadline},
              {"paused", f.paused.empty() ? json(nullptr) : json(f.paused)},
              {"store_problem", f.store_problem.empty() ? json(nullptr) : json(f.store_problem)}};
}

std::string text_or_empty(const json& object, const char* key) {
  const json& v = object.at(key);
  return v.is_null() ? std::string() : v.get<std::string>();
}

template <typename T>
std::optional<T> number_or_none(const json& object, const char* key) {
  const json& v = object.at(key);
  if (v.is_null()) return std::nullopt;
  return v.get<T>();
}

FeedStatus from_json(const json& j) {
  FeedStatus f;
  f.feed = j.at("feed").get<std::string>();
  f.polling = j.at("polling").get<bool>();
  f.last_poll_at = text_or_empty(j, "last_poll_at");
  f.last_poll = text_or_empty(j, "last_poll");
  f.last_poll_failed = j.at("last_poll_failed").get<bool>();
  f.next_poll_in = number_or_none<std::int64_t>(j, "next_poll_in");
  f.drop_failing = text_or_empty(j, "drop_failing");
  // A service of the version before it says nothing of since when.
  if (j.contains("drop_failing_since"))
    f.drop_failing_since = text_or_empty(j, "drop_failing_since");
  f.holder = text_or_empty(j, "holder");
  f.held_here = j.at("held_here").get<bool>();
  f.held_runs = number_or_none<std::size_t>(j, "held_runs");
  f.outbox = number_or_none<std::size_t>(j, "outbox");
  f.past_deadline = j.at("past_deadline").get<bool>();
  // A service of the version before it says nothing of pauses.
  if (j.contains("paused")) f.paused = text_or_empty(j, "paused");
  f.store_problem = text_or_empty(j, "store_problem");
  return f;
}

}  // namespace

void add_store_facts(const Config& config, std::vector<FeedStatus>& feeds) {
  std::unique_ptr<RosterStore> store;
  try {
    store = open_store(config);
  } catch (const std::exception& e) {
    for (FeedStatus& f : feeds)
      f.store_problem = e.what();
    return;
  }
  add_store_facts(config, *store, feeds);
}

void add_store_facts(const Config& config, RosterStore& opened, std::vector<FeedStatus>& feeds) {
  RosterStore* const store = &opened;
  std::map<std::string, std::string> holders;
  try {
    std::vector<std::string> names;
    for (const FeedStatus& f : feeds)
      names.push_back(f.feed);
    for (const FeedHolder& h : store->holds().holders(names))
      holders[h.feed] = h.instance;
  } catch (const std::exception&) {
    // Who runs a feed is a nicety of a shared store; the counts below say when the store fails.
  }
  for (FeedStatus& f : feeds) {
    if (const auto h = holders.find(f.feed); h != holders.end()) {
      f.holder = h->second;
      f.held_here = h->second == store->holds().instance();
    }
    try {
      const std::vector<RunRecord> runs = store->runs().history(f.feed, kHistoryRead);
      std::size_t held = 0;
      for (const RunRecord& r : runs)
        held += r.state == RunState::held ? 1 : 0;
      f.held_runs = held;
      f.past_deadline = !runs.empty() && runs.front().kind == RunKind::missing;
      f.outbox = store->outbox().backlog(f.feed);
      if (const auto it = config.feeds.find(f.feed); it != config.feeds.end())
        f.paused = commit_pause(it->second, *store, feed_today(it->second, store->clock().now()));
    } catch (const std::exception& e) {
      f.store_problem = e.what();
    }
  }
}

std::string status_json(const ServiceStatus& status) {
  json feeds = json::array();
  for (const FeedStatus& f : status.feeds)
    feeds.push_back(to_json(f));
  const json j{{"feeds", feeds},
               {"config_problem",
                status.config_problem.empty() ? json(nullptr) : json(status.config_problem)}};
  // Invalid UTF-8 (a server's error text) is replaced, never a reason to fail the status.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

ServiceStatus parse_status_json(std::string_view text) {
  try {
    const json j = json::parse(text);
    ServiceStatus s;
    for (const json& f : j.at("feeds"))
      s.feeds.push_back(from_json(f));
    s.config_problem = text_or_empty(j, "config_problem");
    return s;
  } catch (const json::exception&) {
    std::string start(text.substr(0, 80));
    throw Error("the answer on the control socket is not a rosterd status (it starts \"" + start +
                "\"). Is the service of the same rosterd version? Restart it after an upgrade: "
                "systemctl restart rosterd.");
  }
}

ServiceStatus ask_service_status(const std::filesystem::path& config_file,
                                 std::chrono::milliseconds timeout) {
  std::filesystem::path state_dir;
  std::string config_problem;
  try {
    state_dir = load_config(config_file).state_dir;
  } catch (const ConfigError& e) {
    config_problem = e.what();
    state_dir = state_dir_of(config_file);  // throws when the file cannot be read at all
  }
  ServiceStatus status = parse_status_json(control_request(state_dir, "status", timeout));
  status.config_problem = config_problem;
  return status;
}

SyncNowAnswer ask_sync_now(const Config& config, const std::string& feed,
                           std::chrono::milliseconds timeout) {
  SyncNowAnswer answer;
  answer.message = control_request(config.state_dir, "sync-now " + feed, timeout);
  answer.accepted = answer.message.starts_with("ok");
  return answer;
}

}  // namespace rosterd
