#include <doctest/doctest.h>

#include "planner/campus_counts.h"
#include "planner/decision.h"
#include "planner/identity_match.h"
#include "planner/plan.h"
#include "tests/support/check_text.h"
#include "tests/support/memory_roster.h"
#include "tests/support/roster_generator.h"

using namespace rosterd;

namespace {

using Row = std::vector<std::string>;

Row kid(const std::string& id, const std::string& campus, const std::string& grade = "05",
        const std::string& ela = "50") {
  return {id,    "L" + id, "Kid", "",  "Family" + id, "2015-03-0" + id.substr(id.size() - 1),
          grade, campus,   "",    "A", ela,           ""};
}

struct Planned {
  CheckResult check;
  Plan plan;
};

Planned plan_for(testing::MemoryRoster& roster, const std::vector<Row>& rows,
                 const FeedRules& rules = {}, const IdentityPolicy& identity = {},
                 const IdentityState& state = {}) {
  Planned p;
  p.check = testing::check_text(testing::roster_text(rows));
  p.plan = make_plan(p.check, roster, rules);
  match_identities(p.plan, roster, state, identity);
  apply_import_rules(p.plan, rules.import);
  return p;
}

const Change* change_of(const Plan& p, const std::string& id) {
  for (const Change& c : p.changes) {
    if (c.state_id == id) return &c;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("scope: rows of other campuses and grades are neither added nor updated") {
  testing::MemoryRoster roster;
  FeedRules rules;
  rules.scope.campuses = {"101"};
  rules.scope.exclude_grades = {"12"};
  const Planned p = plan_for(
      roster, {kid("1", "101"), kid("2", "102"), kid("3", "101", "12"), kid("4", "101")}, rules);
  CHECK(p.plan.counts.added == 2);
  CHECK(p.plan.counts.out_of_scope == 2);
  CHECK(change_of(p.plan, "2") == nullptr);
  CHECK(change_of(p.plan, "3") == nullptr);
}

TEST_CASE("scope: a student who moves out is deactivated apart from withdrawals, or kept") {
  testing::MemoryRoster roster;
  for (const char* id : {"1", "2", "3"})
    roster.add(kid(id, "101"));
  FeedRules rules;
  rules.scope.exclude_campuses = {"103"};
  // 2 moves to the excluded campus; 3 withdraws.
  const Planned p = plan_for(roster, {kid("1", "101"), kid("2", "103")}, rules);
  CHECK(p.plan.counts.left_scope == 1);
  CHECK(p.plan.counts.deactivated == 1);
  REQUIRE(change_of(p.plan, "2"));
  CHECK(change_of(p.plan, "2")->left_scope);
  CHECK(change_of(p.plan, "2")->after(field_index(Field::campus)) == "101");  // values kept

  DecisionInput in;
  in.plan = p.plan.counts;
  in.check = p.check.counts;
  in.previous_rows = 2;  // no row drop
  const DecisionResult d = decide(in);
  REQUIRE(d.trips.size() == 2);  // 1 of 3 each: over 5%, but told apart
  CHECK(d.trips[0].name == "max_deactivate_pct");
  CHECK(d.trips[1].name == "scope_change");

  rules.scope.out_of_scope = OutOfScope::keep;
  const Planned k = plan_for(roster, {kid("1", "101"), kid("2", "103"), kid("3", "101")}, rules);
  CHECK(k.plan.counts.left_scope == 0);
  CHECK(k.plan.counts.kept_out_of_scope == 1);
  CHECK(k.plan.changes.empty());
}

TEST_CASE("scope + deactivate off: nobody is deactivated, and it is reported") {
  testing::MemoryRoster roster;
  for (const char* id : {"1", "2", "3"})
    roster.add(kid(id, "101"));
  FeedRules rules;
  rules.scope.exclude_campuses = {"103"};
  rules.import.deactivate = false;
  const Planned p = plan_for(roster, {kid("1", "101"), kid("2", "103")}, rules);
  CHECK(p.plan.counts.deactivated == 0);
  CHECK(p.plan.counts.left_scope == 0);
  CHECK(p.plan.counts.suppressed_deactivated == 2);
  CHECK(p.plan.changes.empty());
  REQUIRE(p.plan.suppressed.size() == 2);
  CHECK(p.plan.suppressed[0].kind == ChangeKind::deactivated);
}

TEST_CASE("update-only: new students are suppressed, a re-key is still a re-key") {
  testing::MemoryRoster roster;
  for (const char* id : {"1", "2", "3", "4", "5", "6"})
    roster.add(kid(id, "101"));
  FeedRules rules;
  rules.import.add = false;
  IdentityPolicy identity;
  identity.rekey_min_students = 2;
  // 1 and 2 get new IDs (91, 92); 7 is new.
  Row a = kid("1", "101"), b = kid("2", "101");
  a[0] = "91";
  b[0] = "92";
  const Planned p = plan_for(
      roster,
      {a, b, kid("3", "101"), kid("4", "101"), kid("5", "101"), kid("6", "101"), kid("7", "101")},
      rules, identity);
  CHECK(p.plan.counts.rekeyed == 2);
  CHECK(p.plan.counts.proposed_rekeys == 2);
  CHECK(p.plan.counts.added == 0);
  CHECK(p.plan.counts.suppressed_added == 1);
  REQUIRE(change_of(p.plan, "91"));
  CHECK(change_of(p.plan, "91")->kind == ChangeKind::rekeyed);

  // Updates off too: the re-key is suppressed and becomes a possible match for a person.
  rules.import.update = false;
  const Planned q = plan_for(
      roster,
      {a, b, kid("3", "101"), kid("4", "101"), kid("5", "101"), kid("6", "101"), kid("7", "101")},
      rules, identity);
  CHECK(q.plan.counts.rekeyed == 0);
  CHECK(q.plan.counts.proposed_rekeys == 0);
  CHECK(q.plan.counts.suppressed_updated == 2);
  REQUIRE(q.plan.alerts.size() == 2);
  CHECK(q.plan.alerts[0].kind == AlertKind::possible_match);
}

TEST_CASE("a campus switched from excluded to included adds its students") {
  testing::MemoryRoster roster;
  FeedRules pilot;
  pilot.scope.exclude_campuses = {"103"};
  const std::vector<Row> file = {kid("1", "101"), kid("2", "103"), kid("3", "103")};
  const Planned first = plan_for(roster, file, pilot);
  CHECK(first.plan.counts.added == 1);
  CHECK(first.plan.counts.out_of_scope == 2);
  roster.apply(first.plan);
  const Planned live = plan_for(roster, file, FeedRules{});
  CHECK(live.plan.counts.added == 2);
  CHECK(live.plan.counts.unchanged == 1);
}

TEST_CASE("an opted-out student is removed, never added, and no values are kept") {
  testing::MemoryRoster roster;
  roster.add(kid("1", "101"));
  roster.add(kid("2", "101"));
  FeedRules rules;
  rules.scope.exclude_students = {"2", "8"};
  const Planned p = plan_for(roster, {kid("1", "101"), kid("2", "101"), kid("8", "101")}, rules);
  REQUIRE(change_of(p.plan, "2"));
  CHECK(change_of(p.plan, "2")->kind == ChangeKind::removed);
  CHECK_FALSE(change_of(p.plan, "2")->before.has_value());
  CHECK_FALSE(change_of(p.plan, "2")->has_after);
  CHECK(change_of(p.plan, "8") == nullptr);
  CHECK(p.plan.counts.opted_out == 1);
  CHECK(p.plan.counts.out_of_scope == 1);
  // Not even "deactivate: false" keeps an opted-out student.
  rules.import.deactivate = false;
  CHECK(plan_for(roster, {kid("1", "101")}, rules).plan.counts.opted_out == 1);
}

TEST_CASE("a skipped field is read and checked but never written or compared") {
  testing::MemoryRoster roster;
  FeedRules rules;
  rules.import.skip.set(field_index(Field::ela_score));
  const Planned first = plan_for(roster, {kid("1", "101", "05", "50")}, rules);
  REQUIRE(change_of(first.plan, "1"));
  CHECK(change_of(first.plan, "1")->after(field_index(Field::ela_score)).empty());
  roster.apply(first.plan);
  // Only the skipped field differs: unchanged.
  CHECK(plan_for(roster, {kid("1", "101", "05", "77")}, rules).plan.counts.unchanged == 1);
  // A committed value from before the rule is kept by an update.
  roster.students["1"][field_index(Field::ela_score)] = "40";
  const Planned u = plan_for(roster, {kid("1", "102", "05", "77")}, rules);
  REQUIRE(change_of(u.plan, "1"));
  CHECK(change_of(u.plan, "1")->after(field_index(Field::ela_score)) == "40");
  CHECK(change_of(u.plan, "1")->changed_fields == (1u << field_index(Field::campus)));
}

TEST_CASE("per-campus counts: rows, rejected and warned rows, changes by campus") {
  testing::MemoryRoster roster;
  roster.add(kid("1", "101"));
  roster.add(kid("2", "102"));
  Row warned = kid("3", "101");
  warned[10] = "abc";  // invalid_score: a warning
  Row rejected = kid("4", "102");
  rejected[2] = "";  // missing first name: rejected
  // 1 stays, 2 withdraws, 3 is new (warned), 4 is rejected, 5 is new in 102.
  const Planned p =
      plan_for(roster, {kid("1", "101"), warned, rejected, kid("5", "102")}, FeedRules{});
  const std::vector<CampusCounts> c = campus_counts(p.check, &p.plan);
  REQUIRE(c.size() == 2);
  CHECK(c[0].campus == "101");
  CHECK(c[0].rows == 2);
  CHECK(c[0].warned == 1);
  CHECK(c[0].added == 1);
  CHECK(c[1].campus == "102");
  CHECK(c[1].rows == 2);
  CHECK(c[1].rejected == 1);
  CHECK(c[1].added == 1);
  CHECK(c[1].deactivated == 1);  // 2, by its committed campus
}

TEST_CASE("the rules' description tells a config change, and gives back the old scope") {
  FeedRules a;
  a.scope.exclude_campuses = {"103", "102"};
  a.import.skip.set(field_index(Field::ela_score));
  const std::string text = describe_rules(a);
  CHECK(text ==
        "campuses=* exclude_campuses=102,103 grades=* exclude_grades=* exclude_students=0 "
        "out_of_scope=deactivate add=1 update=1 deactivate=1 skip=ela_score");
  FeedRules b = a;
  CHECK(describe_rules(b) == text);
  b.import.add = false;
  CHECK(describe_rules(b) != text);
  const auto scope = scope_of_description(text);
  REQUIRE(scope);
  CHECK_FALSE(scope->takes("103", "05"));
  CHECK(scope->takes("101", "05"));
  CHECK_FALSE(scope_of_description("not a description"));
}

TEST_CASE("a re-key keeps the committed value of a skipped field; a suppressed decision waits") {
  testing::MemoryRoster roster;
  Row old = kid("1", "101", "05", "40");
  roster.add(old);
  FeedRules rules;
  rules.import.skip.set(field_index(Field::ela_score));
  Row moved = kid("1", "101", "05", "77");
  moved[0] = "91";
  IdentityState state;
  state.resolutions.push_back({5, AlertKind::possible_match, "91", true, "1"});
  const Planned p = plan_for(roster, {moved}, rules, {}, state);
  REQUIRE(change_of(p.plan, "91"));
  CHECK(change_of(p.plan, "91")->kind == ChangeKind::rekeyed);
  CHECK(change_of(p.plan, "91")->after(field_index(Field::ela_score)) == "40");
  CHECK(p.plan.applied_resolutions == std::vector<std::int64_t>{5});

  rules.import.update = false;  // the re-key is suppressed: the decision is not applied
  const Planned q = plan_for(roster, {moved}, rules, {}, state);
  CHECK(q.plan.counts.suppressed_updated == 1);
  CHECK(q.plan.applied_resolutions.empty());
}
