// policy.on_trip: hold_unsafe (planner/unsafe_changes.h): which changes each tripped safeguard
// is about, and a run cut in two in process (a SQLite store): the safe part committed, the rest
// held as a run of its own that approval applies and a later commit supersedes.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "config/config.h"
#include "core/civil_date.h"
#include "pipeline/ingest_run.h"
#include "planner/decision.h"
#include "planner/unsafe_changes.h"
#include "store/roster_store.h"
#include "tests/support/district_year.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

SafeguardTrip trip(const std::string& name) {
  return {name, 5, 30, "x"};
}

Change change(ChangeKind kind, const std::string& campus = "101", std::uint16_t fields = 0) {
  Change c;
  c.kind = kind;
  c.state_id.assign(8, '1');
  std::vector<std::string> before(kFieldCount);
  before[field_index(Field::campus)] = campus;
  if (kind != ChangeKind::added) c.before = before;
  c.changed_fields = fields;
  return c;
}

constexpr std::uint16_t bit(Field f) {
  return static_cast<std::uint16_t>(1U << field_index(f));
}

struct SplitFeed {
  TempDir dir;
  Config config;
  std::unique_ptr<RosterStore> store;
  CivilDate as_of = *parse_date(kGeneratorAsOf, "%Y-%m-%d");
  DistrictYear district{200, 7};

  explicit SplitFeed(const std::string& policy = "on_trip: hold_unsafe") {
    config = load_config(write_test_feed(dir.path(), "    policy: {" + policy + "}\n", "live"));
    store = open_sqlite_store((dir / "roster.db").string());
    REQUIRE(ingest().decision.decision == Decision::committed);
  }
  IngestOutcome ingest() {
    std::ofstream(dir / "roster.txt", std::ios::binary) << district.file();
    return ingest_file(config.feed("gen"), *store, dir / "roster.txt", 1, as_of);
  }
  std::size_t active() {
    std::size_t n = 0;
    store->students().for_each("gen", [&](const std::vector<std::string>& values) {
      n += values[field_index(Field::status)] == "A" ? 1 : 0;
    });
    return n;
  }
};

}  // namespace

TEST_CASE("hold unsafe: each safeguard holds the changes it counts, or the whole run") {
  const UnsafeChanges withdrawals = unsafe_changes({trip("max_deactivate_pct")});
  CHECK_FALSE(withdrawals.whole);
  CHECK(withdrawals.holds(change(ChangeKind::deactivated)));
  CHECK_FALSE(withdrawals.holds(change(ChangeKind::added)));
  CHECK_FALSE(withdrawals.holds(change(ChangeKind::updated, "101", bit(Field::last_name))));
  CHECK_FALSE(withdrawals.holds(change(ChangeKind::reactivated)));
  CHECK_FALSE(withdrawals.holds(change(ChangeKind::removed)));  // an opt-out: the config's
  Change leaver = change(ChangeKind::deactivated);
  leaver.left_scope = true;
  CHECK_FALSE(withdrawals.holds(leaver));  // the scope's, not a withdrawal
  CHECK(unsafe_changes({trip("scope_change")}).holds(leaver));

  // A school's own limit holds its own withdrawals.
  const UnsafeChanges school = unsafe_changes({trip("per_campus.102.max_deactivate_pct")});
  CHECK_FALSE(school.whole);
  CHECK(school.holds(change(ChangeKind::deactivated, "102")));
  CHECK_FALSE(school.holds(change(ChangeKind::deactivated, "101")));

  // Updates and reactivations are never held apart: what trips on them is about the file.
  CHECK_FALSE(withdrawals.holds(change(ChangeKind::updated, "101", bit(Field::birth_date))));

  // About the file as a whole: held whole.
  for (const char* name :
       {"max_reject_pct", "per_campus.101.max_reject_pct", "rekey_min_students",
        "school_year.rollover", "a_new_safeguard", "max_field_change_pct.no_such_field"}) {
    CAPTURE(name);
    CHECK(unsafe_changes({trip("max_deactivate_pct"), trip(name)}).whole);
  }
}

TEST_CASE("hold unsafe: decide asks for a cut only when the policy, the mode and the trips allow") {
  DecisionInput in;
  in.previous_rows = 100;
  in.check.rows_read = 100;
  in.plan.active_before = 100;
  in.plan.deactivated = 30;
  in.plan.added = 40;
  CHECK_FALSE(decide(in).hold_unsafe_only);  // policy.on_trip defaults to hold
  in.policy.on_trip = OnTrip::hold_unsafe;
  DecisionResult r = decide(in);
  CHECK(r.decision == Decision::held);
  CHECK(r.hold_unsafe_only);
  in.policy.commit = CommitMode::manual;  // every run waits: nothing commits on its own
  CHECK_FALSE(decide(in).hold_unsafe_only);
  in.policy.commit = CommitMode::automatic;
  in.check.rows_rejected = 20;  // rejected rows: the file as a whole
  CHECK_FALSE(decide(in).hold_unsafe_only);
  in.check.rows_rejected = 0;
  in.test_mode = true;
  CHECK_FALSE(decide(in).hold_unsafe_only);
  in.test_mode = false;
  // A new year's file within its window: the graduates and the promotions go together.
  RolloverCounts year;
  year.promoted = 60;
  in.rollover = &year;
  in.in_rollover_window = true;
  r = decide(in);
  CHECK(r.decision == Decision::held);
  CHECK_FALSE(r.hold_unsafe_only);
  in.in_rollover_window = false;  // outside it: held whole as the new year's file
  CHECK_FALSE(decide(in).hold_unsafe_only);
  in.rollover = nullptr;
  in.plan.deactivated = 1;  // nothing tripped: committed whole
  r = decide(in);
  CHECK(r.decision == Decision::committed);
  CHECK_FALSE(r.hold_unsafe_only);
}

TEST_CASE("hold unsafe: a cut plan's counts are its parts'") {
  Plan plan;
  plan.counts.active_before = 10;
  plan.counts.added = 2;
  plan.counts.deactivated = 3;
  plan.counts.updated = 1;
  plan.counts.unchanged = 4;
  for (int i = 0; i < 2; ++i)
    plan.changes.push_back(change(ChangeKind::added));
  for (int i = 0; i < 3; ++i)
    plan.changes.push_back(change(ChangeKind::deactivated));
  plan.changes.push_back(change(ChangeKind::updated, "101", bit(Field::grade)));
  const SplitChanges s = split_changes(plan, unsafe_changes({trip("max_deactivate_pct")}));
  CHECK(s.committed.size() == 3);
  CHECK(s.held.size() == 3);
  CHECK(s.committed_counts.added == 2);
  CHECK(s.committed_counts.updated == 1);
  CHECK(s.committed_counts.deactivated == 0);
  CHECK(s.committed_counts.unchanged == 4);
  CHECK(s.held_counts.deactivated == 3);
  CHECK(s.held_counts.added == 0);
  CHECK(s.held_counts.active_before == 10);
  CHECK(held_changes_phrase(s.held_counts) == "3 deactivations");
  PlanCounts mixed;
  mixed.updated = 1;
  mixed.deactivated = 1200;
  mixed.reactivated = 2;
  CHECK(held_changes_phrase(mixed) == "1 update, 2 reactivations and 1,200 deactivations");
}

TEST_CASE("hold unsafe: 40 new students commit, 30% withdrawals wait; approval applies them") {
  SplitFeed f;
  CHECK(f.active() == 200);
  f.district.enrol_and_withdraw(40, 30);
  const IngestOutcome o = f.ingest();
  REQUIRE(o.decision.decision == Decision::committed);
  REQUIRE(o.held_run.has_value());
  CHECK(o.decision.trips.front().name == "max_deactivate_pct");
  CHECK(f.active() == 240);  // the new students are in; nobody withdrawn yet

  const RunRecord committed = *f.store->runs().get(o.run_id);
  const RunRecord held = *f.store->runs().get(*o.held_run);
  CHECK(committed.state == RunState::committed);
  CHECK(committed.plan.added == 40);
  CHECK(committed.plan.deactivated == 0);
  CHECK(committed.held_part == o.held_run);
  CHECK(held.state == RunState::held);
  CHECK(held.plan.deactivated == 60);
  CHECK(held.plan.added == 0);
  CHECK(held.split_of == o.run_id);
  CHECK(held.base_run == o.run_id);
  CHECK(held.file_name == committed.file_name);
  CHECK(held.sha256 == committed.sha256);
  CHECK(held.check.rows_read == committed.check.rows_read);
  CHECK(f.store->runs().changes(held.id).size() == 60);

  f.store->decisions().approve(held.id,
                               Actor{"dana", ActionSource::cli, "", "withdrawals confirmed"});
  CHECK(f.store->runs().get(held.id)->state == RunState::committed);
  CHECK(f.active() == 180);
  // The next night plans against both halves: nothing left to do.
  const IngestOutcome again = f.ingest();
  CHECK(again.decision.decision == Decision::committed);
  CHECK(again.plan.counts.deactivated == 0);
  CHECK(again.plan.counts.added == 0);
  CHECK_FALSE(again.held_run.has_value());
}

TEST_CASE("hold unsafe: a later night that commits first supersedes the held part") {
  SplitFeed f;
  f.district.enrol_and_withdraw(40, 30);
  const IngestOutcome o = f.ingest();
  REQUIRE(o.held_run.has_value());
  // The district's next file (the withdrawals sent again, and a few more students): held again
  // on the withdrawals, whose new held part replaces the old one.
  f.district.enrol_and_withdraw(3, 0);
  const IngestOutcome next = f.ingest();
  CHECK(next.decision.decision == Decision::committed);
  REQUIRE(next.held_run.has_value());
  CHECK(f.store->runs().get(*o.held_run)->state == RunState::superseded);
  CHECK_THROWS_WITH_AS(
      f.store->decisions().approve(*o.held_run, Actor{"dana", ActionSource::cli, "", ""}),
      doctest::Contains("superseded"), Error);
  CHECK(f.store->runs().get(*next.held_run)->state == RunState::held);
  CHECK(f.active() == 243);
}

TEST_CASE("hold unsafe: a run whose every change is held, or one on hold, stays whole") {
  SUBCASE("only withdrawals: nothing to commit, held whole") {
    SplitFeed f;
    f.district.enrol_and_withdraw(0, 30);
    const IngestOutcome o = f.ingest();
    CHECK(o.decision.decision == Decision::held);
    CHECK_FALSE(o.held_run.has_value());
    CHECK(f.active() == 200);
  }
  SUBCASE("policy.on_trip hold (the default): the new students wait too") {
    SplitFeed f("on_trip: hold");
    f.district.enrol_and_withdraw(40, 30);
    const IngestOutcome o = f.ingest();
    CHECK(o.decision.decision == Decision::held);
    CHECK_FALSE(o.held_run.has_value());
    CHECK(f.active() == 200);
  }
  SUBCASE("a column swap holds the whole file: its new students carry the swap too") {
    SplitFeed f;
    f.district.enrol_and_withdraw(5, 0);
    std::ofstream(f.dir / "roster.txt", std::ios::binary)
        << f.district.file_with_swapped(Field::first_name, Field::last_name);
    const IngestOutcome o =
        ingest_file(f.config.feed("gen"), *f.store, f.dir / "roster.txt", 1, f.as_of);
    CHECK(o.decision.decision == Decision::held);
    CHECK_FALSE(o.held_run.has_value());
    CHECK(f.active() == 200);
  }
}

TEST_CASE("hold unsafe: policy.on_trip takes hold or hold_unsafe, and says so otherwise") {
  TempDir dir;
  CHECK(load_config(write_test_feed(dir.path(), "    policy: {on_trip: hold_unsafe}\n", "live"))
            .feed("gen")
            .policy.on_trip == OnTrip::hold_unsafe);
  CHECK(load_config(write_test_feed(dir.path(), "", "live")).feed("gen").policy.on_trip ==
        OnTrip::hold);
  CHECK_THROWS_WITH_AS(
      load_config(write_test_feed(dir.path(), "    policy: {on_trip: commit_safe}\n", "live")),
      doctest::Contains("on_trip"), ConfigError);
}
