// How the safeguards weigh a share against a limit, and write it, the same for students and for
// every other kind.
#pragma once

#include <cstdio>
#include <string>

namespace rosterd {

// `part` of `whole` in percent; 0 for nothing to weigh.
inline double pct(double part, double whole) {
  return whole <= 0 ? 0 : 100.0 * part / whole;
}

// Whether `share` is over `limit`. Written as "not within" so that a limit that is not a number
// (the config refuses one; a store or caller could still hand one in) holds the run, never waves
// it through: every comparison with NaN is false.
inline bool over(double share, double limit) {
  return !(share <= limit);
}

// "12.5%".
inline std::string fmt_pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", v);
  return buf;
}

}  // namespace rosterd
