// The roster's other kinds in the store (store/committed_entities.h), on SQLite and on
// PostgreSQL: a set commits every kind with the students in one transaction; a set that drops
// half the enrollments is held though every student is there, and its approval applies them;
// a rollback restores every kind; each kind's read view shows what is committed.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tests/support/store_fixture.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

const std::string kKinds = "    kinds: {staff: {}, sections: {}, enrollments: {}}\n";

// A district of 20 students in two sections, T1 teaching S1 (students 1-10) and T2 S2 (11-20);
// `s2_students` of S2's enrolled, `t1_email` T1's address.
std::filesystem::path write_set(const std::filesystem::path& dir, const std::string& name,
                                int s2_students = 10,
                                const std::string& t1_email = "t1@district.org") {
  const std::filesystem::path set = dir / name;
  std::filesystem::create_directories(set);
  std::ofstream(set / "students.txt", std::ios::binary) << roster_text(rows(20));
  std::ofstream(set / "staff.txt", std::ios::binary)
      << "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status\n"
      << "T1||Jo|Park|" << t1_email << "||teacher|101|A\n"
      << "T2||Al|Bo|t2@district.org||teacher|101|A\n";
  std::ofstream(set / "sections.txt", std::ios::binary)
      << "SectionID|CampusID|CourseCode|TermID|Name|Period|TeacherIDs|Status\n"
      << "S1|101|MATH5|Y26|Math 5|1|T1|A\n"
      << "S2|101|ELA5|Y26|ELA 5|2|T2|A\n";
  std::ofstream e(set / "enrollments.txt", std::ios::binary);
  e << "SectionID|PersonID|Role|StartDate|EndDate\n";
  for (int i = 1; i <= 10; ++i)
    e << "S1|" << id(std::to_string(i)) << "|student||\n";
  for (int i = 11; i <= 10 + s2_students; ++i)
    e << "S2|" << id(std::to_string(i)) << "|student||\n";
  e << "S1|T1|teacher||\nS2|T2|teacher||\n";
  return set;
}

template <typename B>
IngestOutcome ingest_set(Fixture<B>& f, const std::filesystem::path& set) {
  return ingest_file(f.feed(), *f.store, set, 1, CivilDate{2026, 11, 23});
}

// Active rows of each kind, as the read views show them.
template <typename B>
std::string active_counts(Fixture<B>& f) {
  return f.query(
      "SELECT (SELECT count(*) FROM roster_current_staff WHERE feed = 'gen' AND active = 1), "
      "(SELECT count(*) FROM roster_current_sections WHERE feed = 'gen' AND active = 1), "
      "(SELECT count(*) FROM roster_current_enrollments WHERE feed = 'gen' AND active = 1)");
}

}  // namespace

TEST_CASE_TEMPLATE(
    "kinds in the store: committed with the students, held when half the enrollments go, "
    "approved, rolled back",
    B, Sqlite, Postgres) {
  Fixture<B> f(kKinds);
  const IngestOutcome first = ingest_set(f, write_set(f.dir.path(), "night1"));
  INFO(first.decision.reason);
  REQUIRE(first.decision.decision == Decision::committed);
  CHECK(f.roster().size() == 20);
  REQUIRE(first.kind_plans.size() == 3);
  CHECK(first.kind_plans[2].counts.added == 22);
  CHECK(active_counts(f) == "2|2|22\n");

  // The same set again changes nothing of any kind.
  const IngestOutcome same = ingest_set(f, write_set(f.dir.path(), "night2"));
  REQUIRE(same.decision.decision == Decision::committed);
  for (const KindPlan& p : same.kind_plans)
    CHECK(p.changes.empty());

  // Half of S2's students are gone from the enrollments (5 of 22: 23%), and T1 has a new
  // address: held, though every student is still in the students' file.
  const IngestOutcome drop = ingest_set(f, write_set(f.dir.path(), "night3", 5, "jo@district.org"));
  REQUIRE(drop.decision.decision == Decision::held);
  REQUIRE(drop.decision.trips.size() == 1);
  CHECK(drop.decision.trips[0].name == "enrollments.max_deactivate_pct");
  CHECK(drop.decision.trips[0].explanation ==
        "5 of 22 active enrollments rows would be deactivated (22.7%)");
  CHECK(active_counts(f) == "2|2|22\n");
  CHECK(f.store->entities().row("gen", EntityKind::staff, {"T1"})->values[4] == "t1@district.org");

  f.store->decisions().approve(drop.run_id, tester());
  CHECK(active_counts(f) == "2|2|17\n");
  CHECK(f.store->entities().row("gen", EntityKind::staff, {"T1"})->values[4] == "jo@district.org");
  const auto counts = f.store->entities().counts(drop.run_id);
  REQUIRE(counts.size() == 3);
  CHECK(counts[2].plan.deactivated == 5);
  CHECK(counts[0].plan.updated == 1);

  // Rolling the approved run back restores every kind as it was.
  f.store->decisions().rollback(drop.run_id, false, tester());
  CHECK(active_counts(f) == "2|2|22\n");
  CHECK(f.store->entities().row("gen", EntityKind::staff, {"T1"})->values[4] == "t1@district.org");

  // And the first load's rollback leaves no row of any kind.
  f.store->decisions().rollback(first.run_id, true, tester());
  CHECK(active_counts(f) == "0|0|0\n");
  CHECK(f.query("SELECT count(*) FROM roster_enrollments") == "0\n");
}

TEST_CASE_TEMPLATE("kinds in the store: a composite key and a reserved word read back", B, Sqlite,
                   Postgres) {
  Fixture<B> f("    kinds: {guardians: {}, guardian_links: {}}\n");
  const std::filesystem::path set = f.dir / "set";
  std::filesystem::create_directories(set);
  std::ofstream(set / "students.txt", std::ios::binary) << roster_text(rows(2));
  std::ofstream(set / "guardians.txt", std::ios::binary)
      << "GuardianID|FirstName|LastName|Email|Phone|Status\nG1|Maria|Lee|||A\n";
  std::ofstream(set / "guardian_links.txt", std::ios::binary)
      << "GuardianID|StudentStateID|Relationship|Primary|ReceivesMail\n"
      << "G1|" << id("1") << "|mother|Y|Y\nG1|" << id("2") << "|mother|N|Y\n";
  const IngestOutcome o = ingest_set(f, set);
  REQUIRE(o.decision.decision == Decision::committed);
  CHECK(f.query("SELECT guardian_id, student_state_id, \"primary\" FROM "
                "roster_current_guardian_links ORDER BY student_state_id") ==
        "G1|" + id("1") + "|Y\nG1|" + id("2") + "|N\n");
  const auto link = f.store->entities().row("gen", EntityKind::guardian_links, {"G1", id("2")});
  REQUIRE(link);
  CHECK(link->values[3] == "N");
}
