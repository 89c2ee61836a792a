// Generates realistic rosters with a known number of discrepancies of each code, for the
// integration tests and the benchmarks. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/discrepancy.h"

namespace rosterd::testing {

struct GeneratorOptions {
  std::size_t clean_rows = 100;
  std::uint64_t seed = 42;
  // How many rows to plant for each row-level code. A planted duplicate_id row repeats the ID of
  // a clean row, so it yields two discrepancies and two rejected rows. bad_quote needs a feed
  // with `quote: double` (write_test_feed's default).
  std::map<DiscrepancyCode, std::size_t> inject;
};

struct GeneratedRoster {
  std::string text;
  std::size_t rows = 0;
  std::map<DiscrepancyCode, std::size_t> expected;  // discrepancies per code
  std::size_t rows_rejected = 0;
  std::size_t rows_warned = 0;
};

// The header of the default layout (format.columns defaults), without a line break.
inline constexpr const char* kDefaultHeader =
    "StudentStateID|LocalStudentID|LegalFirstName|LegalMiddleName|LegalLastName|DateOfBirth|"
    "Grade|CampusID|Diagnoses|Status|ELAScore|MathScore";

// The date the generated birth dates are consistent with (pass it as --as-of).
inline constexpr const char* kGeneratorAsOf = "2026-11-23";

GeneratedRoster generate_roster(const GeneratorOptions& options);

// Writes a clean generated roster of `rows` students to `path` (the benchmarks' input).
void write_generated_roster(std::size_t rows, const std::filesystem::path& path);

// Writes the night after `in` (a generated roster) to `out`: every 100th student renamed (1%
// of the students updated), as the benchmarks' "next night".
void write_next_night(const std::filesystem::path& in, const std::filesystem::path& out);

// One of every row-level code a four-digit-year roster can have, `n` times.
std::map<DiscrepancyCode, std::size_t> every_row_code(std::size_t n);

// Writes reference tables, code maps and `rosterd.yaml` (feed "gen", quote double, digits-only
// 10-character state IDs, store roster.db) into `dir`; returns the config path.
// `extra_feed_yaml` is appended to the feed's section (indented by the caller with four spaces).
std::filesystem::path write_test_feed(const std::filesystem::path& dir,
                                      const std::string& extra_feed_yaml = "",
                                      const std::string& mode = "test");

// The YAML of a live feed `name` under `feeds:` (indented two spaces), with write_test_feed's
// reference tables and checks, polled every second from the local folder `drop` (taken at once,
// deleted once taken), its QA report to qa-NAME@example.org: what the tests and benchmarks of
// several instances configure for each of many feeds.
std::string live_feed_yaml(const std::string& name, const std::string& drop);

// A roster in the default layout from rows of twelve values (Field order).
std::string roster_text(const std::vector<std::vector<std::string>>& rows);

}  // namespace rosterd::testing
