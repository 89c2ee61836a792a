#include "daemon/feed_leases.h"

#include <algorithm>

#include "core/log.h"
#include "daemon/command_support.h"
#include "store/sql_db.h"

namespace rosterd {

FeedLeases::Answer FeedLeases::hold(const Config& config, const std::string& feed) {
  if (config.store.kind != StoreKind::postgresql) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (!store_) {
    if (down_ && now < retry_at_) return {State::unreachable, ""};
    try {
      store_ = open_store(config);
    } catch (const std::exception& e) {
      lost(e.what());
      return {State::unreachable, ""};
    }
  }
  try {
    if (store_->hold_feed(feed)) {
      if (down_) {
        log::info("store.reconnected", {{"instance", store_->instance()}});
        down_ = false;
        backoff_ = std::chrono::seconds(1);
      }
      return {};
    }
    std::string holder = "another instance";
    for (const FeedHolder& h : store_->feed_holders({feed}))
      holder = h.instance;
    return {State::standby, holder};
  } catch (const StoreConnectionError& e) {
    store_.reset();  // its locks went with the connection
    lost(e.what());
    return {State::unreachable, ""};
  } catch (const std::exception& e) {
    log::error("store.lease_failed", {{"feed", feed}, {"error", e.what()}});
    return {State::unreachable, ""};
  }
}

void FeedLeases::connection_failed(const std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  // The lease connection may have survived (a run's connection was cut alone): asking it
  // again at the next poll finds out.
  lost(error);
}

void FeedLeases::lost(const std::string& error) {
  const auto now = std::chrono::steady_clock::now();
  if (!down_) {
    log::error("store.connection_lost",
               {{"error", error},
                {"what_to_do",
                 "rosterd connects again with backoff (up to a minute); runs under way were "
                 "rolled back and their files are taken again. Check the database server."}});
    down_ = true;
    backoff_ = std::chrono::seconds(1);
  } else {
    backoff_ = std::min<std::chrono::seconds>(backoff_ * 2, std::chrono::seconds(60));
  }
  retry_at_ = now + backoff_;
}

}  // namespace rosterd
