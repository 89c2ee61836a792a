#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "validators/row_checker.h"

using namespace rosterd;

namespace {

ReferenceSet make_reference() {
  ReferenceSet ref;
  ReferenceTable grades;
  for (const char* g : {"K", "01", "05", "06"})
    grades.add(g, g);
  CodeMap grade_map;
  grade_map.add("KG", "K");
  grade_map.add("5", "05");
  ref.grades.emplace("grade", grades, grade_map);
  ReferenceTable campuses;
  campuses.add("101", "Lincoln");
  CodeMap campus_map;
  campus_map.add("LES", "101");
  ref.campuses.emplace("campus", campuses, campus_map);
  ReferenceTable diagnoses;
  for (const char* d : {"AU", "SI", "SLD"})
    diagnoses.add(d, d);
  CodeMap diagnosis_map;
  diagnosis_map.add("AUT", "AU");
  ref.diagnoses.emplace("diagnosis", diagnoses, diagnosis_map);
  return ref;
}

struct Fixture {
  RosterFormat format = RosterFormat::default_layout();
  CheckOptions options;
  ReferenceSet reference = make_reference();

  // A row that passes every check; tests change one field.
  std::array<std::string, kFieldCount> good() const {
    return {"1000000001", "L1", "Ava", "", "Lee", "2016-03-14", "5", "LES", "", "A", "78", "82"};
  }

  struct Outcome {
    bool accepted;
    std::vector<Discrepancy> problems;
    std::array<std::string, kFieldCount> normalized;
  };

  Outcome check(const std::array<std::string, kFieldCount>& values) const {
    RowChecker checker(format, options, reference, CivilDate{2026, 11, 23});
    RawRow row;
    row.line = 7;
    for (std::size_t i = 0; i < kFieldCount; ++i)
      row.values[i] = values[i];
    NormalizedRow out;
    Outcome o;
    o.accepted = checker.check(row, out, o.problems);
    for (std::size_t i = 0; i < kFieldCount; ++i)
      o.normalized[i] = std::string(out.values[i]);
    return o;
  }

  // The single problem of a row with `f` set to `value`.
  Discrepancy only_problem(Field f, const std::string& value) const {
    auto v = good();
    v[field_index(f)] = value;
    const Outcome o = check(v);
    REQUIRE(o.problems.size() == 1);
    CHECK(o.problems[0].line == 7);
    CHECK(o.problems[0].student_id == v[0]);
    return o.problems[0];
  }
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "a good row is normalized to platform codes") {
  auto v = good();
  v[field_index(Field::diagnoses)] = "SLD ; AUT;AU";
  v[field_index(Field::ela_score)] = "78.50";
  const Outcome o = check(v);
  CHECK(o.accepted);
  CHECK(o.problems.empty());
  CHECK(o.normalized[field_index(Field::grade)] == "05");
  CHECK(o.normalized[field_index(Field::campus)] == "101");
  CHECK(o.normalized[field_index(Field::diagnoses)] == "AU;SLD");  // mapped, sorted, deduplicated
  CHECK(o.normalized[field_index(Field::birth_date)] == "2016-03-14");
  CHECK(o.normalized[field_index(Field::status)] == "A");
  CHECK(o.normalized[field_index(Field::ela_score)] == "78.5");
}

TEST_CASE_FIXTURE(Fixture, "dates are normalized from the feed's format") {
  format.date_format = "%m/%d/%Y";
  auto v = good();
  v[field_index(Field::birth_date)] = "3/14/2016";
  const Outcome o = check(v);
  CHECK(o.accepted);
  CHECK(o.normalized[field_index(Field::birth_date)] == "2016-03-14");
}

TEST_CASE_FIXTURE(Fixture,
                  "a two-digit year takes its century from the file's date, or is reported") {
  format.date_format = "%m/%d/%y";
  auto v = good();
  v[field_index(Field::birth_date)] = "3/14/16";
  const Outcome o = check(v);
  CHECK(o.accepted);
  CHECK(o.normalized[field_index(Field::birth_date)] == "2016-03-14");

  // Read on 2026-11-23: 2040 is in the future and 1940 is 86 years back.
  const Discrepancy d = only_problem(Field::birth_date, "3/14/40");
  CHECK(d.code == DiscrepancyCode::unclear_century);
  CHECK(d.value == "3/14/40");
  const std::string message = discrepancy_message(d);
  CHECK(message.find("two digits") != std::string::npos);
  CHECK(message.find("60 years up to the file's date, 2026-11-23") != std::string::npos);
  CHECK(only_problem(Field::birth_date, "2/30/16").code == DiscrepancyCode::invalid_date);
}

TEST_CASE_FIXTURE(Fixture, "each row-level error code") {
  CHECK(only_problem(Field::first_name, "").code == DiscrepancyCode::missing_required);
  CHECK(only_problem(Field::birth_date, "").code == DiscrepancyCode::missing_required);
  CHECK(only_problem(Field::birth_date, "2016-02-30").code == DiscrepancyCode::invalid_date);
  CHECK(only_problem(Field::birth_date, "14/03/2016").code == DiscrepancyCode::invalid_date);
  CHECK(only_problem(Field::grade, "13").code == DiscrepancyCode::unknown_grade);
  CHECK(only_problem(Field::campus, "NHS").code == DiscrepancyCode::unknown_campus);
  CHECK(only_problem(Field::status, "Active").code == DiscrepancyCode::invalid_status);
  CHECK(only_problem(Field::local_id, std::string(5000, 'x')).code ==
        DiscrepancyCode::field_too_long);
  const Discrepancy d = only_problem(Field::diagnoses, "AU;XYZ");
  CHECK(d.code == DiscrepancyCode::unknown_diagnosis);
  CHECK(d.value == "XYZ");
  CHECK(d.field == Field::diagnoses);
  const Discrepancy id = only_problem(Field::state_id, "12 34");
  CHECK(id.code == DiscrepancyCode::invalid_id);
}

TEST_CASE_FIXTURE(Fixture, "state ID rules") {
  options.state_id = IdRule{10, 10, IdCharset::digits};
  CHECK(check(good()).accepted);
  CHECK(only_problem(Field::state_id, "10000A0001").code == DiscrepancyCode::invalid_id);
  CHECK(only_problem(Field::state_id, "123").code == DiscrepancyCode::invalid_id);
  options.state_id = IdRule{1, 64, IdCharset::alphanumeric};
  CHECK(only_problem(Field::state_id, "AB-1").code == DiscrepancyCode::invalid_id);
}

TEST_CASE_FIXTURE(Fixture, "warnings leave the row accepted") {
  auto v = good();
  v[field_index(Field::birth_date)] = "2023-01-01";  // age 3 in grade 05
  v[field_index(Field::math_score)] = "abc";
  const Outcome o = check(v);
  CHECK(o.accepted);
  REQUIRE(o.problems.size() == 2);
  CHECK(o.problems[0].code == DiscrepancyCode::invalid_score);
  CHECK(o.problems[0].field == Field::math_score);
  CHECK(o.problems[1].code == DiscrepancyCode::implausible_birth_date);
  CHECK(o.problems[1].detail.find("age 3 on 2026-09-01") != std::string::npos);
  CHECK(o.normalized[field_index(Field::math_score)].empty());  // the score is not taken
}

TEST_CASE_FIXTURE(Fixture, "scores outside the configured range, or not finite, are not taken") {
  for (const char* bad : {"101", "-1", "nan", "inf", "1e3", "7x", "+5"}) {
    CAPTURE(bad);
    CHECK(only_problem(Field::ela_score, bad).code == DiscrepancyCode::invalid_score);
  }
  options.ela_score = ScoreRange{100, 999};
  auto v = good();
  v[field_index(Field::ela_score)] = "512";
  CHECK(check(v).problems.empty());
}

TEST_CASE_FIXTURE(Fixture, "age plausibility uses configured grade ages and the tolerance") {
  auto v = good();
  v[field_index(Field::birth_date)] = "2019-03-14";  // 7 on 2026-09-01; grade 05 is usually 10
  CHECK(check(v).problems.size() == 1);
  options.age_tolerance_years = 3;
  CHECK(check(v).problems.empty());
  options.grade_ages = {{"05", 7}};
  options.age_tolerance_years = 0;
  CHECK(check(v).problems.empty());
}

TEST_CASE_FIXTURE(Fixture, "status values are configurable, and empty means active") {
  format.status.active = {"Enrolled"};
  format.status.inactive = {"Withdrawn", "W"};
  auto v = good();
  v[field_index(Field::status)] = "withdrawn";
  CHECK(check(v).normalized[field_index(Field::status)] == "I");
  v[field_index(Field::status)] = "";
  CHECK(check(v).normalized[field_index(Field::status)] == "A");
  format.required.set(field_index(Field::status));
  CHECK(only_problem(Field::status, "").code == DiscrepancyCode::missing_required);
}

TEST_CASE_FIXTURE(Fixture, "a broken row reports only the reader's problem") {
  RowChecker checker(format, options, reference, CivilDate{2026, 11, 23});
  RawRow row;
  row.line = 3;
  row.broken = true;
  Discrepancy d;
  d.code = DiscrepancyCode::column_count;
  row.problems.push_back(d);
  NormalizedRow out;
  std::vector<Discrepancy> problems;
  CHECK_FALSE(checker.check(row, out, problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].code == DiscrepancyCode::column_count);
}

TEST_CASE_FIXTURE(Fixture, "the age reference date is the latest school-year start") {
  CHECK(RowChecker(format, options, reference, {2026, 11, 23}).age_reference_date() ==
        CivilDate{2026, 9, 1});
  CHECK(RowChecker(format, options, reference, {2026, 3, 1}).age_reference_date() ==
        CivilDate{2025, 9, 1});
  CHECK(RowChecker(format, options, reference, {2026, 9, 1}).age_reference_date() ==
        CivilDate{2026, 9, 1});
}

TEST_CASE_FIXTURE(Fixture, "built-in grade ages: PK is 4, K and 00 are 5, 1 to 12 are 6 to 17") {
  // Without a grade table, grades are taken as written; the age on 2026-09-01 is compared with
  // the grade's usual age (give or take two years, the default), or with school age (3 to 21)
  // for another.
  reference.grades.reset();
  const auto detail = [&](const char* grade, const char* birth) {
    auto v = good();
    v[field_index(Field::grade)] = grade;
    v[field_index(Field::birth_date)] = birth;
    const Outcome o = check(v);
    return o.problems.empty() ? std::string("plausible") : o.problems[0].detail;
  };
  CHECK(detail("PK", "2022-03-01") == "plausible");  // 4
  CHECK(detail("prek", "2022-03-01") == "plausible");
  CHECK(detail("K", "2021-03-01") == "plausible");  // 5
  CHECK(detail("00", "2021-03-01") == "plausible");
  CHECK(detail("kg", "2021-03-01") == "plausible");
  CHECK(detail("1", "2020-03-01") == "plausible");   // 6
  CHECK(detail("12", "2009-03-01") == "plausible");  // 17
  CHECK(detail("K", "2018-03-01").find("grade K students are usually 5") != std::string::npos);
  CHECK(detail("00", "2018-03-01").find("grade 00 students are usually 5") != std::string::npos);
  CHECK(detail("12", "2016-03-01").find("grade 12 students are usually 17") != std::string::npos);
  // Not a grade with a usual age: only school age counts.
  CHECK(detail("0", "2018-03-01") == "plausible");
  CHECK(detail("13", "2018-03-01") == "plausible");
  CHECK(detail("13", "2024-03-01") == "age 2 on 2026-09-01, outside school age (3 to 21)");
  CHECK(detail("0", "2024-03-01") == "age 2 on 2026-09-01, outside school age (3 to 21)");
}
