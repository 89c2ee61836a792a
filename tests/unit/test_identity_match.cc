#include "planner/identity_match.h"

#include <doctest/doctest.h>

#include <map>

#include "planner/decision.h"
#include "planner/student_digest.h"
#include "tests/support/check_text.h"
#include "tests/support/memory_roster.h"
#include "tests/support/roster_generator.h"

using namespace rosterd;

namespace {

using Row = std::vector<std::string>;

using Committed = testing::MemoryRoster;

Row person(const std::string& id, const std::string& first, const std::string& last,
           const std::string& dob = "2014-03-09", const std::string& local = "") {
  return {id, local.empty() ? "L" + id : local, first, "", last, dob, "05", "101", "", "A", "", ""};
}

struct Planned {
  CheckResult check;  // the plan points into it
  Plan plan;
};

Planned plan_for(Committed& committed, const std::vector<Row>& file,
                 const IdentityState& state = {}, IdentityPolicy policy = {}) {
  Planned p;
  p.check = testing::check_text(testing::roster_text(file));
  p.plan = make_plan(p.check, committed);
  match_identities(p.plan, committed, state, policy);
  return p;
}

const Change* change_of(const Plan& p, const std::string& id) {
  for (const Change& c : p.changes) {
    if (c.state_id == id) return &c;
  }
  return nullptr;
}

Committed five_students() {
  Committed c;
  c.add(person("1", "Ava", "Lee"));
  c.add(person("2", "Bo", "Li", "2013-05-01"));
  c.add(person("3", "José", "O'Neil-Núñez", "2014-07-02"));
  c.add(person("4", "Di", "Xu", "2012-01-30"));
  c.add(person("5", "Ed", "Yu", "2015-11-11"));
  return c;
}

}  // namespace

TEST_CASE("identity: a new ID with the name and birth date of an absent student is an alert") {
  Committed c = five_students();
  // Student 3 comes back as 33, spelled without accents, apostrophe or hyphen.
  const Planned p =
      plan_for(c, {person("1", "Ava", "Lee"), person("2", "Bo", "Li", "2013-05-01"),
                   person("33", "JOSE", "ONEIL NUNEZ", "2014-07-02"),
                   person("4", "Di", "Xu", "2012-01-30"), person("5", "Ed", "Yu", "2015-11-11")});
  CHECK(p.plan.counts.added == 0);
  CHECK(p.plan.counts.held_for_review == 1);
  CHECK(p.plan.counts.deactivated == 0);  // 3 is kept while the alert is open
  CHECK(p.plan.counts.kept_for_review == 1);
  CHECK(p.plan.changes.empty());
  REQUIRE(p.plan.alerts.size() == 1);
  const IdentityAlert& a = p.plan.alerts[0];
  CHECK(a.kind == AlertKind::possible_match);
  CHECK(a.state_id == "33");
  CHECK(a.line == 4);
  CHECK(a.row[field_index(Field::last_name)] == "ONEIL NUNEZ");
  REQUIRE(a.candidates.size() == 1);
  CHECK(a.candidates[0].id == "3");
  CHECK(a.candidates[0].values[field_index(Field::last_name)] == "O'Neil-Núñez");
  CHECK(a.candidates[0].score == 90);  // the local ID differs
}

TEST_CASE("identity: twins with different first names never match; one name is ambiguous") {
  Committed c;
  c.add(person("10", "Ana", "Lopez"));
  c.add(person("11", "Sofia", "Lopez"));
  c.add(person("20", "Maria", "Garcia", "2013-02-02"));
  c.add(person("21", "Maria", "Garcia", "2013-02-02"));
  IdentityPolicy policy;
  policy.rekey_min_students = 1;  // even so: no one-to-one pair, so no re-key
  // Sofia's ID changes; Ana keeps hers. A new Maria Garcia arrives; both committed ones left.
  const Planned p = plan_for(c,
                             {person("10", "Ana", "Lopez"), person("12", "Sofia", "Lopez"),
                              person("22", "Maria", "Garcia", "2013-02-02")},
                             {}, policy);
  REQUIRE(p.plan.alerts.size() == 2);
  const IdentityAlert& sofia =
      p.plan.alerts[0].state_id == "12" ? p.plan.alerts[0] : p.plan.alerts[1];
  const IdentityAlert& maria =
      p.plan.alerts[0].state_id == "22" ? p.plan.alerts[0] : p.plan.alerts[1];
  REQUIRE(sofia.candidates.size() == 1);
  CHECK(sofia.candidates[0].id == "11");  // not Ana, her twin
  // The same first name: an ambiguous alert with both, not a merge.
  CHECK(maria.kind == AlertKind::possible_match);
  REQUIRE(maria.candidates.size() == 2);
  CHECK(maria.candidates[0].id == "20");
  CHECK(maria.candidates[1].id == "21");
  CHECK(p.plan.counts.rekeyed == 1);  // Sofia alone pairs one to one: min 1 makes it a re-key
  CHECK(p.plan.counts.proposed_rekeys == 1);
  CHECK(p.plan.counts.held_for_review == 1);
  CHECK(p.plan.counts.deactivated == 0);
  CHECK(p.plan.counts.kept_for_review == 2);  // both Marias
  CHECK(change_of(p.plan, "22") == nullptr);
}

TEST_CASE("identity: a re-key of 30% of a feed is held with the proposed ID mapping") {
  Committed c;
  std::vector<Row> file;
  for (int n = 100; n < 120; ++n) {
    const std::string dob = "2014-01-" + std::to_string(n - 90);
    c.add(person(std::to_string(n), "Kid", "Family" + std::to_string(n), dob));
    // 6 of 20 get new IDs (9xx) in the file.
    file.push_back(person(n < 106 ? std::to_string(n + 800) : std::to_string(n), "Kid",
                          "Family" + std::to_string(n), dob));
  }
  IdentityPolicy policy;
  policy.rekey_min_students = 5;
  const Planned p = plan_for(c, file, {}, policy);
  CHECK(p.plan.counts.added == 0);
  CHECK(p.plan.counts.deactivated == 0);
  CHECK(p.plan.counts.rekeyed == 6);
  CHECK(p.plan.counts.proposed_rekeys == 6);
  REQUIRE(p.plan.changes.size() == 6);
  const Change* r = change_of(p.plan, "900");
  REQUIRE(r);
  CHECK(r->kind == ChangeKind::rekeyed);
  CHECK((*r->before)[field_index(Field::state_id)] == "100");
  CHECK(r->changed_fields ==
        ((1u << field_index(Field::state_id)) | (1u << field_index(Field::local_id))));
  REQUIRE(p.plan.alerts.size() == 6);
  CHECK(p.plan.alerts[0].kind == AlertKind::rekey);

  DecisionInput in;
  in.plan = p.plan.counts;
  in.check = p.check.counts;
  in.previous_rows = 20;
  in.rekey_min_students = policy.rekey_min_students;
  const DecisionResult d = decide(in);
  CHECK(d.decision == Decision::held);
  REQUIRE(d.trips.size() == 1);
  CHECK(d.trips[0].name == "rekey_min_students");

  // Below the threshold the same file is six possible matches, and the run is not held for it.
  policy.rekey_min_students = 10;
  const Planned q = plan_for(c, file, {}, policy);
  CHECK(q.plan.counts.rekeyed == 0);
  CHECK(q.plan.counts.held_for_review == 6);
  CHECK(q.plan.alerts.size() == 6);
  CHECK(q.plan.alerts[0].kind == AlertKind::possible_match);
}

TEST_CASE("identity: a person's decisions are applied by the next run with the row") {
  Committed c = five_students();
  const std::vector<Row> file = {person("1", "Ava", "Lee"), person("2", "Bo", "Li", "2013-05-01"),
                                 person("33", "José", "O'Neil-Núñez", "2014-07-02"),
                                 person("4", "Di", "Xu", "2012-01-30")};
  IdentityState match;
  match.resolutions.push_back({7, AlertKind::possible_match, "33", true, "3"});
  const Planned m = plan_for(c, file, match);
  const Change* r = change_of(m.plan, "33");
  REQUIRE(r);
  CHECK(r->kind == ChangeKind::rekeyed);
  CHECK((*r->before)[field_index(Field::state_id)] == "3");
  CHECK(m.plan.applied_resolutions == std::vector<std::int64_t>{7});
  CHECK(m.plan.alerts.empty());
  CHECK(m.plan.counts.deactivated == 1);  // 5, absent; 3 is re-keyed, not deactivated
  CHECK(change_of(m.plan, "3") == nullptr);

  IdentityState create;
  create.resolutions.push_back({8, AlertKind::possible_match, "33", false, ""});
  const Planned n = plan_for(c, file, create);
  REQUIRE(change_of(n.plan, "33"));
  CHECK(change_of(n.plan, "33")->kind == ChangeKind::added);
  REQUIRE(change_of(n.plan, "3"));
  CHECK(change_of(n.plan, "3")->kind == ChangeKind::deactivated);
  CHECK(n.plan.counts.deactivated == 2);
  CHECK(n.plan.applied_resolutions == std::vector<std::int64_t>{8});

  // An open alert from an earlier night keeps its candidate from being deactivated.
  IdentityState open;
  open.protected_ids = {"5"};
  const Planned o = plan_for(
      c,
      {person("1", "Ava", "Lee"), person("2", "Bo", "Li", "2013-05-01"),
       person("3", "José", "O'Neil-Núñez", "2014-07-02"), person("4", "Di", "Xu", "2012-01-30")},
      open);
  CHECK(change_of(o.plan, "5") == nullptr);
  CHECK(o.plan.counts.kept_for_review == 1);
}

TEST_CASE("identity: go-live links unique matches, alerts ambiguous ones, lists the unmatched") {
  Committed empty;
  IdentityState s;
  const auto existing = [&](const std::string& pid, Row v) {
    s.existing.push_back(ExistingStudent{pid, std::move(v)});
  };
  existing("P1", person("1", "Eve", "Leigh"));                           // by state ID alone
  existing("P2", person("", "Bob", "Lee-Li", "2013-05-01", "L2"));       // by local ID alone
  existing("P3", person("", "Jose", "ONeil Nunez", "2014-07-02", "X"));  // by name + birth date
  existing("P4", person("", "Di", "Xu", "2012-01-30", "Y"));             // two with one name:
  existing("P5", person("", "Di", "Xu", "2012-01-30", "Z"));             // ambiguous
  existing("P6", person("", "Gone", "Away", "2012-01-30", "W"));         // matched by no row
  IdentityPolicy policy;
  policy.unmatched_existing = UnmatchedExisting::deactivate;
  const Planned p =
      plan_for(empty,
               {person("1", "Ava", "Lee"), person("2", "Bo", "Li", "2013-05-01"),
                person("3", "José", "O'Neil-Núñez", "2014-07-02"),
                person("4", "Di", "Xu", "2012-01-30"), person("5", "Ed", "Yu", "2015-11-11")},
               s, policy);
  CHECK(p.plan.counts.linked == 3);
  CHECK(p.plan.counts.added == 4);  // 1, 2, 3 linked; 5 new
  CHECK(p.plan.counts.held_for_review == 1);
  CHECK(change_of(p.plan, "1")->platform_id == "P1");
  CHECK(change_of(p.plan, "2")->platform_id == "P2");
  CHECK(change_of(p.plan, "3")->platform_id == "P3");
  CHECK(change_of(p.plan, "5")->platform_id.empty());
  CHECK(change_of(p.plan, "4") == nullptr);
  REQUIRE(p.plan.alerts.size() == 2);
  CHECK(p.plan.alerts[0].kind == AlertKind::existing_match);
  CHECK(p.plan.alerts[0].state_id == "4");
  REQUIRE(p.plan.alerts[0].candidates.size() == 2);
  CHECK(p.plan.alerts[1].kind == AlertKind::existing_unmatched);
  CHECK(p.plan.alerts[1].candidates[0].id == "P6");
  CHECK(p.plan.alerts[1].outcome == "inactive");

  // The ambiguous row decided: linked to P5 by the next run.
  IdentityState decided = s;
  decided.resolutions.push_back({9, AlertKind::existing_match, "4", true, "P5"});
  const Planned q = plan_for(empty, {person("4", "Di", "Xu", "2012-01-30")}, decided, policy);
  REQUIRE(change_of(q.plan, "4"));
  CHECK(change_of(q.plan, "4")->platform_id == "P5");
  CHECK(q.plan.applied_resolutions == std::vector<std::int64_t>{9});

  // After go-live a new student is never linked without a decision, and nobody is listed as
  // unmatched again; the row of an open existing_match alert is still held.
  IdentityState later = s;
  later.go_live = false;
  later.live_campuses = {"101"};  // the campus went live with the first run
  later.existing_alert_rows = {"4"};
  const Planned r = plan_for(
      empty,
      {person("3", "José", "O'Neil-Núñez", "2014-07-02"), person("4", "Di", "Xu", "2012-01-30")},
      later, policy);
  REQUIRE(change_of(r.plan, "3"));
  CHECK(change_of(r.plan, "3")->platform_id.empty());
  CHECK(change_of(r.plan, "4") == nullptr);
  REQUIRE(r.plan.alerts.size() == 1);
  CHECK(r.plan.alerts[0].kind == AlertKind::existing_match);
}

TEST_CASE("identity: a match decided for an ID that is back in the file is decided again") {
  Committed c = five_students();
  IdentityState s;
  s.resolutions.push_back({7, AlertKind::possible_match, "33", true, "3"});
  // The SIS sends both the old ID and the new one.
  const Planned p =
      plan_for(c,
               {person("1", "Ava", "Lee"), person("2", "Bo", "Li", "2013-05-01"),
                person("3", "José", "O'Neil-Núñez", "2014-07-02"),
                person("33", "José", "O'Neil-Núñez", "2014-07-02"),
                person("4", "Di", "Xu", "2012-01-30"), person("5", "Ed", "Yu", "2015-11-11")},
               s);
  CHECK(change_of(p.plan, "33") == nullptr);  // never a second record
  CHECK(p.plan.counts.held_for_review == 1);
  CHECK(p.plan.reopened_resolutions == std::vector<std::int64_t>{7});
  CHECK(p.plan.applied_resolutions.empty());
}

TEST_CASE("identity: a campus going live later links to its existing students then") {
  Committed empty;
  IdentityState s;
  s.existing.push_back(ExistingStudent{"P1", person("", "Ava", "Lee", "2014-03-09", "X1")});
  Row other = person("", "Bo", "Li", "2013-05-01", "X2");
  other[field_index(Field::campus)] = "103";
  s.existing.push_back(ExistingStudent{"P2", other});
  FeedScope pilot;
  pilot.exclude_campuses = {"103"};
  s.scope = &pilot;
  // The pilot: only 101 is in scope. P2 (campus 103) is not reported unmatched: it waits.
  const Planned p = plan_for(empty, {person("1", "Ava", "Lee", "2014-03-09")}, s);
  CHECK(change_of(p.plan, "1")->platform_id == "P1");
  CHECK(p.plan.alerts.empty());

  // Campus 103 goes live later: its first rows link to its existing students.
  Committed after;
  after.add(person("1", "Ava", "Lee", "2014-03-09"));
  IdentityState later;
  later.go_live = false;
  later.live_campuses = {"101"};
  later.existing.push_back(ExistingStudent{"P2", other});
  Row bo = person("2", "Bo", "Li", "2013-05-01");
  bo[field_index(Field::campus)] = "103";
  const Planned q = plan_for(after, {person("1", "Ava", "Lee", "2014-03-09"), bo}, later);
  REQUIRE(change_of(q.plan, "2"));
  CHECK(change_of(q.plan, "2")->platform_id == "P2");
}
