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
