#include "core/fault_point.h"

#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "core/log.h"

namespace rosterd {
namespace {

struct Armed {
  std::string step;  // empty: no fault point is armed
  int signal = SIGKILL;
};

// Read once: the environment does not change under a running process.
const Armed& armed() {
  static const Armed a = [] {
    Armed out;
    const char* v = std::getenv("ROSTERD_FAULT_AT");
    if (v == nullptr) return out;
    std::string s = v;
    if (const auto colon = s.rfind(':'); colon != std::string::npos) {
      const std::string sig = s.substr(colon + 1);
      s.resize(colon);
      if (sig == "TERM") {
        out.signal = SIGTERM;
      } else if (sig == "STOP") {
        out.signal = SIGSTOP;
      } else if (sig != "KILL") {
        return out;  // an unknown signal arms nothing
      }
    }
    out.step = s;
    return out;
  }();
  return a;
}

std::atomic<bool> fired{false};

}  // namespace

void fault_point(std::string_view step) {
  const Armed& a = armed();
  if (a.step.empty() || step != a.step || fired.exchange(true)) return;
  log::warning("fault_point.reached", {{"step", std::string(step)},
                                       {"signal", a.signal == SIGKILL   ? "KILL"
                                                  : a.signal == SIGTERM ? "TERM"
                                                                        : "STOP"}});
  // To this thread, not the process: a signal sent to the process may be taken by another of
  // its threads, and then this one runs on (under load, far enough to take a lock) before the
  // stop reaches it. Sent to itself, it stops or dies before the next statement.
  ::raise(a.signal);
}

}  // namespace rosterd
