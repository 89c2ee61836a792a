// The store's identity tables (migration 4): alerts, student_id_changes and
// existing_students. Free functions over the store's handle, called inside its transactions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/alert_record.h"
#include "store/sql_db.h"

namespace rosterd {

// Records run `run`'s alerts. An alert already open for the same row (kind and state ID) is
// brought up to date instead of repeated. When `committed`, existing_unmatched alerts are
// settled at once (and their students' outcome recorded); otherwise they wait, like re-keys,
// for the held run's approval.
void record_alerts(SqlDb& db, const std::string& feed, std::int64_t run,
                   const std::vector<IdentityAlert>& alerts, bool committed,
                   const std::string& now);

// The decisions `ids` are applied by run `run`: at once when `committed`, else on its approval.
void record_applied_resolutions(SqlDb& db, std::int64_t run, const std::vector<std::int64_t>& ids,
                                bool committed);

// Held run `run` was approved: its proposed alerts and the decisions it carries take effect.
void settle_run_alerts(SqlDb& db, std::int64_t run);

// Run `committed_run` committed: every other held run of the feed can no longer be approved
// (its base changed), so their proposed alerts are dismissed.
void dismiss_stale_proposals(SqlDb& db, const std::string& feed, std::int64_t committed_run);

// Held run `run` was rejected: its proposed alerts are dismissed, its decisions wait again.
void dismiss_run_alerts(SqlDb& db, std::int64_t run);

// A linked addition was committed: the existing student is linked to `state_id`.
void link_existing(SqlDb& db, const std::string& feed, const std::string& platform_id,
                   const std::string& state_id, std::int64_t run);

IdentityState load_identity_state(SqlDb& db, const std::string& feed);

// Alerts of `feed` (all feeds when empty) or the one with `id`, oldest first.
std::vector<AlertRecord> query_alerts(SqlDb& db, const std::string& feed, bool all,
                                      std::optional<std::int64_t> id = std::nullopt);

void record_resolution(SqlDb& db, std::int64_t id, bool match, const std::string& to,
                       const std::string& who, const std::string& now);

// A decision that no longer applies: the alert is open again, for a person to decide anew.
void reopen_alert(SqlDb& db, std::int64_t id);

// Marks decided alert `id` applied by run `run`.
void mark_applied(SqlDb& db, std::int64_t id, std::int64_t run);

void replace_existing(SqlDb& db, const std::string& feed,
                      const std::vector<ExistingStudent>& students, const std::string& now);

void record_id_change(SqlDb& db, const std::string& feed, const std::string& old_id,
                      const std::string& new_id, std::int64_t run, const std::string& now);
std::vector<IdChange> query_id_history(SqlDb& db, const std::string& feed,
                                       const std::string& state_id);

}  // namespace rosterd
