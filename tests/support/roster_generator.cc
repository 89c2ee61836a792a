#include "tests/support/roster_generator.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <stdexcept>
#include <vector>

namespace rosterd::testing {
namespace {

constexpr std::array<const char*, 12> kFirst = {"Ava",    "Liam",   "Noah",  "Emma",
                                                "Olivia", "Elijah", "Sofia", "Mateo",
                                                "Amelia", "Lucas",  "Mia",   "Ethan"};
constexpr std::array<const char*, 12> kLast = {"Johnson",   "Garcia", "Martinez", "Rodriguez",
                                               "Hernandez", "Lopez",  "Gonzalez", "Wilson",
                                               "Anderson",  "Thomas", "Taylor",   "Moore"};
// District codes as the SIS exports them: some mapped, some already platform codes.
constexpr std::array<const char*, 13> kGrades = {"KG", "1",  "2",  "3",  "4",  "5", "06",
                                                 "07", "08", "09", "10", "11", "12"};
constexpr std::array<const char*, 6> kCampuses = {"LES", "WMS", "RHS", "101", "102", "103"};
constexpr std::array<const char*, 6> kDiagnoses = {"", "", "", "AUT", "SLD;SPL", "OHI"};

struct Row {
  std::array<std::string, 12> f;  // in default-layout order
  std::string tail;               // appended after the last field (extra delimiters)
  bool drop_last = false;
};

std::string join(const Row& r) {
  std::string out;
  const std::size_t n = r.drop_last ? 11 : 12;
  for (std::size_t i = 0; i < n; ++i) {
    if (i != 0) out += '|';
    out += r.f[i];
  }
  out += r.tail;
  return out;
}

}  // namespace

std::map<DiscrepancyCode, std::size_t> every_row_code(std::size_t n) {
  std::map<DiscrepancyCode, std::size_t> m;
  for (std::size_t c = 0; c < kDiscrepancyCodeCount; ++c) {
    const auto code = static_cast<DiscrepancyCode>(c);
    // unclear_century needs a two-digit-year format, the related_row codes a set of files;
    // generated rosters are one file with four-digit years. Contact and yes-or-no values, and
    // the checks across a set's kinds (unknown_reference and after), are other kinds', not
    // students'.
    if (!is_file_level(code) && code != DiscrepancyCode::unclear_century &&
        code != DiscrepancyCode::related_row_missing &&
        code != DiscrepancyCode::related_row_twice && code != DiscrepancyCode::invalid_email &&
        code != DiscrepancyCode::invalid_phone && code != DiscrepancyCode::invalid_flag &&
        code < DiscrepancyCode::unknown_reference)
      m[code] = n;
  }
  return m;
}

GeneratedRoster generate_roster(const GeneratorOptions& o) {
  std::mt19937_64 rng(o.seed);
  const auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  std::vector<Row> rows;
  rows.reserve(o.clean_rows + 64);
  std::uint64_t next_id = 1000000000;
  const auto make_clean = [&]() {
    Row r;
    const std::size_t g = pick(kGrades.size());
    const int age = 5 + static_cast<int>(g);  // KG is 5, grade N is 5 + N
    // Born in the year before 1 September 2026 - age (on that day the student is `age`), on
    // one of its first 28 days of a month between October and July.
    const int year = 2026 - age - 1;
    static constexpr std::array<int, 10> kMonths = {10, 11, 12, 1, 2, 3, 4, 5, 6, 7};
    const int month = kMonths[pick(kMonths.size())];
    const int day = 1 + static_cast<int>(pick(28));
    // Every generated student is another person: the last name carries the ID in letters, so
    // that no two rows share a name and birth date (same_person_two_ids) unless planted.
    std::string tag;
    for (std::uint64_t n = next_id - 1000000000; tag.size() < 5; n /= 26)
      tag += static_cast<char>('a' + n % 26);
    r.f[0] = std::to_string(next_id++);
    r.f[1] = "L" + std::to_string(next_id);
    r.f[2] = kFirst[pick(kFirst.size())];
    r.f[3] = pick(3) == 0 ? "Jo" : "";
    r.f[4] = std::string(kLast[pick(kLast.size())]) + tag;
    char dob[40];
    std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", month >= 10 ? year : year + 1, month, day);
    r.f[5] = dob;
    r.f[6] = kGrades[g];
    r.f[7] = kCampuses[pick(kCampuses.size())];
    r.f[8] = kDiagnoses[pick(kDiagnoses.size())];
    r.f[9] = pick(20) == 0 ? "I" : "A";
    r.f[10] = pick(10) == 0 ? "" : std::to_string(pick(101));
    r.f[11] = pick(10) == 0 ? "" : std::to_string(pick(101));
    return r;
  };
  for (std::size_t i = 0; i < o.clean_rows; ++i)
    rows.push_back(make_clean());

  GeneratedRoster out;
  std::vector<Row> planted;
  std::set<std::size_t> used_for_duplicates;
  for (const auto& [code, count] : o.inject) {
    for (std::size_t k = 0; k < count; ++k) {
      Row r = make_clean();
      r.f[9] = "A";
      bool warning = false;
      std::size_t found = 1;
      using C = DiscrepancyCode;
      switch (code) {
        case C::column_count:
          r.drop_last = true;
          break;
        case C::bad_quote:
          r.f[4] = "\"Smith\"x";
          break;
        case C::missing_required:
          r.f[2] = "";
          break;
        case C::invalid_date:
          r.f[5] = "2014-02-30";
          break;
        case C::invalid_id:
          r.f[0] = "X" + r.f[0].substr(1);
          break;
        case C::field_too_long:
          r.f[1] = std::string(5000, 'x');
          break;
        case C::unknown_grade:
          r.f[6] = "13";
          break;
        case C::unknown_campus:
          r.f[7] = "ZZZ";
          break;
        case C::unknown_diagnosis:
          r.f[8] = "QQ";
          break;
        case C::invalid_status:
          r.f[9] = "Z";
          break;
        case C::duplicate_id: {
          if (used_for_duplicates.size() >= o.clean_rows)
            throw std::invalid_argument("too few clean rows");
          std::size_t victim;
          do
            victim = pick(o.clean_rows);
          while (!used_for_duplicates.insert(victim).second);
          r.f[0] = rows[victim].f[0];
          found = 2;  // the clean row is rejected too
          break;
        }
        case C::encoding:
          r.f[4] = "Mart\xFFnez";
          break;
        case C::same_person_two_ids: {
          if (used_for_duplicates.size() >= o.clean_rows)
            throw std::invalid_argument("too few clean rows");
          std::size_t victim;
          do
            victim = pick(o.clean_rows);
          while (!used_for_duplicates.insert(victim).second);
          for (std::size_t f : {2u, 4u, 5u, 6u})
            r.f[f] = rows[victim].f[f];
          warning = true;
          found = 2;  // the clean row is warned too
          break;
        }
        case C::implausible_birth_date:
          r.f[5] = "2024-01-01";
          warning = true;
          break;
        case C::invalid_score:
          r.f[10] = "abc";
          warning = true;
          break;
        default:
          throw std::invalid_argument("cannot plant a file-level code in a row");
      }
      out.expected[code] += found;
      (warning ? out.rows_warned : out.rows_rejected) += found;
      planted.push_back(std::move(r));
    }
  }
  // Spread the planted rows through the file: each goes before a random clean row (or last).
  std::vector<std::pair<std::size_t, std::size_t>> places;  // (before clean row, planted index)
  for (std::size_t i = 0; i < planted.size(); ++i)
    places.emplace_back(pick(rows.size() + 1), i);
  std::sort(places.begin(), places.end());

  out.text = std::string(kDefaultHeader) + "\n";
  out.text.reserve((rows.size() + planted.size()) * 72 + 200);
  std::size_t next_place = 0;
  for (std::size_t i = 0; i <= rows.size(); ++i) {
    for (; next_place < places.size() && places[next_place].first == i; ++next_place) {
      out.text += join(planted[places[next_place].second]);
      out.text += '\n';
    }
    if (i == rows.size()) break;
    out.text += join(rows[i]);
    out.text += '\n';
  }
  out.rows = rows.size() + planted.size();
  return out;
}

void write_generated_roster(std::size_t rows, const std::filesystem::path& path) {
  GeneratorOptions o;
  o.clean_rows = rows;
  std::ofstream(path, std::ios::binary) << generate_roster(o).text;
}

std::string roster_text(const std::vector<std::vector<std::string>>& rows) {
  std::string out = std::string(kDefaultHeader) + "\n";
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i != 0) out += '|';
      out += r[i];
    }
    out += '\n';
  }
  return out;
}

std::string live_feed_yaml(const std::string& name, const std::string& drop) {
  return "  " + name +
         ":\n"
         "    mode: live\n"
         "    format: {quote: double}\n"
         "    reference:\n"
         "      grades: {table: ref/grades.txt, map: ref/grade_map.txt}\n"
         "      campuses: {table: ref/campuses.txt, map: ref/campus_map.txt}\n"
         "      diagnoses: {table: ref/diagnoses.txt, map: ref/diagnosis_map.txt}\n"
         "    checks: {state_id: {min_length: 10, max_length: 10, charset: digits}}\n"
         "    schedule: {poll_every: 1s}\n"
         "    source: {local: {dir: " +
         drop +
         ", stable_for: 0s, after: delete}}\n"
         "    notify: {qa_report: [qa-" +
         name + "@example.org]}\n";
}

std::filesystem::path write_test_feed(const std::filesystem::path& dir, const std::string& extra,
                                      const std::string& mode) {
  std::filesystem::create_directories(dir / "ref");
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  };
  write("ref/grades.txt",
        "Code|Name\nPK|Pre-K\nK|Kindergarten\n01|1\n02|2\n03|3\n04|4\n05|5\n06|6\n07|7\n08|8\n"
        "09|9\n10|10\n11|11\n12|12\n");
  write("ref/grade_map.txt", "DistrictCode|PlatformCode\nKG|K\n1|01\n2|02\n3|03\n4|04\n5|05\n");
  write("ref/campuses.txt",
        "Code|Name\n101|Lincoln Elementary\n102|Washington Middle\n103|Roosevelt High\n");
  write("ref/campus_map.txt", "DistrictCode|PlatformCode\nLES|101\nWMS|102\nRHS|103\n");
  write("ref/diagnoses.txt",
        "Code|Name\nAU|Autism\nOHI|Other Health\nSI|Speech\nSLD|Learning Disability\n");
  write("ref/diagnosis_map.txt", "DistrictCode|PlatformCode\nAUT|AU\nSPL|SI\nLD|SLD\n");
  write("rosterd.yaml",
        "store: {sqlite: roster.db}\n"
        "feeds:\n"
        "  gen:\n"
        "    mode: " +
            mode + "\n" +
            "    format: {quote: double}\n"
            "    reference:\n"
            "      grades: {table: ref/grades.txt, map: ref/grade_map.txt}\n"
            "      campuses: {table: ref/campuses.txt, map: ref/campus_map.txt}\n"
            "      diagnoses: {table: ref/diagnoses.txt, map: ref/diagnosis_map.txt}\n"
            "    checks: {state_id: {min_length: 10, max_length: 10, charset: digits}}\n" +
            extra);
  return dir / "rosterd.yaml";
}

void write_next_night(const std::filesystem::path& in_path, const std::filesystem::path& out_path) {
  std::ifstream in(in_path, std::ios::binary);
  std::ofstream out(out_path, std::ios::binary);
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    if (n++ % 100 == 50) {
      std::size_t pos = 0;
      for (int i = 0; i < 4; ++i)
        pos = line.find('|', pos) + 1;  // the fifth field is the last name
      line.replace(pos, line.find('|', pos) - pos, "Renamed" + std::to_string(n));
    }
    out << line << '\n';
  }
}

}  // namespace rosterd::testing
