#include "core/identity_key.h"

#include <doctest/doctest.h>

#include "tests/support/check_text.h"
#include "tests/support/roster_generator.h"

using namespace rosterd;

namespace {

std::vector<std::string> person(std::string first, std::string last, std::string dob,
                                std::string local = "", std::string middle = "") {
  std::vector<std::string> v(kFieldCount);
  v[field_index(Field::first_name)] = std::move(first);
  v[field_index(Field::last_name)] = std::move(last);
  v[field_index(Field::birth_date)] = std::move(dob);
  v[field_index(Field::local_id)] = std::move(local);
  v[field_index(Field::middle_name)] = std::move(middle);
  return v;
}

bool same(const std::vector<std::string>& a, const std::vector<std::string>& b,
          const MatchFields& f = default_match_fields()) {
  return same_person(values_view(a), values_view(b), f);
}

}  // namespace

TEST_CASE("same person: case, accents, blanks, hyphens and apostrophes do not count") {
  CHECK(same(person("José", "O'Neil-Núñez", "2014-03-09"),
             person("JOSE", "oneil nunez", "2014-03-09")));
  CHECK(same(person("Anne Marie", "D’Angelo", "2014-03-09"),
             person("Anne-Marie", "Dangelo", "2014-03-09")));
  CHECK_FALSE(same(person("José", "Núñez", "2014-03-09"), person("José", "Núñez", "2014-03-10")));
  // Twins: one birth date and last name, different first names.
  CHECK_FALSE(same(person("Ana", "Lopez", "2014-03-09"), person("Sofia", "Lopez", "2014-03-09")));
  // A blank birth date or name matches nobody.
  CHECK_FALSE(same(person("Ana", "Lopez", ""), person("Ana", "Lopez", "")));
  CHECK_FALSE(same(person("", "Lopez", "2014-03-09"), person("", "Lopez", "2014-03-09")));
}

TEST_CASE("names fold_name cannot fold are compared as written, never as empty") {
  CHECK(match_value(Field::last_name, "王") == "王");
  CHECK_FALSE(same(person("伟", "王", "2014-03-09"), person("芳", "李", "2014-03-09")));
  CHECK(same(person("伟", "王", "2014-03-09"), person("伟", "王", "2014-03-09")));
}

TEST_CASE("configured fields: the middle name and local ID can be required too") {
  const MatchFields strict = {Field::first_name, Field::middle_name, Field::last_name,
                              Field::birth_date};
  CHECK(same(person("Ana", "Lopez", "2014-03-09", "", "Maria"),
             person("Ana", "Lopez", "2014-03-09", "", "María"), strict));
  CHECK_FALSE(same(person("Ana", "Lopez", "2014-03-09", "", "Maria"),
                   person("Ana", "Lopez", "2014-03-09", "", "Luisa"), strict));
  CHECK(can_match_on(Field::local_id));
  CHECK_FALSE(can_match_on(Field::ela_score));
  CHECK_FALSE(can_match_on(Field::state_id));
}

TEST_CASE("the store's key is equal whenever same_person holds, and the score ranks alikeness") {
  CHECK(identity_key("O'Neil", "2014-03-09") == identity_key("ONEIL", "2014-03-09"));
  CHECK(identity_key("O'Neil", "2014-03-09") != identity_key("O'Neil", "2014-03-08"));
  const auto a = person("Ana", "Lopez", "2014-03-09", "L1");
  CHECK(match_score(values_view(a), values_view(a)) == 100);  // blank on both sides: agree
  CHECK(match_score(values_view(a), values_view(person("Ana", "Lopez", "2014-03-09", "L2"))) == 90);
  CHECK(match_score(values_view(a), values_view(person("Sofia", "Lopez", "2014-03-09", "L1"))) ==
        80);
  CHECK(
      person_hash(values_view(a), default_match_fields()) ==
      person_hash(values_view(person("ANA", "López", "2014-03-09", "L9")), default_match_fields()));
}

TEST_CASE("same_person_two_ids: one person under two IDs in a file is reported on both rows") {
  const std::string header = std::string(testing::kDefaultHeader) + "\n";
  const CheckResult r = testing::check_text(header +
                                            "1|L1|José||Núñez|2014-03-09|05|101||A||\n"
                                            "2|L2|Ana||Lopez|2014-03-09|05|101||A||\n"
                                            "3|L3|Sofia||Lopez|2014-03-09|05|101||A||\n"
                                            "4|L4|JOSE||Nunez|2014-03-09|05|101||A||\n"
                                            "5|L5|Bo||Li||05|101||A||\n");
  CHECK(r.counts.rows_rejected == 1);  // line 6: no birth date
  CHECK(r.counts.rows_warned == 2);
  CHECK(r.by_code[static_cast<std::size_t>(DiscrepancyCode::same_person_two_ids)] == 2);
  REQUIRE(r.discrepancies.size() >= 2);
  CHECK(r.discrepancies[0].line == 2);
  CHECK(r.discrepancies[0].code == DiscrepancyCode::same_person_two_ids);
  CHECK(r.discrepancies[0].detail == "line 5 (ID 4)");
  CHECK(r.discrepancies[1].line == 5);
  CHECK(r.discrepancies[1].detail == "line 2 (ID 1)");
  // The message names no name or birth date: it goes into mails at the minimal PII level.
  CHECK(discrepancy_message(r.discrepancies[0]).find("Núñez") == std::string::npos);
}

TEST_CASE("a row rejected as a duplicate ID is not also a second person") {
  const std::string header = std::string(testing::kDefaultHeader) + "\n";
  const CheckResult r = testing::check_text(header +
                                            "1|L1|Ava||Lee|2014-03-09|05|101||A||\n"
                                            "1|L1|Ava||Lee|2014-03-09|05|101||A||\n");
  CHECK(r.by_code[static_cast<std::size_t>(DiscrepancyCode::same_person_two_ids)] == 0);
  CHECK(r.by_code[static_cast<std::size_t>(DiscrepancyCode::duplicate_id)] == 2);
}

namespace {

// 110,000 people, `repeats` of the first of them listed again (as a file listing a student once
// a contact does), then three people again under new IDs and student 777 again.
std::string many_people(int repeats) {
  const auto letters = [](int n) {
    std::string s;
    for (int i = 0; i < 5; ++i, n /= 26)
      s += static_cast<char>('a' + n % 26);
    return s;
  };
  std::string text = std::string(testing::kDefaultHeader) + "\n";
  const auto add = [&](int id, const std::string& first) {
    text += std::to_string(id) + "|L" + std::to_string(id) + "|" + first +
            "||Lee|2014-03-09|05|101||A||\n";
  };
  for (int n = 0; n < 110000; ++n)
    add(1000000 + n, letters(n));
  for (int n = 0; n < repeats; ++n)
    add(1000000 + n, letters(n));
  add(2000001, letters(17));
  add(2000002, letters(54321));
  add(2000003, letters(109999));
  add(1000000 + 777, letters(777));
  return text;
}

std::vector<std::pair<std::uint32_t, std::string>> same_person_found(const CheckResult& r) {
  std::vector<std::pair<std::uint32_t, std::string>> found;
  for (const Discrepancy& d : r.discrepancies) {
    if (d.code == DiscrepancyCode::same_person_two_ids) found.emplace_back(d.line, d.detail);
  }
  return found;
}

}  // namespace

TEST_CASE("same_person_two_ids in a large file: found while duplicate IDs are, and not for them") {
  // Over 100,000 persons: their sort runs beside the duplicate-ID search. Lines 110,002 to
  // 110,004 are three people under a second ID; 110,005 repeats an ID (rejected both times,
  // so not a second person).
  const CheckResult r = testing::check_text(many_people(0));
  CHECK(r.by_code[static_cast<std::size_t>(DiscrepancyCode::same_person_two_ids)] == 6);
  CHECK(r.by_code[static_cast<std::size_t>(DiscrepancyCode::duplicate_id)] == 2);
  const auto found = same_person_found(r);
  REQUIRE(found.size() == 6);
  CHECK(found[0] == std::make_pair(std::uint32_t{19}, std::string("line 110002 (ID 2000001)")));
  CHECK(found[5] == std::make_pair(std::uint32_t{110004}, std::string("line 110001 (ID 1109999)")));
}

TEST_CASE("same_person_two_ids in a large file listing students once a contact") {
  // The repeats are dropped from the table while the persons are sorted: the rows after them
  // move down, and the persons with them. Student 777 listed again is a repeat here.
  RosterFormat format = RosterFormat::default_layout();
  format.student_repeats_per_contact = true;
  const CheckOptions options;
  const ReferenceSet reference;  // the checker keeps references to these
  const RowChecker checker(format, options, reference, CivilDate{2026, 11, 23});
  const CheckResult r = check_roster_bytes(RosterReader(format), checker, "r.txt", many_people(5));
  CHECK(r.rows_repeated == 6);
  CHECK(r.by_code[static_cast<std::size_t>(DiscrepancyCode::duplicate_id)] == 0);
  CHECK(r.by_code[static_cast<std::size_t>(DiscrepancyCode::same_person_two_ids)] == 6);
  const auto found = same_person_found(r);
  REQUIRE(found.size() == 6);
  CHECK(found[0] == std::make_pair(std::uint32_t{19}, std::string("line 110007 (ID 2000001)")));
  CHECK(found[1] == std::make_pair(std::uint32_t{54323}, std::string("line 110008 (ID 2000002)")));
  CHECK(found[5] == std::make_pair(std::uint32_t{110009}, std::string("line 110001 (ID 1109999)")));
}
