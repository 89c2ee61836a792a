// What a poll did, as "KIND:NAME" strings a test compares in one CHECK.
#pragma once

#include <string>
#include <vector>

#include "pipeline/feed_intake.h"

namespace rosterd::testing {

inline std::vector<std::string> fetch_kinds(const FetchResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.events) {
    static const char* names[] = {"taken", "waiting", "repeat", "too_large"};
    out.push_back(std::string(names[static_cast<int>(e.kind)]) + ":" + e.name);
  }
  return out;
}

}  // namespace rosterd::testing
