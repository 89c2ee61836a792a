// The ledger of files taken from a feed's drop: one record for every version of every file
// rosterd has seen there, so that a file is taken once even across restarts, and the same bytes
// under a new name are recognised as a repeat.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "planner/run_state.h"

namespace rosterd {

// One file of a set taken together (a OneRoster set delivered as loose files).
struct SourceMember {
  std::string remote_name;  // as the drop lists it: "2026-12-04_users.csv"
  std::string local_name;   // its name in the staged folder: "users.csv"
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::string sha256;  // empty when the set was not downloaded (a member too large)
};

// A file, or a set of files taken together: then remote_name names the set
// ("2026-12-04_{manifest.csv,orgs.csv,users.csv}"), size is the members' sum, mtime the newest
// member's, sha256 the set's (parsers/roster_set.h), local_path the staged folder, and the
// members are in the ledger beside it (DropLedger::members).
struct SourceFile {
  std::int64_t id = 0;
  std::string feed;
  std::string remote_name;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::string sha256;   // empty when the file was not downloaded (too large)
  std::string seen_at;  // UTC, ISO 8601
  // fetched: downloaded, waiting for (or in) its run; ingested: its run finished; checked: its
  // run finished while the feed was paused (a test import: its bytes are no repeat source);
  // repeat: the same bytes as repeat_of, not ingested again; too_large: over max_bytes, not taken;
  // failed: its run failed `attempts` times and it will not be tried again.
  std::string status;
  std::string detail;      // why, for repeat / too_large / failed
  std::string local_path;  // the staged (later archived) copy
  std::optional<std::int64_t> repeat_of;
  std::optional<std::int64_t> run_id;  // the run that ingested it (the last one tried)
  std::optional<RunState> run_state;   // that run's state, read with the record
  int attempts = 0;
  std::string after_action;      // kept, moved to PATH, deleted, or "failed: why"
  std::size_t member_count = 0;  // files in the set; 0 for one file
  bool is_set() const { return member_count > 0; }
};

}  // namespace rosterd
