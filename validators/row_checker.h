// Checks one roster row and turns it into the normalized form rosterd stores and compares:
// platform codes, ISO dates, status A/I, diagnoses sorted, scores in shortest form.
#pragma once

#include <string>
#include <vector>

#include "core/civil_date.h"
#include "core/discrepancy.h"
#include "core/student_table.h"
#include "parsers/roster_format.h"
#include "parsers/roster_reader.h"
#include "validators/check_options.h"
#include "validators/code_translator.h"

namespace rosterd {

// A normalized row; the views point into `text` and stay valid until the next use.
struct NormalizedRow {
  StudentValues values;
  std::string text;
};

class RowChecker {
 public:
  static constexpr std::size_t kMaxFieldBytes = 4096;

  // REQUIRES: format, options and reference outlive the checker. `today` fixes the school year
  // used for age checks (injectable so that tests do not depend on the calendar).
  RowChecker(const RosterFormat& format, const CheckOptions& options, const ReferenceSet& reference,
             CivilDate today);

  // Appends every problem of the row (the reader's and its own) to `problems` and fills `out`.
  // Returns true when the row is accepted (no error; warnings allowed).
  bool check(const RawRow& row, NormalizedRow& out, std::vector<Discrepancy>& problems) const;

  // The day ages are computed on: the latest school-year start on or before `today`.
  CivilDate age_reference_date() const { return age_date_; }
  // The platform's code for a district's campus code, as check() maps it (the code itself when
  // the feed has no campus table); nullopt for a code the tables do not know.
  std::optional<std::string> campus_code(std::string_view district_code) const;

  // The typical age for a platform grade code, or -1 when unknown.
  int typical_age(std::string_view grade) const;

  const RosterFormat& format() const { return format_; }
  // The feed's cross-match, which the other kinds' files are checked against too.
  const ReferenceSet& reference() const { return reference_; }

 private:
  const RosterFormat& format_;
  const CheckOptions& options_;
  const ReferenceSet& reference_;
  CivilDate age_date_;
  // The file's as-of date: the century of a two-digit birth year is read from it.
  CivilDate today_;
  std::string status_help_;
  // "%m/%d/%Y or %m/%d/%y": the formats a birth date may have, for messages.
  std::string date_formats_;
};

}  // namespace rosterd
