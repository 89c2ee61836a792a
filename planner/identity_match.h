// Identity: a row whose state ID is new to the feed may be a student the roster already has
// under another ID (an ID change, a district re-key) or a student the platform had before
// go-live. match_identities finds them before anything is committed, so that no student is
// created twice (docs/identity.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <set>

#include "planner/identity_policy.h"
#include "planner/plan.h"
#include "validators/feed_scope.h"

namespace rosterd {

// possible_match: a new ID's row is the same person as committed student(s) absent from the
// file; rekey: one pair of a re-key (the run is held with the proposed mapping);
// existing_match: a row matches several imported existing students, or one claimed by several
// rows; existing_unmatched: an imported existing student no row matched.
enum class AlertKind : std::uint8_t { possible_match, rekey, existing_match, existing_unmatched };

std::string_view alert_kind_name(AlertKind kind);
std::optional<AlertKind> alert_kind_from_name(std::string_view name);

struct MatchCandidate {
  // A committed state ID, or for the existing_* kinds an existing student's platform ID.
  std::string id;
  int score = 0;  // match_score, 0..100
  // kFieldCount, for showing both records side by side; empty for a rekey pair, whose old
  // record is the re-key change's before-image.
  std::vector<std::string> values;
};

struct IdentityAlert {
  AlertKind kind = AlertKind::possible_match;
  std::string state_id;  // the file row's (new) state ID; empty for existing_unmatched
  std::uint32_t line = 0;
  std::vector<std::string> row;  // the row's values (kFieldCount); empty for existing_unmatched
  std::vector<MatchCandidate> candidates;  // best score first
  // existing_unmatched: what the run does with the student, "kept" or "inactive".
  std::string outcome;
};

// A person's decision on an earlier alert, applied by the next run whose file has the row.
struct Resolution {
  std::int64_t alert = 0;
  AlertKind kind = AlertKind::possible_match;
  std::string state_id;  // the row's new state ID
  bool match = false;    // false: add as a new student
  std::string to;        // match: the committed state ID, or the existing student's platform ID
};

// A student the platform had before the feed went live (rosterd import-existing).
struct ExistingStudent {
  std::string platform_id;
  std::vector<std::string> values;  // kFieldCount; the state and local IDs may be empty
};

// What the store knows about identity beyond the committed roster.
struct IdentityState {
  std::vector<Resolution> resolutions;     // decided, not yet applied
  std::vector<std::string> protected_ids;  // candidates of open alerts: never deactivated
  std::vector<ExistingStudent> existing;   // imported, not yet linked or settled
  // The feed has no committed student yet: this run is the go-live that links, alerts and
  // lists the unmatched. After it, only the rows of open existing_match alerts are matched
  // (and never linked without a decision).
  bool go_live = true;
  std::vector<std::string> existing_alert_rows;  // state IDs of open existing_match alerts
  // A school-by-school go-live: campuses with committed students already (each other campus
  // goes live with its first rows, and links to its existing students then), and the feed's
  // scope (existing students out of it stay pending). Filled only when `existing` is not empty.
  std::set<std::string, std::less<>> live_campuses;
  const FeedScope* scope = nullptr;
};

// Rewrites `plan` (made by make_plan): additions that a person resolved become
// re-keys, links or plain additions; additions that match absent committed students by
// `policy.match_on` become possible_match alerts (not added; the candidates not deactivated) —
// or, when at least policy.rekey_min_students pair up one to one, proposed re-keys; open
// alerts' candidates are not deactivated; with imported existing students, additions are
// matched to them by state ID, then local ID, then name and birth date: unique matches are
// linked, the rest become alerts, and students no row matched are listed. A decision that no
// longer applies (`--match` to a student who is in the file again) holds its row and is
// listed in plan.reopened_resolutions, for a person to decide again.
// REQUIRES: plan.changes in ID order, as make_plan leaves them; they are left in ID order.
void match_identities(Plan& plan, CommittedRoster& committed, const IdentityState& state,
                      const IdentityPolicy& policy);

}  // namespace rosterd
