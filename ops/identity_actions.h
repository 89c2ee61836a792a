// What a person decides and sees about identity (docs/identity.md): the alerts, a decision on
// some of them or on every open one of a run, applying the decisions at once, one student's
// record with its earlier IDs, and the platform's existing students loaded before go-live.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "store/roster_store.h"

namespace rosterd {

// The feed's alerts (all feeds when empty): open and decided-but-unapplied ones, or all.
std::vector<AlertRecord> list_alerts(RosterStore& store, const std::string& feed, bool all);

// A person's decisions. Either `alerts` (each decided as `match`, with `to` naming the candidate
// when there are several, or as a new student), or `run` with `match_all` (every open alert of
// the run a match; a held run of proposed re-keys is approved) or not (every open alert a new
// student; the run's re-keys rejected); or neither, with `apply` and `feed`.
struct ResolveRequest {
  std::vector<std::int64_t> alerts;
  bool match = false;
  std::string to;
  std::optional<std::int64_t> run;
  bool match_all = false;
  std::string feed;
  bool apply = false;  // apply the decided alerts of every feed concerned now, as a run of its own
};

struct ResolveResult {
  // For a held run of proposed re-keys: approved (how many students took their new IDs), or its
  // re-keys rejected (how many will be added as new students).
  std::optional<std::size_t> rekeys_approved;
  std::optional<std::size_t> rekeys_rejected;
  std::int64_t run = 0;                // the run decided, when request.run
  std::vector<AlertRecord> decided;    // the alerts decided now, as they stand
  std::vector<AlertRecord> left_open;  // a match-all over an alert with several candidates
  std::vector<RunRecord> applied;      // with apply: one run a feed that had something to apply
  std::vector<std::string> nothing_applied;  // with apply: feeds that had nothing to apply
  std::vector<std::string> skipped;  // decisions that no longer applied (their alerts reopened)
};

// Throws NotFoundError for an unknown run or alert, Error when a decision cannot be made (the
// run is held by another safeguard too, an alert is not open, a candidate is not one).
ResolveResult resolve_alerts(RosterStore& store, const ResolveRequest& request, const Actor& by);

// Throws NotFoundError when the feed has no such student.
StudentRecord student_record(RosterStore& store, const std::string& feed,
                             const std::string& state_id);

struct ExistingImport {
  std::size_t students = 0;
  std::size_t without_state_id = 0;
};
// Reads the platform's existing students (the feed's layout plus identity.existing_id_column)
// and loads them; a file with any problem is refused whole (Error listing each problem with its
// line and column, one a line, before the store is opened).
ExistingImport import_existing_students(const Config& config, const FeedConfig& feed,
                                        const std::filesystem::path& file);

}  // namespace rosterd
