// The drop ledger (source_files, source_observations): every version of every file a feed's drop
// listed, what became of it, and how long each name has been listed unchanged. It is what makes
// a file ingested exactly once (docs/drops.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/source_file.h"
#include "store/sql_db.h"

namespace rosterd {

class DropLedger {
 public:
  // `clock` stamps when a file was seen.
  DropLedger(SqlDb& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Notes that the drop lists `name` with this size and mtime at `now` (seconds since the
  // epoch) and returns since when it has been listed unchanged.
  std::int64_t observe(const std::string& feed, const std::string& name, std::uint64_t size,
                       std::int64_t mtime, std::int64_t now);
  // Forgets the observations of files no longer listed (or taken).
  void forget_observations(const std::string& feed, const std::vector<std::string>& keep_names);

  // The record of this exact version of a file, if it was seen before.
  std::optional<SourceFile> file(const std::string& feed, const std::string& name,
                                 std::uint64_t size, std::int64_t mtime);
  std::optional<SourceFile> file(std::int64_t id);
  // An earlier file of the feed with these bytes (fetched or ingested), if any.
  std::optional<SourceFile> file_with_sha(const std::string& feed, const std::string& sha256);
  // Adds a record (its id is ignored), with the members of a set, and returns its id.
  std::int64_t add(const SourceFile& file, const std::vector<SourceMember>& members = {});
  // The members of a set's record, by local name; empty for one file.
  std::vector<SourceMember> members(std::int64_t id);
  // Whether this version of a file was a member of a set the feed recorded before.
  bool member_taken(const std::string& feed, const std::string& name, std::uint64_t size,
                    std::int64_t mtime);
  // Updates status, detail, local_path and after_action.
  void update(const SourceFile& file);
  // Deletes a record that never ran, and the records of repeats of it, so that they are seen
  // as new at the next poll.
  void forget(std::int64_t id);
  // Counts an attempt to run the file.
  void note_attempt(std::int64_t id);
  // Files still `fetched`: never run, their run failed (a crash, a store error), or their run
  // finished but the record was not yet marked ingested; and files `ingested` whose after-action
  // was never recorded (a crash between the two). Not those whose run is still running. Oldest
  // first.
  std::vector<SourceFile> pending(const std::string& feed);
  // Repeats whose after-action is still to come: kept until their original is ingested, or
  // never recorded (a crash between the record and the action). Oldest first.
  std::vector<SourceFile> unsettled_repeats(const std::string& feed);
  // The last `last` records, newest first, of one feed (or all when `feed` is empty).
  std::vector<SourceFile> recent(const std::string& feed, std::size_t last);
  // The feed's last file that was ingested or checked (not a repeat), if any.
  std::optional<SourceFile> last_ingested(const std::string& feed);
  // True when a file of the feed entered the ledger, or was first listed in its drop (still
  // being delivered), at or after `since` (seconds since the epoch).
  bool seen_since(const std::string& feed, std::int64_t since);

 private:
  std::int64_t add_record(const SourceFile& file);

  SqlDb& db_;
  const Clock& clock_;
};

// The migrations for sets of files (the same SQL for SQLite and PostgreSQL): the members of a
// set taken together (source_file_members); then runs.delta (1 for a OneRoster delta set's run)
// and the index member_taken reads.
std::string_view source_members_sql();
std::string_view delta_runs_sql();

}  // namespace rosterd
