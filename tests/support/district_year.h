// A K-12 district the tests can take through a school year, night by night: each student in the
// grade their birth date fits and at the school that grade attends (K-5 at 101, 6-8 at 102,
// 9-12 at 103), written in the default layout for write_test_feed's feed. Deterministic for a
// seed. What the school-year safeguards are tested against (docs/school-year.md).
#pragma once

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/field.h"

namespace rosterd::testing {

class DistrictYear {
 public:
  // `students` active students spread evenly over K-12, born for the school year starting on
  // 1 September of `fall_year`.
  DistrictYear(std::size_t students, std::uint64_t seed, int fall_year = 2026);

  // Tonight's file: kDefaultHeader and a row a student, withdrawn ones with status I.
  std::string file() const;
  // The same file with the values of fields `a` and `b` exchanged on every row: a district
  // export whose columns were put in the wrong order.
  std::string file_with_swapped(Field a, Field b) const;

  // An ordinary school night: up to one student in five hundred enrols, as many withdraw, and
  // up to one in two hundred has a name or birth date corrected.
  void night();
  // The first night of a term: 3% of the students enrol, 2% withdraw.
  void start_of_term();
  // A night on which a term's test results come in: every student's scores change.
  void new_scores();
  // The summer: the first file of the next school year. Every active student goes a grade up,
  // to the school that grade attends (fifth graders to 102, eighth graders to 103); the
  // twelfth grade graduates and is left out of the file; a new kindergarten class as large as
  // a grade enrols; `retained_pct` of the students stay in their grade and `withdrawn_pct`
  // leave (left out of the file).
  void rollover(double retained_pct, double withdrawn_pct);
  // `n` new students enrol, in grades spread as the district's; `withdrawn_pct` of the active
  // students withdraw (their rows sent with status I).
  void enrol_and_withdraw(std::size_t n, double withdrawn_pct);

  std::size_t active() const;

 private:
  using Row = std::array<std::string, kFieldCount>;
  Row make_student(int grade_index);
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  std::size_t pick_active();

  std::vector<Row> rows_;
  std::mt19937_64 rng_;
  std::uint64_t next_id_ = 2000000000;
  int fall_year_;
};

}  // namespace rosterd::testing
