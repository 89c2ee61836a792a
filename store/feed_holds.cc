#include "store/feed_holds.h"

#include <algorithm>
#include <map>

#include "store/pg_db.h"
#include "store/store_support.h"

namespace rosterd {
namespace {

// The second key of a feed's advisory lock: FNV-1a of its name. Two feeds sharing a key
// would only be run by one instance together, never by two at once.
std::int32_t feed_lock_key(const std::string& feed) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : feed) {
    h ^= c;
    h *= 16777619u;
  }
  return static_cast<std::int32_t>(h);
}

constexpr const char* kConnectionToken =
    "CAST(pid AS text) || '/' || CAST(extract(epoch FROM backend_start) AS text)";

}  // namespace

std::uint64_t share_hash(std::string_view text) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

namespace {

// A feed's score for a service's key: a fixed mix (splitmix64's finalizer) of the two.
std::uint64_t share_score(std::uint64_t feed_hash, std::uint32_t key) {
  std::uint64_t score = feed_hash ^ (std::uint64_t{key} * 0x9E3779B97F4A7C15ULL);
  score = (score ^ (score >> 30)) * 0xBF58476D1CE4E5B9ULL;
  score = (score ^ (score >> 27)) * 0x94D049BB133111EBULL;
  return score ^ (score >> 31);
}

// Whether `a` ranks before `b` for a feed: the higher score, the lower key on a tie.
bool ranks_before(std::uint64_t score_a, std::uint32_t a, std::uint64_t score_b, std::uint32_t b) {
  return score_a > score_b || (score_a == score_b && a < b);
}

}  // namespace

std::uint32_t feed_share(const std::string& feed, const std::vector<std::uint32_t>& keys) {
  const std::uint64_t f = share_hash(feed);
  std::uint32_t best = keys.front();
  std::uint64_t best_score = share_score(f, best);
  for (std::uint32_t k : keys) {
    const std::uint64_t score = share_score(f, k);
    if (ranks_before(score, k, best_score, best)) {
      best = k;
      best_score = score;
    }
  }
  return best;
}

const SharingService& feed_service(const std::string& feed,
                                   const std::vector<SharingService>& services) {
  const std::uint64_t f = share_hash(feed);
  // The first in rank, and the first in rank of those not busy.
  const SharingService* first = &services.front();
  const SharingService* first_free = nullptr;
  std::uint64_t first_score = share_score(f, first->key);
  std::uint64_t free_score = 0;
  for (const SharingService& s : services) {
    const std::uint64_t score = share_score(f, s.key);
    if (ranks_before(score, s.key, first_score, first->key)) {
      first = &s;
      first_score = score;
    }
    if (!s.busy &&
        (first_free == nullptr || ranks_before(score, s.key, free_score, first_free->key))) {
      first_free = &s;
      free_score = score;
    }
  }
  return first->busy && first_free != nullptr ? *first_free : *first;
}

bool FeedHolds::hold(const std::string& feed, FeedHold lock) {
  if (db_.dialect() != SqlDialect::postgresql) return true;
  const std::int64_t lock_class = lock == FeedHold::lease ? kFeedLockClass : kRunLockClass;
  const std::string held = std::to_string(lock_class) + "/" + feed;
  if (held_feeds_.count(held) != 0) {
    // Still ours? Asking also finds out at once that the connection (and so the lock) is gone.
    Statement mine(db_,
                   "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND "
                   "pid = pg_backend_pid() AND objsubid = 2 AND CAST(classid AS bigint) = ? AND "
                   "CAST(objid AS bigint) = ?");
    mine.bind(1, lock_class).bind(2, std::int64_t{static_cast<std::uint32_t>(feed_lock_key(feed))});
    mine.step();
    if (mine.integer(0) > 0) return true;
    held_feeds_.erase(held);
  }
  // Session-level: held until this connection closes, which a dead process's does at once.
  Statement q(db_,
              "SELECT CASE WHEN pg_try_advisory_lock(CAST(? AS integer), CAST(? AS integer)) "
              "THEN 1 ELSE 0 END");
  q.bind(1, lock_class).bind(2, std::int64_t{feed_lock_key(feed)});
  q.step();
  if (q.integer(0) != 1) return false;
  held_feeds_.insert(held);
  return true;
}

bool FeedHolds::announce(std::uint32_t key) {
  if (db_.dialect() != SqlDialect::postgresql) return true;
  Statement q(db_,
              "SELECT CASE WHEN pg_try_advisory_lock(CAST(? AS integer), CAST(? AS integer)) "
              "THEN 1 ELSE 0 END");
  q.bind(1, std::int64_t{kInstanceLockClass}).bind(2, std::int64_t{static_cast<std::int32_t>(key)});
  q.step();
  return q.integer(0) == 1;
}

std::uint32_t feeds_hash(const std::vector<std::string>& feed_names) {
  std::vector<std::string> sorted = feed_names;
  std::sort(sorted.begin(), sorted.end());
  std::string all;
  for (const std::string& f : sorted)
    all += f + '\n';
  const std::uint64_t wide = share_hash(all);
  const auto h = static_cast<std::uint32_t>(wide ^ (wide >> 32));
  return h == 0 ? 1 : h;
}

void FeedHolds::announce_feeds(std::uint32_t hash) {
  if (db_.dialect() != SqlDialect::postgresql) return;
  // Shared: services with the same feeds all hold it.
  Statement q(db_, "SELECT pg_advisory_lock_shared(CAST(? AS integer), CAST(? AS integer))");
  q.bind(1, std::int64_t{kFeedsLockClass}).bind(2, std::int64_t{static_cast<std::int32_t>(hash)});
  q.step();
}

void FeedHolds::withdraw_feeds(std::uint32_t hash) {
  if (db_.dialect() != SqlDialect::postgresql) return;
  Statement q(db_, "SELECT pg_advisory_unlock_shared(CAST(? AS integer), CAST(? AS integer))");
  q.bind(1, std::int64_t{kFeedsLockClass}).bind(2, std::int64_t{static_cast<std::int32_t>(hash)});
  q.step();
}

bool FeedHolds::set_busy(std::uint32_t key, bool busy) {
  if (db_.dialect() != SqlDialect::postgresql) return true;
  Statement q(db_, busy ? "SELECT CASE WHEN pg_try_advisory_lock(CAST(? AS integer), CAST(? AS "
                          "integer)) THEN 1 ELSE 0 END"
                        : "SELECT CASE WHEN pg_advisory_unlock(CAST(? AS integer), CAST(? AS "
                          "integer)) THEN 1 ELSE 0 END");
  q.bind(1, std::int64_t{kBusyLockClass}).bind(2, std::int64_t{static_cast<std::int32_t>(key)});
  q.step();
  return q.integer(0) == 1;
}

std::vector<SharingService> FeedHolds::services() {
  std::vector<SharingService> out;
  if (db_.dialect() != SqlDialect::postgresql) return out;
  // A service's busy and feeds locks count only while its connection also says the service is
  // there.
  Statement q(db_,
              "SELECT CAST(l.objid AS bigint), coalesce(a.application_name, ''), CASE WHEN "
              "EXISTS (SELECT 1 FROM pg_locks b WHERE b.locktype = 'advisory' AND b.granted AND "
              "b.objsubid = 2 AND CAST(b.classid AS bigint) = ? AND b.objid = l.objid AND "
              "b.pid = l.pid AND b.database = l.database) THEN 1 ELSE 0 END, coalesce((SELECT "
              "max(CAST(f.objid AS bigint)) FROM pg_locks f WHERE f.locktype = 'advisory' AND "
              "f.granted AND f.objsubid = 2 AND CAST(f.classid AS bigint) = ? AND f.pid = l.pid "
              "AND f.database = l.database), 0) FROM pg_locks l LEFT JOIN pg_stat_activity a ON "
              "a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND "
              "CAST(l.classid AS bigint) = ? AND l.database = (SELECT oid FROM pg_database WHERE "
              "datname = current_database()) ORDER BY 1");
  q.bind(1, std::int64_t{kBusyLockClass})
      .bind(2, std::int64_t{kFeedsLockClass})
      .bind(3, std::int64_t{kInstanceLockClass});
  while (q.step())
    out.push_back({static_cast<std::uint32_t>(q.integer(0)), std::string(q.text(1)),
                   q.integer(2) == 1, static_cast<std::uint32_t>(q.integer(3))});
  return out;
}

std::vector<FeedHolder> FeedHolds::holders(const std::vector<std::string>& feeds) {
  std::vector<FeedHolder> out;
  if (db_.dialect() != SqlDialect::postgresql) return out;
  if (const std::vector<SharingService> sharing = services(); !sharing.empty()) {
    for (const std::string& feed : feeds)
      out.push_back({feed, feed_service(feed, sharing).instance});
    return out;
  }
  Statement q(db_,
              "SELECT CAST(l.objid AS bigint), coalesce(a.application_name, '') FROM pg_locks l "
              "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND "
              "l.granted AND l.objsubid = 2 AND CAST(l.classid AS bigint) = ? AND l.database = "
              "(SELECT oid FROM pg_database WHERE datname = current_database())");
  q.bind(1, std::int64_t{kFeedLockClass});
  std::map<std::uint32_t, std::string> holders;
  while (q.step())
    holders[static_cast<std::uint32_t>(q.integer(0))] = std::string(q.text(1));
  for (const std::string& feed : feeds) {
    const auto it = holders.find(static_cast<std::uint32_t>(feed_lock_key(feed)));
    if (it != holders.end()) out.push_back({feed, it->second});
  }
  return out;
}

std::string FeedHolds::connection_instance() {
  if (db_.dialect() != SqlDialect::postgresql) return instance_;
  if (connection_.empty()) {
    Statement q(db_, std::string("SELECT ") + kConnectionToken +
                         " FROM pg_stat_activity WHERE pid = pg_backend_pid()");
    if (q.step()) connection_ = std::string(q.text(0));
  }
  return connection_;
}

bool FeedHolds::alive(const std::string& instance) {
  if (instance.empty()) return false;
  if (db_.dialect() == SqlDialect::postgresql) {
    Statement q(db_, std::string("SELECT 1 FROM pg_stat_activity WHERE CAST(pid AS text) = "
                                 "split_part(?, '/', 1) AND (backend_start IS NULL OR ") +
                         kConnectionToken + " = ?)");
    q.bind(1, instance).bind(2, instance);
    return q.step();
  }
  const auto at = instance.find('@');
  const auto colon = instance.rfind(':');
  if (at == std::string::npos || colon == std::string::npos || colon < at) return false;
  if (instance.substr(at + 1, colon - at - 1) != host_name()) return false;
  const std::string pid = instance.substr(colon + 1);
  if (pid.empty() || pid.size() > 18 || pid.find_first_not_of("0123456789") != std::string::npos)
    return false;
  return process_alive(std::stoll(pid));
}

}  // namespace rosterd
