#include "console/login_throttle.h"

namespace rosterd {
namespace {

void prune(std::map<std::string, std::deque<std::int64_t>>& counts, std::int64_t now) {
  for (auto it = counts.begin(); it != counts.end();) {
    while (!it->second.empty() && it->second.front() <= now - LoginThrottle::kWindow)
      it->second.pop_front();
    it = it->second.empty() ? counts.erase(it) : std::next(it);
  }
}

}  // namespace

bool LoginThrottle::over(std::deque<std::int64_t>& times, std::int64_t now, unsigned limit) {
  while (!times.empty() && times.front() <= now - kWindow)
    times.pop_front();
  return times.size() >= limit;
}

bool LoginThrottle::allowed(const std::string& account, const std::string& address,
                            std::int64_t now, unsigned limit) {
  const std::lock_guard lock(mutex_);
  const auto a = accounts_.find(account);
  const auto b = addresses_.find(address);
  return !(a != accounts_.end() && over(a->second, now, limit)) &&
         !(b != addresses_.end() && over(b->second, now, limit));
}

void LoginThrottle::failed(const std::string& account, const std::string& address,
                           std::int64_t now) {
  const std::lock_guard lock(mutex_);
  // Counts older than the window are dropped once the maps grow, so made-up accounts cannot
  // grow them without end; those still counting stay.
  if (accounts_.size() + addresses_.size() > 20000) {
    prune(accounts_, now);
    prune(addresses_, now);
    // Still too many made-up accounts: their counts go (each address keeps its own).
    if (accounts_.size() > 50000) accounts_.clear();
  }
  accounts_[account].push_back(now);
  addresses_[address].push_back(now);
}

void LoginThrottle::succeeded(const std::string& account) {
  const std::lock_guard lock(mutex_);
  accounts_.erase(account);
}

}  // namespace rosterd
