// validators/people_roles.h: a staff member who is also a guardian, told as one person in two
// roles when the feed's person key agrees on both, kept apart when it does not.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "validators/people_roles.h"

using namespace rosterd;

namespace {

std::vector<KindCheckResult> staff_and_guardians(const std::string& staff,
                                                 const std::string& guardians) {
  std::vector<KindCheckResult> kinds;
  kinds.push_back(check_kind_bytes(
      EntityKind::staff, KindFormat::default_layout(EntityKind::staff), "staff.txt",
      "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status\n" + staff));
  kinds.push_back(check_kind_bytes(
      EntityKind::guardians, KindFormat::default_layout(EntityKind::guardians), "guardians.txt",
      "GuardianID|FirstName|LastName|Email|Phone|Status\n" + guardians));
  return kinds;
}

}  // namespace

TEST_CASE("people roles: one person when email, name and phone agree; two when emails differ") {
  auto kinds = staff_and_guardians(
      "T1||Jo|Park|Jo.Park@district.org|555 201 1000|teacher|101|A\n"
      "T2||Sam|Lee|sam@district.org|5552012000|teacher|101|A\n",
      // G1: T1 in other case and spacing; G2: Sam Lee with a home email; G3: no phone.
      "G1|jo|PARK |jo.park@district.org|(555) 201-1000|A\n"
      "G2|Sam|Lee|sam@home.example|5552012000|A\n"
      "G3|Jo|Park|jo.park@district.org||A\n");
  check_people_in_two_roles(kinds, PersonKey{});
  const KindCheckResult& g = kinds[1];
  REQUIRE(g.discrepancies.size() == 1);
  const Discrepancy& d = g.discrepancies[0];
  CHECK(d.code == DiscrepancyCode::person_in_two_roles);
  CHECK(d.line == 2);
  CHECK(d.student_id == "G1");
  CHECK(d.value == "T1");
  CHECK(discrepancy_message(d).find("The guardian is also staff member T1 (line 2 of staff.txt): "
                                    "their email, name, phone agree") != std::string::npos);
  CHECK(g.counts.rows_warned == 1);

  // A district person ID as the key: the same ID in both files.
  auto by_id = staff_and_guardians("P7||Jo|Park|||teacher|101|A\n", "P7|Joanna|Park|||A\n");
  PersonKey id{false, false, false, true};
  check_people_in_two_roles(by_id, id);
  CHECK(by_id[1].discrepancies.size() == 1);
  // A rejected row is no one's.
  auto rejected = staff_and_guardians("T1||Jo|Park|jo@d.org|5552011000|teacher|101|X\n",
                                      "G1|Jo|Park|jo@d.org|5552011000|A\n");
  check_people_in_two_roles(rejected, PersonKey{});
  CHECK(rejected[1].discrepancies.empty());
}
