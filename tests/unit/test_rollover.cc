// The school-year rollover (planner/rollover.h): its window, how a new year's file's changes
// are sorted, and how the safeguards weigh what the rollover does not explain.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "config/config.h"
#include "planner/decision.h"
#include "planner/plan.h"
#include "planner/rollover.h"
#include "tests/support/check_text.h"
#include "tests/support/memory_roster.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

using Row = std::vector<std::string>;

Row kid(const std::string& id, const std::string& grade, const std::string& campus,
        const std::string& last = "") {
  return {id, "L" + id, "Kid", "", last.empty() ? "Family" + id : last, "2015-03-01", grade, campus,
          "", "A",      "",    ""};
}

RolloverConfig config() {
  RolloverConfig c;
  c.window = *parse_yearly_window("06-15..09-30");
  c.grades = default_grade_ladder();
  c.entry_grades = {"PK", "K"};
  return c;
}

}  // namespace

TEST_CASE("rollover: a yearly window, read strictly, may wrap the new year") {
  const auto w = parse_yearly_window("06-15..09-30");
  REQUIRE(w);
  CHECK(w->contains({2027, 6, 15}));
  CHECK(w->contains({2027, 9, 30}));
  CHECK_FALSE(w->contains({2027, 10, 1}));
  CHECK_FALSE(w->contains({2027, 6, 14}));
  CHECK(w->text() == "06-15..09-30");
  const auto winter = parse_yearly_window("12-20..01-05");
  REQUIRE(winter);
  CHECK(winter->contains({2027, 12, 31}));
  CHECK(winter->contains({2028, 1, 2}));
  CHECK_FALSE(winter->contains({2028, 1, 6}));
  for (const char* bad : {"6-15..9-30", "06-15", "02-30..03-01", "13-01..01-01", "06-15..09-3x"})
    CHECK_FALSE(parse_yearly_window(bad));
  CHECK(parse_yearly_window("02-29..03-01"));  // a leap day is a day some years have
}

TEST_CASE("rollover: a new year's changes sorted into what it explains and what it does not") {
  testing::MemoryRoster roster;
  for (const Row& r : {kid("1", "05", "101"), kid("2", "05", "101"), kid("3", "12", "103"),
                       kid("4", "06", "102"), kid("5", "03", "101"), kid("6", "03", "101"),
                       kid("7", "02", "101"), kid("10", "04", "101")})
    roster.add(r);
  const CheckResult check = testing::check_text(testing::roster_text({
      kid("1", "06", "102"),              // promoted, to the school that held grade 06
      kid("2", "05", "101"),              // retained
                                          // 3: a senior, absent: graduated
      kid("4", "07", "102"),              // promoted, same school
                                          // 5: absent from grade 03: withdrawn
      kid("6", "05", "101"),              // two grades up: not explained
      kid("7", "03", "104"),              // promoted, to a school that never held grade 03
      kid("8", "K", "101"),               // the new kindergarten
      kid("9", "04", "101"),              // a new student in grade 04
      kid("10", "05", "101", "Newname"),  // promoted, and renamed
  }));
  const Plan plan = make_plan(check, roster);
  const RolloverCounts n = classify_rollover(plan, config());
  CHECK(n.promoted == 4);  // 1, 4, 7, 10
  CHECK(n.moved_with_grade == 1);
  CHECK(n.retained == 1);
  CHECK(n.graduated == 1);
  CHECK(n.entered == 1);
  CHECK(n.withdrawn == 1);
  CHECK(n.other_grade_changes == 1);
  CHECK(n.other_campus_changes == 1);
  CHECK(n.explained_updates == 2);  // 1 and 4; 7's school and 10's name are not the rollover's
  CHECK(rollover_summary(n, config().window) ==
        "School year rollover (window 06-15..09-30): 4 promoted a grade (1 of them to the school "
        "their grade attends), 1 graduated, 1 new in the entry grades, 1 retained. Not explained "
        "by it: 1 withdrawn, 1 other grade changes, 1 other school changes.");
  CHECK(looks_like_rollover(n, 7));
  CHECK_FALSE(looks_like_rollover(n, 8));  // half is not most
}

TEST_CASE("rollover: a move from a school that teaches the new grade itself is not explained") {
  testing::MemoryRoster roster;
  for (const Row& r : {kid("1", "06", "105"), kid("2", "07", "105"), kid("3", "07", "102")})
    roster.add(r);
  // 105 is a K-8 school: its sixth grader going to the middle school 102 is a transfer.
  const CheckResult check = testing::check_text(
      testing::roster_text({kid("1", "07", "102"), kid("2", "08", "105"), kid("3", "08", "102")}));
  const RolloverCounts n = classify_rollover(make_plan(check, roster), config());
  CHECK(n.promoted == 3);
  CHECK(n.moved_with_grade == 0);
  CHECK(n.other_campus_changes == 1);
  CHECK(n.explained_updates == 2);
}

TEST_CASE("rollover: the safeguards weigh what it does not explain, within the window only") {
  // 1,000 students: 900 a grade up (all of them updates), 77 seniors graduated.
  RolloverCounts n;
  n.promoted = 900;
  n.explained_updates = 900;
  n.graduated = 77;
  n.moved_with_grade = 230;
  DecisionInput in;
  in.previous_rows = 1000;
  in.check.rows_read = 1000;  // the new kindergarten makes up for the graduates
  in.plan.active_before = 1000;
  in.plan.updated = 900;
  in.plan.deactivated = 77;
  in.field_changes[field_index(Field::grade)] = 900;
  in.field_changes[field_index(Field::campus)] = 230;
  in.rollover = &n;
  in.rollover_window = "06-15..09-30";

  SUBCASE("without a rollover: held on the graduates, the updates and the grades") {
    in.rollover = nullptr;
    const DecisionResult r = decide(in);
    CHECK(r.decision == Decision::held);
    REQUIRE(r.trips.size() == 3);  // the graduates, the updates, the grades
    CHECK(r.trips[0].name == "max_deactivate_pct");
    CHECK(r.trips[1].name == "max_update_pct");
    CHECK(r.trips[2].name == "max_field_change_pct.grade");
  }
  SUBCASE("within the window: nothing unexplained, committed") {
    in.in_rollover_window = true;
    CHECK(decide(in).decision == Decision::committed);
  }
  SUBCASE("within the window, 20% withdrawn besides the graduates: held on those") {
    in.in_rollover_window = true;
    in.plan.deactivated = 77 + 200;
    n.withdrawn = 200;
    const DecisionResult r = decide(in);
    REQUIRE(r.trips.size() == 1);
    CHECK(r.trips[0].name == "max_deactivate_pct");
    CHECK(r.trips[0].value == doctest::Approx(20.0));
  }
  SUBCASE("within the window, a file that is no new year's: the seniors missing are withdrawals") {
    in.in_rollover_window = true;
    n.promoted = 0;
    n.explained_updates = 0;
    in.plan.updated = 0;
    in.field_changes = {};
    const DecisionResult r = decide(in);
    REQUIRE(r.trips.size() == 1);
    CHECK(r.trips[0].name == "max_deactivate_pct");
    CHECK(r.trips[0].value == doctest::Approx(7.7));
  }
  SUBCASE("a school's own limit counts its graduates out too") {
    const std::map<std::string, CampusPolicy, std::less<>> schools = {{"103", {10.0, {}}}};
    const std::vector<CampusCounts> campuses = {{"103", 323, 0, 0, 0, 230, 77, 77, 0, 0}};
    n.graduated_by_campus = {{"103", 77}};
    in.campus_policies = &schools;
    in.campuses = &campuses;
    in.in_rollover_window = true;
    CHECK(decide(in).decision == Decision::committed);
    in.in_rollover_window = false;
    const auto names = decide(in).trips;
    CHECK(std::any_of(names.begin(), names.end(), [](const SafeguardTrip& t) {
      return t.name == "per_campus.103.max_deactivate_pct";
    }));
  }
  SUBCASE("outside the window: held, saying it looks like the new year's file") {
    const DecisionResult r = decide(in);
    CHECK(r.decision == Decision::held);
    REQUIRE_FALSE(r.trips.empty());
    CHECK(r.trips[0].name == "school_year.rollover");
    CHECK(r.trips[0].explanation.find("this looks like the new school year's file, outside the "
                                      "rollover window (06-15..09-30)") != std::string::npos);
  }
}

TEST_CASE("rollover: the config reads the window and grades, and refuses bad ones by line") {
  testing::TempDir dir;
  const auto load = [&](const std::string& rollover) {
    return load_config(
        testing::write_test_feed(dir.path(), "    school_year:\n      rollover:\n" + rollover));
  };
  const Config c = load("        window: \"06-15..09-30\"\n");
  REQUIRE(c.feed("gen").rollover);
  CHECK(c.feed("gen").rollover->window.text() == "06-15..09-30");
  CHECK(c.feed("gen").rollover->grades == default_grade_ladder());
  CHECK(c.feed("gen").rollover->entry_grades == std::vector<std::string>{"PK", "K"});
  CHECK_FALSE(load_config(testing::write_test_feed(dir.path(), "")).feed("gen").rollover);
  CHECK_THROWS_WITH_AS(load("        window: \"June..September\"\n"),
                       doctest::Contains(":13: feeds.gen.school_year.rollover.window: must be two "
                                         "month-day dates"),
                       Error);
  CHECK_THROWS_WITH_AS(load("        grades: [K, \"01\"]\n"), doctest::Contains("needs `window:`"),
                       Error);
  CHECK_THROWS_WITH_AS(
      load("        window: \"06-15..09-30\"\n        grades: [K, \"01\", K]\n"),
      doctest::Contains("rollover.grades: must list platform grade codes once each"), Error);
  CHECK_THROWS_WITH_AS(
      load("        window: \"06-15..09-30\"\n        entry_grades: [TK]\n"),
      doctest::Contains("rollover.entry_grades: names \"TK\", which is not in `grades`"), Error);
}
