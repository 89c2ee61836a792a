// What a set changes in a kind (planner/kind_plan.h), and the safeguards per kind.
#include <doctest/doctest.h>

#include <string>

#include "planner/kind_plan.h"

using namespace rosterd;

namespace {

KindCheckResult staff(const std::string& rows) {
  KindCheckResult r = check_kind_bytes(
      EntityKind::staff, KindFormat::default_layout(EntityKind::staff), "staff.txt",
      "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status\n" + rows);
  REQUIRE_FALSE(r.refused());
  return r;
}

std::vector<std::string> member(const std::string& id, const std::string& last = "Park") {
  return {id, "", "Jo", last, "", "", "teacher", "101", "A"};
}

void put(CommittedKindRows& committed, const std::vector<std::string>& values, bool active = true) {
  const std::vector<std::string_view> v(values.begin(), values.end());
  committed.add(v, active);
}

}  // namespace

TEST_CASE("kind plan: added, updated, unchanged, reactivated, deactivated, kept when rejected") {
  CommittedKindRows committed(EntityKind::staff);
  for (const char* id : {"T4", "T2", "T3", "T1"})
    put(committed, member(id));
  put(committed, member("T5"), false);
  const KindCheckResult file = staff(
      "T1||Jo|Park|||teacher|101|A\n"    // unchanged
      "T2||Jo|Lee|||teacher|101|A\n"     // updated
      "T3||Jo||||teacher|101|A\n"        // rejected: kept
      "T5||Jo|Park|||teacher|101|A\n"    // reactivated
      "T6||Jo|Park|||teacher|101|A\n");  // added; T4 gone
  const KindPlan p = plan_kind(file, committed);
  CHECK(p.counts.active_before == 4);
  CHECK(p.counts.unchanged == 1);
  CHECK(p.counts.updated == 1);
  CHECK(p.counts.kept_rejected == 1);
  CHECK(p.counts.reactivated == 1);
  CHECK(p.counts.added == 1);
  CHECK(p.counts.deactivated == 1);
  REQUIRE(p.changes.size() == 4);
  CHECK(p.changes[0].type == KindChangeType::updated);
  CHECK(p.before(p.changes[0])[3] == "Park");
  CHECK(p.after(p.changes[0])[3] == "Lee");
  CHECK(p.changes[1].type == KindChangeType::reactivated);
  CHECK(p.changes[2].type == KindChangeType::added);
  CHECK(p.changes[3].type == KindChangeType::deactivated);
  CHECK(p.before(p.changes[3])[0] == "T4");
}

TEST_CASE("kind plan: a composite key cannot be read two ways") {
  CHECK(kind_row_key(EntityKind::enrollments, {"A/B", "C", "student", "", ""}) !=
        kind_row_key(EntityKind::enrollments, {"A", "B/C", "student", "", ""}));
}

TEST_CASE("kind safeguards: the kind's own limit, else the students'; a first load's count") {
  CommittedKindRows committed(EntityKind::staff);
  for (int i = 0; i < 10; ++i)
    put(committed, member("T" + std::to_string(i)));
  std::string rows;
  for (int i = 0; i < 9; ++i)
    rows += "T" + std::to_string(i) + "||Jo|Park|||teacher|101|A\n";
  std::vector<KindCheckResult> files;
  files.push_back(staff(rows));
  const std::vector<KindPlan> plans{plan_kind(files[0], committed)};
  REQUIRE(plans[0].counts.deactivated == 1);  // 10%

  Policy policy;  // max_deactivate_pct 5
  auto trips = kind_trips(plans, files, policy, {});
  REQUIRE(trips.size() == 1);
  CHECK(trips[0].name == "staff.max_deactivate_pct");
  CHECK(trips[0].limit == 5);
  CHECK(trips[0].explanation == "1 of 10 active staff rows would be deactivated (10.0%)");

  policy.kinds[static_cast<std::size_t>(EntityKind::staff)].max_deactivate_pct = 15;
  CHECK(kind_trips(plans, files, policy, {}).empty());

  // A first load is weighed against the count the district confirmed, if any.
  const std::vector<KindPlan> first{plan_kind(files[0], {})};
  CHECK(kind_trips(first, files, policy, {}).empty());
  std::map<EntityKind, ExpectedCount> expected{{EntityKind::staff, *parse_expected_count("20±5%")}};
  trips = kind_trips(first, files, policy, expected);
  REQUIRE(trips.size() == 1);
  CHECK(trips[0].name == "expect.staff");
  CHECK(trips[0].explanation ==
        "the first set adds 9 staff rows, outside the 19 to 21 the district confirmed (20 ±5%)");
  expected[EntityKind::staff] = *parse_expected_count("9");
  CHECK(kind_trips(first, files, policy, expected).empty());
}

TEST_CASE("kind safeguards: a file that updates nearly every row of a kind is held") {
  CommittedKindRows committed(EntityKind::staff);
  std::string rows;
  for (int i = 0; i < 12; ++i) {
    const std::string id = "T" + std::to_string(i);
    std::vector<std::string> v = member(id);
    v[4] = id + "@district.org";
    put(committed, v);
    // Email and phone swapped by the export: every email refused and dropped.
    rows += id + "||Jo|Park|555-201-300" + std::to_string(i % 10) + "|" + id +
            "@district.org|teacher|101|A\n";
  }
  std::vector<KindCheckResult> files;
  files.push_back(staff(rows));
  const std::vector<KindPlan> plans{plan_kind(files[0], committed)};
  REQUIRE(plans[0].counts.updated == 12);
  Policy policy;
  const auto trips = kind_trips(plans, files, policy, {});
  REQUIRE(trips.size() == 1);
  CHECK(trips[0].name == "staff.max_update_pct");
  CHECK(trips[0].explanation == "12 of 12 active staff rows would be updated (100.0%)");
  policy.kinds[static_cast<std::size_t>(EntityKind::staff)].max_update_pct = 100;
  CHECK(kind_trips(plans, files, policy, {}).empty());
}

TEST_CASE("kind plan: a row waits for a student the run leaves out, not for an inactive one") {
  const auto links = [](const std::string& rows) {
    KindCheckResult r = check_kind_bytes(
        EntityKind::guardian_links, KindFormat::default_layout(EntityKind::guardian_links),
        "guardian_links.txt",
        "GuardianID|StudentStateID|Relationship|Primary|ReceivesMail\n" + rows);
    REQUIRE_FALSE(r.refused());
    return r;
  };
  CommittedKindRows committed(EntityKind::guardian_links);
  put(committed, {"G3", "S3", "mother", "Y", "Y"});
  put(committed, {"G1", "S1", "mother", "Y", "Y"});
  StudentSettlement s;
  // S1 is in the roster but inactive (withdrawn, listed with status I); S2 is held for review
  // (not added); S3 is kept though the file lacks them (a held withdrawal).
  s.in_roster_after = [](std::string_view id) { return id == "S1" || id == "S3"; };
  s.active_after = [](std::string_view id) { return id == "S3"; };
  s.listed = [](std::string_view id) { return id == "S1" || id == "S2"; };
  const KindCheckResult file = links("G1|S1|mother|Y|N\nG2|S2|father|Y|Y\n");
  const KindPlan p = plan_kind(file, committed, s);
  CHECK(p.counts.updated == 1);           // S1's link: ReceivesMail now N
  CHECK(p.counts.added == 0);             // S2's link waits with S2
  CHECK(p.counts.deactivated == 0);       // S3's link stays while S3's withdrawal waits
  CHECK(p.counts.kept_for_student == 2);  // S2's and S3's
}

TEST_CASE("committed kind rows: found by every key field, through growth, ordered by key") {
  CommittedKindRows committed(EntityKind::guardian_links);
  put(committed, {"ab", "c", "mother", "Y", "Y"});
  put(committed, {"a", "bc", "father", "N", "Y"}, false);
  for (int i = 0; i < 1000; ++i)
    put(committed, {"G" + std::to_string(i), "S" + std::to_string(i), "aunt", "N", "N"});
  CHECK(committed.size() == 1002);
  const std::vector<std::string_view> ab_c{"ab", "c"};
  const std::vector<std::string_view> a_bc{"a", "bc"};
  const std::vector<std::string_view> abc{"abc", ""};
  REQUIRE(committed.find(ab_c));
  REQUIRE(committed.find(a_bc));
  CHECK(committed.get(*committed.find(ab_c), 2) == "mother");
  CHECK_FALSE(committed.active(*committed.find(a_bc)));
  CHECK_FALSE(committed.find(abc));
  for (int i = 0; i < 1000; i += 97) {
    const std::string g = "G" + std::to_string(i), st = "S" + std::to_string(i);
    const std::vector<std::string_view> key{g, st};
    REQUIRE(committed.find(key));
    CHECK(committed.values(*committed.find(key))[0] == g);
  }
  // A file row is found by its key fields only.
  const KindCheckResult file = check_kind_bytes(
      EntityKind::guardian_links, KindFormat::default_layout(EntityKind::guardian_links),
      "guardian_links.txt",
      "GuardianID|StudentStateID|Relationship|Primary|ReceivesMail\nG7|S7|uncle|Y|Y\n");
  REQUIRE(file.rows.size() == 1);
  REQUIRE(committed.find(file.rows, 0));
  CHECK(committed.get(*committed.find(file.rows, 0), 2) == "aunt");
  // The store keys each row once.
  CHECK_THROWS_AS(put(committed, {"ab", "c", "sister", "N", "N"}), std::invalid_argument);
  // By key fields, field by field: ("a", "bc") before ("ab", "c").
  CHECK(committed.key_less(*committed.find(a_bc), *committed.find(ab_c)));
  CHECK_FALSE(committed.key_less(*committed.find(ab_c), *committed.find(a_bc)));
  // No kind: nothing found, nothing added.
  CommittedKindRows none;
  CHECK_FALSE(none.find(ab_c));
  CHECK_THROWS_AS(put(none, {"a"}), std::logic_error);
}
