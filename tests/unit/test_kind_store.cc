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
  // Read back a page at a time (3 rows a query, a composite key): every row, once.
  for (std::size_t page : {std::size_t{3}, std::size_t{22}, std::size_t{50000}}) {
    const CommittedKindRows read = f.store->entities().rows("gen", EntityKind::enrollments, page);
    CHECK(read.size() == 22);
    for (int i = 1; i <= 10; ++i) {
      const std::string person = id(std::to_string(i));
      const std::vector<std::string_view> key{"S1", person, "student"};
      CHECK(read.find(key));
    }
    const std::vector<std::string_view> teacher{"S2", "T2", "teacher"};
    CHECK(read.find(teacher));
  }

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

namespace {

// The district of write_set with only `students` (each in S1 up to 10, S2 after), teachers T1
// and T2, each student with guardian G<n>.
std::filesystem::path write_students(const std::filesystem::path& dir, const std::string& name,
                                     const std::vector<int>& students) {
  const std::filesystem::path set = dir / name;
  std::filesystem::create_directories(set);
  std::vector<std::vector<std::string>> student_rows;
  std::ofstream e(set / "enrollments.txt", std::ios::binary);
  e << "SectionID|PersonID|Role|StartDate|EndDate\nS1|T1|teacher||\nS2|T2|teacher||\n";
  std::ofstream g(set / "guardians.txt", std::ios::binary);
  g << "GuardianID|FirstName|LastName|Email|Phone|Status\n";
  std::ofstream l(set / "guardian_links.txt", std::ios::binary);
  l << "GuardianID|StudentStateID|Relationship|Primary|ReceivesMail\n";
  for (int i : students) {
    const std::string n = std::to_string(i);
    student_rows.push_back(row(n, "Lee" + n));  // each their own name: no possible match
    e << (i <= 10 ? "S1|" : "S2|") << id(n) << "|student||\n";
    g << "G" << n << "|Pat|Lee|g" << n << "@example.org||A\n";
    l << "G" << n << "|" << id(n) << "|mother|Y|Y\n";
  }
  std::ofstream(set / "students.txt", std::ios::binary) << roster_text(student_rows);
  std::ofstream(set / "staff.txt", std::ios::binary)
      << "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status\n"
      << "T1||Jo|Park|t1@district.org||teacher|101|A\nT2||Al|Bo|t2@district.org||teacher|101|A\n";
  std::ofstream(set / "sections.txt", std::ios::binary)
      << "SectionID|CampusID|CourseCode|TermID|Name|Period|TeacherIDs|Status\n"
      << "S1|101|MATH5|Y26|Math 5|1|T1|A\nS2|101|ELA5|Y26|ELA 5|2|T2|A\n";
  return set;
}

std::vector<int> range(int from, int to) {
  std::vector<int> v;
  for (int i = from; i <= to; ++i)
    v.push_back(i);
  return v;
}

const std::string kAllStudentKinds =
    "    kinds: {staff: {}, sections: {}, enrollments: {}, guardians: {}, guardian_links: {}}\n";

template <typename B>
std::string active_enrollments(Fixture<B>& f) {
  return f.query("SELECT count(*) FROM roster_current_enrollments WHERE active = 1");
}

}  // namespace

TEST_CASE_TEMPLATE(
    "kinds in the store: a held withdrawal keeps its student's enrollments; once decided, they "
    "follow without a trip",
    B, Sqlite, Postgres) {
  // Guardians are weighed on their own (a guardian is no student's row): see whole-roster.md.
  Fixture<B> f("    policy: {on_trip: hold_unsafe, max_row_drop_pct: 50}\n" + kKinds);
  REQUIRE(ingest_set(f, write_students(f.dir.path(), "n1", range(1, 20))).decision.decision ==
          Decision::committed);
  CHECK(active_enrollments(f) == "22\n");
  // Students 16 to 20 withdrawn (25%), student 21 new: the addition commits, the withdrawals
  // wait, and so do their enrollments.
  std::vector<int> night2 = range(1, 15);
  night2.push_back(21);
  const IngestOutcome split = ingest_set(f, write_students(f.dir.path(), "n2", night2));
  std::string trips;
  for (const SafeguardTrip& t : split.decision.trips)
    trips += t.name + " ";
  INFO(trips);
  INFO(split.decision.reason);
  REQUIRE(split.decision.decision == Decision::committed);
  REQUIRE(split.held_run);
  const KindPlan& enrollments = split.kind_plans[2];
  CHECK(enrollments.counts.added == 1);
  CHECK(enrollments.counts.deactivated == 0);
  CHECK(enrollments.counts.kept_for_student == 5);
  CHECK(active_enrollments(f) == "23\n");
  f.store->decisions().approve(*split.held_run, tester());
  // The next night's set deactivates the withdrawn students' rows: the withdrawal was
  // decided, so no kind's safeguard weighs them again.
  const IngestOutcome next = ingest_set(f, write_students(f.dir.path(), "n3", night2));
  INFO(next.decision.reason);
  REQUIRE(next.decision.decision == Decision::committed);
  CHECK(next.kind_plans[2].counts.deactivated == 5);
  CHECK(next.kind_plans[2].counts.left_with_student == 5);
  CHECK(active_enrollments(f) == "18\n");
}

TEST_CASE_TEMPLATE(
    "kinds in the store: a rollback refused over a later run, forced, and undone in turn", B,
    Sqlite, Postgres) {
  Fixture<B> f(kAllStudentKinds);
  ingest_set(f, write_students(f.dir.path(), "n1", range(1, 20)));
  std::vector<int> more = range(1, 20);
  more.push_back(21);
  const IngestOutcome second = ingest_set(f, write_students(f.dir.path(), "n2", more));
  REQUIRE(second.decision.decision == Decision::committed);
  // A later run withdraws student 21 again, deactivating rows the second run added: the
  // second run's rollback would undo the third's changes too.
  more.pop_back();
  const IngestOutcome third = ingest_set(f, write_students(f.dir.path(), "n3", more));
  INFO(third.decision.reason);
  REQUIRE(third.decision.decision == Decision::committed);
  CHECK_THROWS_WITH_AS(f.store->decisions().rollback(second.run_id, false, tester()),
                       doctest::Contains("later committed run(s)"), Error);
  // Rolled back by force, the second run's additions go.
  const std::int64_t undo = f.store->decisions().rollback(second.run_id, true, tester());
  CHECK(f.query("SELECT count(*) FROM roster_guardian_links WHERE student_state_id = '" + id("21") +
                "'") == "0\n");
  // And the rollback undone in turn brings them back as they stood before it: the third run
  // had deactivated the link (student 21 left).
  f.store->decisions().rollback(undo, true, tester());
  CHECK(f.query("SELECT guardian_id, \"primary\", active FROM roster_guardian_links WHERE "
                "student_state_id = '" +
                id("21") + "'") == "G21|Y|0\n");
}

TEST_CASE_TEMPLATE("kinds in the store: an opted-out student leaves no row of any kind", B, Sqlite,
                   Postgres) {
  Fixture<B> f(
      kAllStudentKinds + "    scope: {exclude_students: optouts.txt}\n" +
          "    policy: {max_reject_pct: 50}\n",
      [](const std::filesystem::path& dir) { std::ofstream(dir / "optouts.txt") << "\n"; });
  const auto n1 = write_students(f.dir.path(), "n1", range(1, 20));
  // Students 7's and 8's guardian links twice: discrepancies that name them, kept by the store.
  std::ofstream(n1 / "guardian_links.txt", std::ios::app | std::ios::binary)
      << "G7|" << id("7") << "|aunt|N|Y\nG8|" << id("8") << "|aunt|N|Y\n";
  REQUIRE(ingest_set(f, n1).decision.decision == Decision::committed);
  CHECK(f.query("SELECT count(*) FROM run_kind_changes WHERE row_key LIKE '%" + id("7") + "%'") !=
        "0\n");
  CHECK(f.query("SELECT count(*) FROM run_kind_discrepancies WHERE row_key LIKE '%" + id("7") +
                "%'") == "2\n");
  // A run held before the opt-out (half the students gone) records images of theirs too: a new
  // link of student 7's. The opt-out's run supersedes it, and its images go as well.
  const auto held = write_students(f.dir.path(), "held", range(1, 10));
  std::ofstream(held / "guardian_links.txt", std::ios::app | std::ios::binary)
      << "G9|" << id("7") << "|uncle|N|Y\n";
  const IngestOutcome h = ingest_set(f, held);
  REQUIRE(h.decision.decision == Decision::held);
  CHECK(f.query("SELECT count(*) FROM run_kind_changes WHERE run_id = " + std::to_string(h.run_id) +
                " AND row_key LIKE 'G9%" + id("7") + "'") == "1\n");
  std::ofstream(f.dir / "optouts.txt") << id("7") << "\n";
  f.config = load_config(f.dir / "rosterd.yaml");
  const IngestOutcome out = ingest_set(f, write_students(f.dir.path(), "n2", range(1, 20)));
  INFO(out.decision.reason);
  REQUIRE(out.decision.decision == Decision::committed);
  CHECK(f.query("SELECT count(*) FROM roster_enrollments WHERE person_id = '" + id("7") + "'") ==
        "0\n");
  CHECK(f.query("SELECT count(*) FROM roster_guardian_links WHERE student_state_id = '" + id("7") +
                "'") == "0\n");
  CHECK(f.query("SELECT count(*) FROM run_kind_changes WHERE row_key LIKE '%" + id("7") + "%'") ==
        "0\n");
  // Nobody else's: student 8's rows and images stay.
  CHECK(f.query("SELECT count(*) FROM roster_enrollments WHERE person_id = '" + id("8") + "'") ==
        "1\n");
  // (Two from the first night; one from the held run, whose single G8 link is no longer a
  // duplicate.)
  CHECK(f.query("SELECT count(*) FROM run_kind_changes WHERE row_key LIKE '%" + id("8") + "%'") ==
        "3\n");
  // Their discrepancies go with them; student 8's stay.
  CHECK(f.query("SELECT count(*) FROM run_kind_discrepancies WHERE row_key LIKE '%" + id("7") +
                "%'") == "0\n");
  CHECK(f.query("SELECT count(*) FROM run_kind_discrepancies WHERE row_key LIKE '%" + id("8") +
                "%'") == "2\n");
}

TEST_CASE_TEMPLATE(
    "kinds in the store: sections committed before platform courses take their own course code", B,
    Sqlite, Postgres) {
  Fixture<B> f("    policy: {commit: manual}\n" + kKinds);
  const IngestOutcome first = ingest_set(f, write_set(f.dir.path(), "night1"));
  REQUIRE(first.decision.decision == Decision::held);
  f.store->decisions().approve(first.run_id, tester());
  // A run held before the upgrade, renaming section S2: its images have no platform courses.
  const auto night2 = write_set(f.dir.path(), "night2");
  std::ofstream(night2 / "sections.txt", std::ios::binary)
      << "SectionID|CampusID|CourseCode|TermID|Name|Period|TeacherIDs|Status\n"
      << "S1|101|MATH5|Y26|Math 5|1|T1|A\nS2|101|ELA5|Y26|ELA 5 B|2|T2|A\n";
  const IngestOutcome held = ingest_set(f, night2);
  REQUIRE(held.decision.decision == Decision::held);
  // Back to the schema before sections had platform courses (SQLite 20, PostgreSQL 15).
  f.store.reset();
  f.query(
      "DROP VIEW roster_current_sections; ALTER TABLE roster_sections DROP COLUMN "
      "platform_courses; CREATE VIEW roster_current_sections AS SELECT feed, section_id, "
      "campus_id, course_code, term_id, name, period, teacher_ids, status, active, added_run, "
      "updated_run FROM roster_sections; DELETE FROM schema_migrations WHERE version >= " +
      std::string(std::is_same_v<B, Sqlite> ? "21" : "16") +
      "; UPDATE run_kind_changes SET after_values = substr(after_values, 1, length(after_values) "
      "- 6), before_values = substr(before_values, 1, length(before_values) - 6) WHERE kind = "
      "'sections' AND row_key = 'S2' AND run_id = " +
      std::to_string(held.run_id));
  REQUIRE(f.query("SELECT count(*) FROM run_kind_changes WHERE kind = 'sections' AND row_key = "
                  "'S2' AND after_values LIKE '%ELA 5 B1:22:T21:A'") == "1\n");
  f.store = f.open_another();
  // The view grows at its end only: the platform's reads by position still hold.
  CHECK(f.query("SELECT * FROM roster_current_sections ORDER BY section_id") ==
        "gen|S1|101|MATH5|Y26|Math 5|1|T1|A|1|" + std::to_string(first.run_id) + "|" +
            std::to_string(first.run_id) + "|MATH5\ngen|S2|101|ELA5|Y26|ELA 5|2|T2|A|1|" +
            std::to_string(first.run_id) + "|" + std::to_string(first.run_id) + "|ELA5\n");
  // The held run approved after the upgrade: its section keeps its course as platform course.
  f.store->decisions().approve(held.run_id, tester());
  CHECK(f.query("SELECT name, platform_courses FROM roster_current_sections WHERE section_id = "
                "'S2'") == "ELA 5 B|ELA5\n");
  // The next night finds nothing changed: a feed without a course table matches a section's
  // course to itself, as the migration did.
  const IngestOutcome next = ingest_set(f, night2);
  REQUIRE(next.decision.decision == Decision::held);  // commit: manual
  CHECK(next.kind_plans[1].counts.unchanged == 2);
  CHECK(next.kind_plans[1].counts.updated == 0);
}
