// An identity alert as the store keeps it: what a run found (planner/identity_match.h) and
// what a person decided about it (docs/identity.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "planner/identity_match.h"

namespace rosterd {

struct AlertRecord {
  std::int64_t id = 0;
  std::string feed;
  std::int64_t run = 0;  // the last run that raised it
  // open (waiting for a person), proposed (part of a held run's re-key), match or create
  // (decided, applied by the next run with the row, or by `resolve --apply`), applied,
  // dismissed (its held run was rejected), settled (existing_unmatched, reported).
  std::string status;
  IdentityAlert alert;
  std::string resolution_to;  // match: the chosen candidate; existing_unmatched: the outcome
  std::string decided_by;
  std::string decided;  // UTC, ISO 8601
  std::optional<std::int64_t> applied_run;
  std::string raised;  // UTC, ISO 8601

  bool is_open() const { return status == "open" || status == "proposed"; }
};

// A state ID a student gave up for another (a re-key), as recorded.
struct IdChange {
  std::string old_id;
  std::string new_id;
  std::int64_t run = 0;
  std::string changed;  // UTC, ISO 8601
};

}  // namespace rosterd
