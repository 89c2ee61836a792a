// How a feed matches people across state IDs: the `identity:` section of a feed
// (docs/identity.md).
#pragma once

#include <cstdint>
#include <string>

#include "core/identity_key.h"

namespace rosterd {

// What the first live run does with an imported existing student no file row matched.
enum class UnmatchedExisting { keep, deactivate };

struct IdentityPolicy {
  // The fields a new state ID's row must share with a committed student to be a possible match.
  MatchFields match_on = default_match_fields();
  // A run with at least this many one-to-one matches between vanished and new IDs is a re-key:
  // held with the proposed ID mapping instead of adds and deactivations. 0: never.
  std::uint32_t rekey_min_students = 10;
  UnmatchedExisting unmatched_existing = UnmatchedExisting::keep;
  // The column of `rosterd import-existing` files that holds the platform's own student ID.
  std::string existing_id_column = "PlatformID";
};

}  // namespace rosterd
