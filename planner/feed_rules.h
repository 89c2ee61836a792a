// What a feed may change: its scope (validators/feed_scope.h) and its `import:` rules
// (docs/feed-rules.md). Applied around the plan: the scope while planning, the import rules
// after identity matching, so that a re-key under "update only" is still a re-key.
#pragma once

#include <bitset>
#include <optional>
#include <string>
#include <string_view>

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

// The rules as one line of text, the same for the same rules ("campuses=101,102 grades=*
// exclude_students=2 out_of_scope=deactivate add=1 update=1 deactivate=1 skip=ela_score"): the
// store keeps it with each run, so that a run can tell a config change from the last one.
std::string describe_rules(const FeedRules& rules);

// The scope lists of a description (exclude_students is only counted there, so it stays empty).
// nullopt for text that is not a description.
std::optional<FeedScope> scope_of_description(std::string_view text);

}  // namespace rosterd
