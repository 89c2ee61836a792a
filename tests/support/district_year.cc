#include "tests/support/district_year.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "tests/support/roster_generator.h"

namespace rosterd::testing {
namespace {

constexpr std::array<const char*, 13> kGrades = {"K",  "01", "02", "03", "04", "05", "06",
                                                 "07", "08", "09", "10", "11", "12"};
constexpr std::array<const char*, 10> kFirst = {"Ava",  "Liam",   "Noah",  "Emma", "Olivia",
                                                "Jade", "Elijah", "Sofia", "Leo",  "Mia"};
constexpr std::array<const char*, 10> kLast = {"Johnson", "Garcia", "Martinez", "Nguyen",
                                               "Lopez",   "Wilson", "Anderson", "Thomas",
                                               "Taylor",  "Moore"};

const char* campus_of(int grade_index) {
  return grade_index <= 5 ? "101" : grade_index <= 8 ? "102" : "103";
}

}  // namespace

DistrictYear::DistrictYear(std::size_t students, std::uint64_t seed, int fall_year)
    : rng_(seed), fall_year_(fall_year) {
  rows_.reserve(students + students / 10);
  for (std::size_t i = 0; i < students; ++i)
    rows_.push_back(make_student(static_cast<int>(i % kGrades.size())));
}

DistrictYear::Row DistrictYear::make_student(int grade_index) {
  Row r;
  const std::uint64_t id = next_id_++;
  // Five letters from the ID end every last name: no two students share a name and birth date.
  std::string tag;
  for (std::uint64_t n = id; tag.size() < 5; n /= 26)
    tag += static_cast<char>('a' + n % 26);
  // On 1 September of the fall year a student of grade index g is 5 + g: born between October
  // of the year before and July of the year after that birthday's year less one.
  const int year = fall_year_ - 5 - grade_index - 1;
  static constexpr std::array<int, 10> kMonths = {10, 11, 12, 1, 2, 3, 4, 5, 6, 7};
  const int month = kMonths[pick(kMonths.size())];
  char dob[16];
  std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", month >= 10 ? year : year + 1, month,
                1 + static_cast<int>(pick(28)));
  r[field_index(Field::state_id)] = std::to_string(id);
  r[field_index(Field::local_id)] = "L" + std::to_string(id);
  r[field_index(Field::first_name)] = kFirst[pick(kFirst.size())];
  r[field_index(Field::middle_name)] = pick(3) == 0 ? "Jo" : "";
  r[field_index(Field::last_name)] = std::string(kLast[pick(kLast.size())]) + tag;
  r[field_index(Field::birth_date)] = dob;
  r[field_index(Field::grade)] = kGrades[static_cast<std::size_t>(grade_index)];
  r[field_index(Field::campus)] = campus_of(grade_index);
  r[field_index(Field::status)] = "A";
  r[field_index(Field::ela_score)] = std::to_string(pick(101));
  r[field_index(Field::math_score)] = std::to_string(pick(101));
  return r;
}

std::string DistrictYear::file() const {
  return file_with_swapped(Field::state_id, Field::state_id);
}

std::string DistrictYear::file_with_swapped(Field a, Field b) const {
  std::string out = std::string(kDefaultHeader) + "\n";
  for (const Row& row : rows_) {
    Row r = row;
    std::swap(r[field_index(a)], r[field_index(b)]);
    for (std::size_t i = 0; i < kFieldCount; ++i)
      out += (i == 0 ? "" : "|") + r[i];
    out += '\n';
  }
  return out;
}

std::size_t DistrictYear::pick_active() {
  for (;;) {
    const std::size_t i = pick(rows_.size());
    if (rows_[i][field_index(Field::status)] == "A") return i;
  }
}

void DistrictYear::night() {
  const std::size_t n = active();
  const std::size_t enrol = pick(n / 500 + 1);
  const std::size_t withdraw = pick(n / 500 + 1);
  const std::size_t corrected = pick(n / 200 + 1);
  for (std::size_t k = 0; k < enrol; ++k)
    rows_.push_back(make_student(static_cast<int>(pick(kGrades.size()))));
  for (std::size_t k = 0; k < withdraw; ++k)
    rows_[pick_active()][field_index(Field::status)] = "I";
  for (std::size_t k = 0; k < corrected; ++k) {
    Row& r = rows_[pick_active()];
    switch (pick(4)) {
      case 3: {
        std::string& dob = r[field_index(Field::birth_date)];  // a typo put right: a day off
        dob[9] = dob[9] == '1' ? '2' : '1';
        break;
      }
      case 0:
        r[field_index(Field::last_name)] += "-Cruz";  // a name corrected, or a family's new one
        break;
      case 1:
        r[field_index(Field::first_name)] = kFirst[pick(kFirst.size())];
        break;
      default:
        r[field_index(Field::middle_name)] =
            r[field_index(Field::middle_name)].empty() ? "Lee" : "";
        break;
    }
  }
}

void DistrictYear::start_of_term() {
  const std::size_t n = active();
  for (std::size_t k = 0; k < n * 3 / 100; ++k)
    rows_.push_back(make_student(static_cast<int>(pick(kGrades.size()))));
  for (std::size_t k = 0; k < n * 2 / 100; ++k)
    rows_[pick_active()][field_index(Field::status)] = "I";
}

void DistrictYear::enrol_and_withdraw(std::size_t n, double withdrawn_pct) {
  const auto leaving =
      static_cast<std::size_t>(static_cast<double>(active()) * withdrawn_pct / 100);
  for (std::size_t k = 0; k < leaving; ++k)
    rows_[pick_active()][field_index(Field::status)] = "I";
  for (std::size_t k = 0; k < n; ++k)
    rows_.push_back(make_student(static_cast<int>(pick(kGrades.size()))));
}

void DistrictYear::rollover(double retained_pct, double withdrawn_pct) {
  ++fall_year_;
  std::vector<Row> next;
  next.reserve(rows_.size());
  std::size_t active_count = 0;
  for (Row& r : rows_) {
    if (r[field_index(Field::status)] != "A") continue;  // last year's withdrawals: not sent
    ++active_count;
    const std::string& grade = r[field_index(Field::grade)];
    const auto at = std::find(kGrades.begin(), kGrades.end(), grade);
    const int g = static_cast<int>(at - kGrades.begin());
    if (g == 12) continue;  // graduated
    if (static_cast<double>(pick(10000)) < withdrawn_pct * 100) continue;
    if (static_cast<double>(pick(10000)) >= retained_pct * 100) {
      r[field_index(Field::grade)] = kGrades[static_cast<std::size_t>(g + 1)];
      r[field_index(Field::campus)] = campus_of(g + 1);
    }
    next.push_back(std::move(r));
  }
  rows_ = std::move(next);
  for (std::size_t k = 0; k < active_count / kGrades.size(); ++k)
    rows_.push_back(make_student(0));
}

void DistrictYear::new_scores() {
  for (Row& r : rows_) {
    r[field_index(Field::ela_score)] = std::to_string(pick(101));
    r[field_index(Field::math_score)] = std::to_string(pick(101));
  }
}

std::size_t DistrictYear::active() const {
  std::size_t n = 0;
  for (const Row& r : rows_)
    n += r[field_index(Field::status)] == "A" ? 1 : 0;
  return n;
}

}  // namespace rosterd::testing
