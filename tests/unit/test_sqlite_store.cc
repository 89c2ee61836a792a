// The store through the ingest pipeline, against a real SQLite file.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "config/config.h"
#include "daemon/ingest_pipeline.h"
#include "store/roster_store.h"
#include "store/sqlite_db.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

std::vector<std::string> row(const std::string& n, const std::string& last = "Lee",
                             const std::string& status = "A") {
  const std::string id = "10000000" + std::string(2 - std::min<std::size_t>(2, n.size()), '0') + n;
  return {id, "L" + n, "Ava", "", last, "2015-12-15", "05", "101", "", status, "", ""};
}
std::string id(const std::string& n) {
  return row(n)[0];
}

struct Fixture {
  testing::TempDir dir;
  Config config;
  std::unique_ptr<RosterStore> store;
  int files = 0;

  explicit Fixture(const std::string& extra = "") {
    config = load_config(testing::write_test_feed(dir.path(), extra, "live"));
    store = open_sqlite_store(config.store.sqlite.string());
  }
  const FeedConfig& feed() const { return config.feed("gen"); }

  IngestOutcome ingest(const std::vector<std::vector<std::string>>& rows) {
    const auto path = dir / ("night" + std::to_string(++files) + ".txt");
    std::ofstream(path, std::ios::binary) << testing::roster_text(rows);
    return ingest_file(feed(), *store, path, 1, CivilDate{2026, 11, 23});
  }

  std::map<std::string, std::vector<std::string>> roster() {
    std::map<std::string, std::vector<std::string>> out;
    store->for_each_student("gen", [&](const std::vector<std::string>& v) { out[v[0]] = v; });
    return out;
  }
};

std::vector<std::vector<std::string>> rows(int n) {
  std::vector<std::vector<std::string>> out;
  for (int i = 1; i <= n; ++i)
    out.push_back(row(std::to_string(i)));
  return out;
}

}  // namespace

TEST_CASE("store: the first file commits, the same file again changes nothing") {
  Fixture f;
  const IngestOutcome first = f.ingest(rows(20));
  CHECK(first.decision.decision == Decision::committed);
  CHECK(first.plan.counts.added == 20);
  CHECK(f.roster().size() == 20);
  const auto r1 = f.store->run(first.run_id);
  REQUIRE(r1);
  CHECK(r1->decision == "committed");
  CHECK(r1->check.rows_read == 20);
  CHECK(r1->sha256 == first.check.file.sha256);

  const IngestOutcome again = f.ingest(rows(20));
  CHECK(again.decision.decision == Decision::committed);
  CHECK(again.plan.changes.empty());
  CHECK(again.plan.counts.unchanged == 20);
  CHECK(f.store->last_committed_run("gen") == again.run_id);
}

TEST_CASE("store: a tripped safeguard holds the run; approve commits it, reject discards it") {
  Fixture f;
  f.ingest(rows(40));
  auto night = rows(30);  // 10 of 40 withdrawn: 25% > 5%, and a 25% row drop
  const IngestOutcome held = f.ingest(night);
  CHECK(held.decision.decision == Decision::held);
  CHECK(held.decision.trips.size() == 2);
  CHECK(f.roster().at(id("35"))[field_index(Field::status)] == "A");  // nothing committed

  const auto r = f.store->run(held.run_id);
  CHECK(r->decision == "held");
  CHECK(r->trips.size() == 2);
  CHECK(f.store->run_changes(held.run_id).size() == 10);

  f.store->approve(held.run_id, "tester");
  CHECK(f.store->run(held.run_id)->decision == "committed");
  CHECK(f.roster().at(id("35"))[field_index(Field::status)] == "I");
  CHECK_THROWS_WITH_AS(f.store->approve(held.run_id, "tester"), doctest::Contains("not held"),
                       Error);

  const IngestOutcome held2 = f.ingest(rows(5));
  CHECK(held2.decision.decision == Decision::held);
  f.store->reject(held2.run_id, "tester");
  CHECK(f.store->run(held2.run_id)->decision == "rejected");
  CHECK(f.roster().at(id("1"))[field_index(Field::status)] == "A");
}

TEST_CASE("store: approving a run whose base has changed is refused") {
  Fixture f("    policy: {commit: manual}\n");
  const IngestOutcome a = f.ingest(rows(10));
  CHECK(a.decision.decision == Decision::held);
  const IngestOutcome b = f.ingest(rows(11));
  f.store->approve(a.run_id, "tester");
  CHECK_THROWS_WITH_AS(f.store->approve(b.run_id, "tester"),
                       doctest::Contains("has committed since"), Error);
  CHECK(f.roster().size() == 10);
}

TEST_CASE("store: rollback restores before-images, refuses over a later run unless forced") {
  Fixture f;
  const IngestOutcome first = f.ingest(rows(40));  // 1 deactivation in 40 stays under 5%
  auto night2 = rows(40);
  night2[0] = row("1", "Smith");
  night2[1] = row("2", "Lee", "I");
  const IngestOutcome second = f.ingest(night2);
  REQUIRE(second.decision.decision == Decision::committed);
  auto night3 = night2;
  night3[0] = row("1", "Jones");
  const IngestOutcome third = f.ingest(night3);
  REQUIRE(third.decision.decision == Decision::committed);

  const std::string later = "later committed run(s) " + std::to_string(third.run_id);
  CHECK_THROWS_WITH_AS(f.store->rollback(second.run_id, false, "tester"),
                       doctest::Contains(later.c_str()), Error);
  const std::int64_t undo3 = f.store->rollback(third.run_id, false, "tester");
  CHECK(f.roster().at(id("1"))[field_index(Field::last_name)] == "Smith");
  // With the third run rolled back, the second can go too.
  f.store->rollback(second.run_id, false, "tester");
  CHECK(f.roster().at(id("1"))[field_index(Field::last_name)] == "Lee");
  CHECK(f.roster().at(id("2"))[field_index(Field::status)] == "A");
  CHECK(f.store->run(third.run_id)->rolled_back_by == undo3);
  CHECK(f.store->run(undo3)->kind == "rollback");
  CHECK_THROWS_WITH_AS(f.store->rollback(third.run_id, false, "tester"),
                       doctest::Contains("already rolled back"), Error);

  // Rolling back the first load removes what it added.
  f.store->rollback(first.run_id, true, "tester");
  CHECK(f.roster().empty());
}

TEST_CASE("store: forced rollback over a later run") {
  Fixture f;
  f.ingest(rows(3));
  auto n2 = rows(3);
  n2[0] = row("1", "Smith");
  const IngestOutcome second = f.ingest(n2);
  auto n3 = rows(3);
  n3[0] = row("1", "Jones");
  f.ingest(n3);
  CHECK_THROWS_AS(f.store->rollback(second.run_id, false, "t"), Error);
  f.store->rollback(second.run_id, true, "t");
  CHECK(f.roster().at(id("1"))[field_index(Field::last_name)] == "Lee");
}

TEST_CASE("store: a config that changes the key column is refused") {
  Fixture f;
  f.ingest(rows(3));
  FeedConfig changed = f.feed();
  changed.format.columns[field_index(Field::state_id)] = "LocalStudentID";
  const auto path = f.dir / "x.txt";
  std::ofstream(path) << testing::roster_text(rows(3));
  CHECK_THROWS_WITH_AS(ingest_file(changed, *f.store, path, 1, CivilDate{2026, 11, 23}),
                       doctest::Contains("would scramble students"), Error);
  CHECK(f.store->history("gen", 10).size() == 1);  // no run was recorded
}

TEST_CASE("store: a refused file and a test-mode feed commit nothing") {
  Fixture f;
  f.ingest(rows(3));
  const auto path = f.dir / "empty.txt";
  std::ofstream(path) << "";
  const IngestOutcome refused = ingest_file(f.feed(), *f.store, path, 1, CivilDate{2026, 11, 23});
  CHECK(refused.decision.decision == Decision::refused);
  CHECK(f.store->run(refused.run_id)->decision == "refused");
  CHECK(f.store->run_discrepancies(refused.run_id).at(0).code == DiscrepancyCode::empty_file);
  CHECK(f.roster().size() == 3);

  FeedConfig test_feed = f.feed();
  test_feed.mode = FeedMode::test;
  const auto p2 = f.dir / "more.txt";
  std::ofstream(p2) << testing::roster_text(rows(4));
  const IngestOutcome dry = ingest_file(test_feed, *f.store, p2, 1, CivilDate{2026, 11, 23});
  CHECK(dry.decision.decision == Decision::dry_run);
  CHECK(dry.plan.counts.added == 1);
  CHECK(f.roster().size() == 3);
}

TEST_CASE("store: a commit against a stale base, or one that fails midway, changes nothing") {
  Fixture f;
  f.ingest(rows(3));
  FileSummary file;
  file.name = "x.txt";
  const std::int64_t run = f.store->begin_run("gen", file);
  std::vector<Change> changes(1);
  changes[0].kind = ChangeKind::added;
  changes[0].state_id = id("9");
  changes[0].set_after(row("9"));
  std::vector<Discrepancy> none;
  RunOutcome o;
  o.run_id = run;
  o.feed = "gen";
  o.decision = Decision::committed;
  o.base_run = 12345;  // not the last committed run
  o.discrepancies = &none;
  o.changes = &changes;
  CHECK_THROWS_AS(f.store->finish_run(o), StaleBaseError);
  CHECK(f.roster().size() == 3);

  // A change list that breaks a constraint halfway (adding a student that exists).
  o.base_run = f.store->last_committed_run("gen");
  changes.push_back(changes[0]);
  changes[1].state_id = id("1");
  changes[1].set_after(row("1"));
  CHECK_THROWS_AS(f.store->finish_run(o), StoreError);
  CHECK(f.roster().size() == 3);  // the first insert was rolled back with the rest
  CHECK(f.store->run(run)->decision == "running");
  f.store->fail_run(run, "test");
  CHECK(f.store->run(run)->decision == "failed");
}

TEST_CASE("store: reopening runs no migration twice") {
  Fixture f;
  f.ingest(rows(2));
  f.store.reset();
  auto again = open_sqlite_store(f.config.store.sqlite.string());
  CHECK(again->history("", 10).size() == 1);
}
