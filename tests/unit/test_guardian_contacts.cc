// Guardians' contact quality across a set (validators/guardian_contacts.h).
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "validators/guardian_contacts.h"

using namespace rosterd;

namespace {

KindCheckResult read(EntityKind kind, const std::string& text) {
  KindCheckResult r = check_kind_bytes(kind, KindFormat::default_layout(kind), "x.txt", text);
  REQUIRE_FALSE(r.refused());
  return r;
}

}  // namespace

TEST_CASE("guardian contacts: no way to reach, and one address on two families") {
  std::vector<KindCheckResult> kinds;
  kinds.push_back(read(EntityKind::guardians,
                       "GuardianID|FirstName|LastName|Email|Phone|Status\n"
                       "G1|Ana|Lee|lee.family@example.org||A\n"  // 2
                       "G2|Bo|Lee|Lee.Family@example.org||A\n"   // 3: same child as G1: fine
                       "G3|Cy|Park|lee.family@example.org||A\n"  // 4: another family
                       "G4|Di|Chen|||A\n"                        // 5: no contact
                       "G5|Ed|Chen||555-201-3000|A\n"            // 6: a phone is enough
                       "G6|Fa|Diaz|not-an-address|12|A\n"));     // 7: neither usable
  kinds.push_back(read(EntityKind::guardian_links,
                       "GuardianID|StudentStateID|Relationship|Primary|ReceivesMail\n"
                       "G1|1000000001|mother|Y|Y\nG2|1000000001|father|N|Y\n"
                       "G3|1000000002|mother|Y|Y\n"));
  check_guardian_contacts(kinds);
  std::multiset<std::string> found;
  for (const Discrepancy& d : kinds[0].discrepancies)
    found.insert(std::to_string(d.line) + " " + std::string(code_name(d.code)));
  CHECK(found == std::multiset<std::string>{"4 guardian_shared_email", "5 guardian_no_contact",
                                            "7 invalid_email", "7 invalid_phone",
                                            "7 guardian_no_contact"});
  for (const Discrepancy& d : kinds[0].discrepancies) {
    if (d.code == DiscrepancyCode::guardian_shared_email)
      CHECK(discrepancy_message(d).find("is also the address of guardian G1 (line 2)") !=
            std::string::npos);
  }
  CHECK(kinds[0].counts.rows_warned == 3);
}
