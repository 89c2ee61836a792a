// What a feed may change: its scope (validators/feed_scope.h) and its `import:` rules
// (docs/feed-rules.md). Applied around the plan: the scope while planning, the import rules
// after identity matching, so that a re-key under "update only" is still a re-key.
#pragma once

#include <bitset>

#include "core/field.h"
#include "validators/feed_scope.h"

namespace rosterd {

struct ImportRules {
  bool add = true;         // false: new students are reported (suppressed_added), not added
  bool update = true;      // false: changes to students (and re-keys, reactivations) likewise
  bool deactivate = true;  // false: withdrawals and scope leavers are kept active
  // Fields read and checked but never written or compared (`fields: {ela_score: skip}`).
  std::bitset<kFieldCount> skip;

  bool restricts() const { return !add || !update || !deactivate || skip.any(); }
};

struct FeedRules {
  FeedScope scope;
  ImportRules import;
};

}  // namespace rosterd
