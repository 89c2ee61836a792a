// Failed sign-ins, counted per account and per client address over a sliding 15 minutes: past
// the limit (console.login_attempts) every sign-in from that address or for that account is
// refused, a right password included, until the window moves on. Kept in memory: a restart
// forgets them, which costs an attacker a restart they cannot cause. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace rosterd {

class LoginThrottle {
 public:
  static constexpr std::int64_t kWindow = 15 * 60;

  // True when a sign-in for `account` from `address` may be tried at `now`.
  bool allowed(const std::string& account, const std::string& address, std::int64_t now,
               unsigned limit);
  void failed(const std::string& account, const std::string& address, std::int64_t now);
  // A successful sign-in clears the account's count (not the address's).
  void succeeded(const std::string& account);

 private:
  bool over(std::deque<std::int64_t>& times, std::int64_t now, unsigned limit);

  std::mutex mutex_;
  std::map<std::string, std::deque<std::int64_t>> accounts_;
  std::map<std::string, std::deque<std::int64_t>> addresses_;
};

}  // namespace rosterd
