// A whole-file check: reads a roster, checks every row, finds duplicate IDs, and keeps what a
// plan needs. `rosterd check` prints it; later stages (plan, commit) build on it.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/discrepancy.h"
#include "core/identity_key.h"
#include "core/student_table.h"
#include "parsers/roster_reader.h"
#include "parsers/roster_set.h"
#include "parsers/zip_archive.h"
#include "validators/check_counts.h"
#include "validators/feed_scope.h"
#include "validators/kind_check.h"
#include "validators/row_checker.h"

namespace rosterd {

struct CheckResult {
  FileSummary file;
  // Every row that names a state ID, in file order; rejected rows are marked and keep only
  // their ID (see CheckRun::keep_rows for accepted ones). Empty when the file is refused.
  StudentTable students;
  // Sorted by line; within a line, in the order found.
  std::vector<Discrepancy> discrepancies;
  CheckCounts counts;
  // With a scope (CheckRun::scope): accepted rows out of it, and rows of opted-out students.
  std::uint32_t rows_out_of_scope = 0;
  std::uint32_t rows_opted_out = 0;
  // Rows that repeat an accepted student's row for another of their contacts
  // (RosterFormat::student_repeats_per_contact): read as that one student, not counted in the
  // file's rows nor kept in `students`.
  std::uint32_t rows_repeated = 0;
  std::array<std::uint32_t, kDiscrepancyCodeCount> by_code{};
  // The other kinds of a set (CheckRun::kinds), in EntityKind order, each with its own file,
  // rows, discrepancies and counts; empty for a students' file alone, and when refused.
  std::vector<KindCheckResult> kinds;

  bool refused() const { return file.refusal.has_value(); }
  // A row of the students' file or of another kind's rejected or warned about.
  bool has_discrepancies() const;
};

struct CheckRun {
  // A large file is read in up to this many parts at once (RosterReader::read_file); the result
  // does not depend on it.
  std::size_t threads = 1;
  // Keep every accepted row's normalized values in CheckResult::students (a plan needs them).
  // Without it, rows are kept by their state ID only: enough for a check, and less memory.
  bool keep_rows = true;
  // Accepted rows with different state IDs that agree on these fields are reported as
  // same_person_two_ids (a warning). Empty: not looked for.
  MatchFields same_person = default_match_fields();
  // Counts the rows the feed's scope leaves out (not owned; null: no scope).
  const FeedScope* scope = nullptr;
  // What a set delivered as a zip may hold (its max_bytes: the feed's source.max_bytes).
  ZipLimits zip{};
  // The committed roster's values of a student, for a delta set (read_roster_set); empty: a
  // check with no store.
  CommittedLookup committed{};
  // The kinds the feed takes beside students (not owned; null or empty: students alone). With
  // some, check_roster_path reads a set of the students' file and a file a kind.
  const RosterKinds* kinds = nullptr;
};

// Reads and checks the roster at `path`. Throws rosterd::Error when it cannot be opened.
CheckResult check_roster_file(const RosterReader& reader, const RowChecker& checker,
                              const std::filesystem::path& path, const CheckRun& run = {});

// Reads and checks the students of a set of files (parsers/roster_set.h), laid out as
// `format.preset` says; line numbers are those of the set's students' file.
CheckResult check_roster_set(const RosterFormat& format, const RowChecker& checker,
                             const RosterSet& set, const CheckRun& run = {});

// What a person or a drop hands rosterd: a file for a layout of one file, or a folder or a zip
// holding a set for a layout of several, or for a feed that takes other kinds (CheckRun::kinds;
// validators/whole_roster_check.h). Throws Error when `path` is the wrong one of the two for the
// layout, or cannot be read.
CheckResult check_roster_path(const RosterFormat& format, const RowChecker& checker,
                              const std::filesystem::path& path, const CheckRun& run = {});

// Whether check_roster_path may ask run.committed for this layout (a set's delta is completed
// from the store). When not, a caller may read the store on another thread during the check.
bool check_may_ask_committed(const RosterFormat& format, const RosterKinds* kinds);

// The same for bytes in memory, named `name` in the result.
CheckResult check_roster_bytes(const RosterReader& reader, const RowChecker& checker,
                               std::string_view name, std::string_view bytes);
CheckResult check_roster_bytes(const RosterReader& reader, const RowChecker& checker,
                               std::string_view name, std::string_view bytes, const CheckRun& run);

}  // namespace rosterd
