// What a feed's rows are checked against beyond the cross-match: the `checks:` section.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "core/civil_date.h"

namespace rosterd {

enum class IdCharset { any, digits, alphanumeric };

struct IdRule {
  std::size_t min_length = 1;
  std::size_t max_length = 64;
  // `any` still refuses blanks and control characters inside an ID.
  IdCharset charset = IdCharset::any;
};

struct ScoreRange {
  double min = 0;
  double max = 100;
};

struct CheckOptions {
  IdRule state_id;
  // Typical age of a platform grade code on the school year's start date. When empty, rosterd
  // derives it from common codes: PK 4, K/KG 5, 1..12 (or 01..12) 5 + grade.
  std::map<std::string, int, std::less<>> grade_ages;
  // How far (in years) a student's age may be from the grade's typical age before
  // implausible_birth_date is reported.
  int age_tolerance_years = 2;
  // Ages are computed on this month/day of the current school year (default 1 September).
  unsigned school_year_start_month = 9;
  unsigned school_year_start_day = 1;
  ScoreRange ela_score;
  ScoreRange math_score;
};

}  // namespace rosterd
