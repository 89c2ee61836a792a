#include "pipeline/feed_shares.h"

#include <algorithm>

#include "core/log.h"
#include "pipeline/store_access.h"
#include "store/sql_db.h"

namespace rosterd {

FeedShares::FeedShares(std::string instance, std::chrono::milliseconds refresh, std::size_t workers)
    : instance_(std::move(instance)), refresh_every_(refresh), workers_(workers) {}

void FeedShares::say_busy() {
  const bool busy = workers_ != 0 && running_ >= workers_;
  if (!store_ || !key_ || busy == said_busy_) return;
  // Not taken (it cannot be: the key is this connection's own) it stays unsaid, and so free.
  if (store_->holds().set_busy(*key_, busy) || !busy) said_busy_ = busy;
}

void FeedShares::run_started() {
  std::lock_guard<std::mutex> lock(mutex_);
  ++running_;
  try {
    say_busy();
  } catch (const std::exception&) {
    store_.reset();  // found out by the next hold()
  }
}

void FeedShares::run_ended() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (running_ > 0) --running_;
  try {
    say_busy();
  } catch (const std::exception&) {
    store_.reset();
  }
}

void FeedShares::refresh(const Config& config) {
  if (!store_) {
    store_ = open_store(config);
    services_at_ = {};
    key_.reset();
    said_busy_ = false;  // a new connection holds no lock
    said_feeds_ = 0;
  }
  if (!key_) {
    // A key of its own: its name's hash, or the next free one should another service's name
    // hash alike. Tried again at each look-up until it is said.
    const std::string name = instance_.empty() ? store_->holds().instance() : instance_;
    const auto first = static_cast<std::uint32_t>(share_hash(name));
    for (std::uint32_t k = first; k != first + 16; ++k) {
      if (store_->holds().announce(k)) {
        key_ = k;
        services_at_ = {};
        break;
      }
    }
  }
  say_busy();
  if (key_ && feeds_ != said_feeds_) {
    // Its feeds, said again after a reload changed them.
    if (said_feeds_ != 0) store_->holds().withdraw_feeds(said_feeds_);
    said_feeds_ = 0;
    store_->holds().announce_feeds(feeds_);
    said_feeds_ = feeds_;
  }
  const auto now = std::chrono::steady_clock::now();
  if (services_at_ != std::chrono::steady_clock::time_point{} &&
      now - services_at_ < refresh_every_)
    return;
  services_ = store_->holds().services();
  services_at_ = now;
  differing_.clear();
  for (const SharingService& s : services_) {
    if (said_feeds_ == 0 || s.feeds == 0 || s.feeds == said_feeds_ || (key_ && s.key == *key_))
      continue;
    differing_.push_back(s.instance);
    // Once for each pair of feed sets: told again should they come to differ anew.
    if (told_differ_
            .insert(std::to_string(said_feeds_) + "/" + s.instance + "/" + std::to_string(s.feeds))
            .second) {
      log::warning("shares.feeds_differ",
                   {{"instance", s.instance},
                    {"what_to_do",
                     "the services sharing this store have different feeds in their "
                     "configurations; a feed is run by one service only, and one missing from "
                     "that service's configuration is not run. Give every service the same "
                     "feeds (rosterd.yaml), then reload them."}});
    }
  }
}

void FeedShares::set_feeds(const Config& config) {
  std::vector<std::string> names;
  for (const auto& [name, feed] : config.feeds)
    names.push_back(name);
  const std::uint32_t hash = feeds_hash(names);
  std::lock_guard<std::mutex> lock(mutex_);
  feeds_ = hash;
}

std::vector<std::string> FeedShares::differing() {
  std::lock_guard<std::mutex> lock(mutex_);
  return differing_;
}

FeedShares::Answer FeedShares::hold(const Config& config, const std::string& feed) {
  if (config.store.kind != StoreKind::postgresql) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  // During an outage nothing connects before its backoff is over.
  if (down_ && std::chrono::steady_clock::now() < retry_at_) return {State::unreachable, ""};
  try {
    refresh(config);
    if (key_ || !services_.empty()) {
      // The feed's share among the services there, this one included even if looked up a
      // moment before it said so. One not said yet (its keys all taken) stands by for every
      // feed until it is.
      std::vector<SharingService> there = services_;
      if (key_ && std::none_of(there.begin(), there.end(),
                               [&](const SharingService& s) { return s.key == *key_; }))
        there.push_back({*key_, instance_, false});
      // Never busy as it asks: the worker asking is free (runs count once they start), so a
      // look-up from a moment when it was busy must not give its own feed away.
      for (SharingService& s : there)
        if (key_ && s.key == *key_) s.busy = false;
      const SharingService& owner = feed_service(feed, there);
      if (key_ && owner.key == *key_) return {};
      return {State::standby, owner.instance};
    }
    if (store_->holds().hold(feed, FeedHold::lease)) return {};
    std::string holder = "another instance";
    for (const FeedHolder& h : store_->holds().holders({feed}))
      holder = h.instance;
    return {State::standby, holder};
  } catch (const StoreConnectionError& e) {
    store_.reset();  // its leases went with the connection
    lost(e.what());
    return {State::unreachable, ""};
  } catch (const std::exception& e) {
    log::error("store.lease_failed", {{"feed", feed}, {"error", e.what()}});
    return {State::unreachable, ""};
  }
}

void FeedShares::connection_failed(const std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  lost(error);
}

void FeedShares::connected() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!down_) return;
  log::info("store.reconnected", {});
  down_ = false;
  backoff_ = std::chrono::seconds(1);
}

void FeedShares::lost(const std::string& error) {
  if (!down_) {
    log::error("store.connection_lost",
               {{"error", error},
                {"what_to_do",
                 "rosterd connects again with backoff (up to a minute); runs under way were "
                 "rolled back and their files are taken again. Check the database server (or, "
                 "when the error names stalled_after, what stalled this process)."}});
    down_ = true;
    backoff_ = std::chrono::seconds(1);
  } else {
    backoff_ = std::min<std::chrono::seconds>(backoff_ * 2, std::chrono::seconds(60));
  }
  retry_at_ = std::chrono::steady_clock::now() + backoff_;
}

}  // namespace rosterd
