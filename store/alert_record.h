// An identity alert as the store keeps it: what a run found (planner/identity_match.h) and
// what a person decided about it (docs/identity.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "planner/identity_match.h"

namespace rosterd {

// Where an identity alert stands (the alerts table's `status`; alert_status_name is the name kept
// and shown).
enum class AlertStatus {
  open,       // waiting for a person
  proposed,   // part of a held run's re-key
  match,      // decided: the same student under the new ID (applied by the next run with the row,
              // or by `resolve --apply`)
  create,     // decided: a new student (applied the same way)
  applied,    // its decision was applied by a committed run
  dismissed,  // its held run was rejected or superseded
  settled,    // existing_unmatched: reported, nothing to decide
};
std::string_view alert_status_name(AlertStatus status);
std::optional<AlertStatus> alert_status_from_name(std::string_view name);

struct AlertRecord {
  std::int64_t id = 0;
  std::string feed;
  std::int64_t run = 0;  // the last run that raised it
  AlertStatus status = AlertStatus::open;
  IdentityAlert alert;
  std::string resolution_to;  // match: the chosen candidate; existing_unmatched: the outcome
  std::string decided_by;
  std::string decided;  // UTC, ISO 8601
  std::optional<std::int64_t> applied_run;
  std::string raised;  // UTC, ISO 8601

  bool is_open() const { return status == AlertStatus::open || status == AlertStatus::proposed; }
  // Decided by a person, not yet applied.
  bool is_decided() const { return status == AlertStatus::match || status == AlertStatus::create; }
};

// A state ID a student gave up for another (a re-key), as recorded.
struct IdChange {
  std::string old_id;
  std::string new_id;
  std::int64_t run = 0;
  std::string changed;  // UTC, ISO 8601
};

}  // namespace rosterd
