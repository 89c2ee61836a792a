#include "pipeline/feed_leases.h"

#include <algorithm>

#include "core/log.h"
#include "pipeline/store_access.h"
#include "store/sql_db.h"

namespace rosterd {

FeedLeases::Answer FeedLeases::hold(const Config& config, const std::string& feed) {
  if (config.store.kind != StoreKind::postgresql) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  // During an outage nothing connects before its backoff is over.
  if (down_ && std::chrono::steady_clock::now() < retry_at_) return {State::unreachable, ""};
  try {
    if (!store_) store_ = open_store(config);
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

void FeedLeases::connection_failed(const std::string& error) {
  std::lock_guard<std::mutex> lock(mutex_);
  lost(error);
}

void FeedLeases::connected() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!down_) return;
  log::info("store.reconnected", {});
  down_ = false;
  backoff_ = std::chrono::seconds(1);
}

void FeedLeases::lost(const std::string& error) {
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
  retry_at_ = std::chrono::steady_clock::now() + backoff_;
}

}  // namespace rosterd
