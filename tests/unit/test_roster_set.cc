#include <doctest/doctest.h>

#include "parsers/format_preset.h"
#include "validators/roster_check.h"

using namespace rosterd;

namespace {

RosterSet oneroster(const std::string& users, const std::string& demographics) {
  const auto member = [](std::string name, std::string bytes) {
    return SetMember{std::move(name), std::filesystem::path(), std::move(bytes)};
  };
  return RosterSet{std::string("the-set"),
                   {member("manifest.csv",
                           "propertyName,value\nfile.users,bulk\nfile.orgs,bulk\n"
                           "file.demographics,bulk\n"),
                    member("users.csv", users), member("orgs.csv", "sourcedId,type\no1,school\n"),
                    member("demographics.csv", demographics)}};
}

}  // namespace

TEST_CASE("a OneRoster set in windows-1252: a long non-ASCII key is decoded once and joins") {
  // The key is the state ID and the join column at once: decoded twice, it once outgrew the
  // reader's scratch buffer (found in review; AddressSanitizer in CI reads every byte of it).
  const std::string id(1000, '\x80');  // 1000 euro signs in windows-1252
  RosterFormat format = find_format_preset("oneroster-1.1")->format;
  format.encoding = Encoding::windows1252;
  CheckOptions options;
  options.state_id.max_length = 4096;  // the key is long on purpose
  const ReferenceSet reference;
  const RowChecker checker(format, options, reference, CivilDate{2026, 11, 23});
  std::string users = "sourcedId,role,orgSourcedIds,givenName,familyName,grades\n";
  users.append(id).append(",student,o1,Ana,Ruiz,05\n");
  std::string demographics = "sourcedId,birthDate\n";
  demographics.append(id).append(",2016-01-15\n");
  const RosterSet set = oneroster(users, demographics);
  const CheckResult r = check_roster_set(format, checker, set);
  REQUIRE_FALSE(r.refused());
  CHECK(r.counts.rows_read == 1);
  std::string euros;
  for (int i = 0; i < 1000; ++i)
    euros.append("\xE2\x82\xAC", 3);
  REQUIRE(r.students.size() == 1);
  CHECK(r.students.get(0, Field::state_id) == euros);
  CHECK(r.students.get(0, Field::birth_date) == "2016-01-15");  // joined across the encoding
  CHECK(r.discrepancies.empty());
}

TEST_CASE("an SDS v2.1 set: the student's role, school, birth date and flags, or why not") {
  const auto member = [](std::string name, std::string bytes) {
    return SetMember{std::move(name), std::filesystem::path(), std::move(bytes)};
  };
  const RosterSet set{
      "sds",
      {member("users.csv",
              "sourcedId,username,givenName,familyName\n"
              "s1,a,Ana,Ruiz\n"    // line 2: one role, every row found
              "s2,b,Ben,Ode\n"     // line 3: two roles, one primary
              "s3,c,Cy,Pax\n"      // line 4: two primary roles
              "s4,d,Di,Lo\n"       // line 5: no demographics row, an unknown org
              "t1,e,Teach,Er\n"),  // line 6: a teacher, not read
       member("roles.csv",
              "userSourcedId,orgSourcedId,role,grade,isPrimary\n"
              "s1,o1,student,05,\n"
              "s2,o1,student,06,false\n"
              "s2,o2,student,07,TRUE\n"
              "s3,o1,student,05,true\n"
              "s3,o2,student,05,true\n"
              "s4,o9,student,05,\n"
              "t1,o1,teacher,,\n"),
       member("orgs.csv", "sourcedId,name,type\no1,One,school\no2,Two,school\n"),
       member("demographics.csv",
              "userSourcedId,birthDate\ns1,2015-02-03\ns2,2013-02-03\ns3,2015-02-03\n"),
       member("userFlags.csv", "userSourcedId,flag\ns1,IEP\ns1,ell\ns1,504\ns2,freeLunch\n")}};
  const RosterFormat& format = find_format_preset("sds-v2.1")->format;
  const ReferenceSet reference;
  CheckOptions options;
  options.state_id.max_length = 10;
  const RowChecker checker(format, options, reference, CivilDate{2026, 1, 1});
  const CheckResult r = check_roster_set(format, checker, set);
  REQUIRE_FALSE(r.refused());
  CHECK(r.counts.rows_read == 4);
  CHECK(r.counts.rows_rejected == 2);
  REQUIRE(r.students.size() == 4);
  CHECK(r.students.get(0, Field::campus) == "o1");
  CHECK(r.students.get(0, Field::grade) == "05");
  CHECK(r.students.get(0, Field::birth_date) == "2015-02-03");
  CHECK(r.students.get(0, Field::diagnoses) == "504;iep");  // sorted; ell is not special ed
  CHECK(r.students.get(1, Field::campus) == "o2");          // the primary role
  CHECK(r.students.get(1, Field::grade) == "07");
  CHECK(r.students.get(1, Field::diagnoses) == "");
  std::vector<std::string> found;
  for (const Discrepancy& d : r.discrepancies)
    found.push_back(std::to_string(d.line) + " " + std::string(code_name(d.code)) + " " +
                    discrepancy_message(d));
  REQUIRE(found.size() == 4);
  CHECK(found[0].starts_with("4 related_row_twice"));
  CHECK(found[0].find("roles.csv (student roles on lines 5 and 6, both primary)") !=
        std::string::npos);
  CHECK(found[1].starts_with("4 missing_required"));  // no grade without the role
  CHECK(found[2].starts_with("5 related_row_missing"));
  CHECK(found[2].find("orgs.csv (org o9)") != std::string::npos);
  CHECK(found[3].starts_with("5 related_row_missing"));
  CHECK(found[3].find("demographics.csv") != std::string::npos);
}
