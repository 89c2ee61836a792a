// The store's runs through the ingest pipeline: commits, holds, approvals, supersession,
// rollbacks, migrations, round trips, and a shared PostgreSQL store's locks and lost
// connections. `unit` runs the SQLite half; `integration_store_postgres` the PostgreSQL half
// (test cases ending in <Postgres>). The tables beside the runs: test_store_tables.cc.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <type_traits>

#include "core/identity_key.h"
#include "store/pg_db.h"
#include "store/schema.h"
#include "store/sql_db.h"
#include "tests/support/store_fixture.h"

using namespace rosterd;
using namespace rosterd::testing;

TEST_CASE_TEMPLATE("store: the first file commits, the same file again changes nothing", B, Sqlite,
                   Postgres) {
  Fixture<B> f;
  const IngestOutcome first = f.ingest(rows(20));
  CHECK(first.decision.decision == Decision::committed);
  CHECK(first.plan.counts.added == 20);
  CHECK(f.roster().size() == 20);
  const auto r1 = f.store->runs().get(first.run_id);
  REQUIRE(r1);
  CHECK(r1->state == RunState::committed);
  CHECK(r1->check.rows_read == 20);
  CHECK(r1->sha256 == first.check.file.sha256);

  const IngestOutcome again = f.ingest(rows(20));
  CHECK(again.decision.decision == Decision::committed);
  CHECK(again.plan.changes.empty());
  CHECK(again.plan.counts.unchanged == 20);
  CHECK(f.store->runs().last_committed("gen") == again.run_id);
}

TEST_CASE_TEMPLATE(
    "store: a tripped safeguard holds the run; approve commits it, reject discards it", B, Sqlite,
    Postgres) {
  Fixture<B> f;
  f.ingest(rows(40));
  auto night = rows(30);  // 10 of 40 withdrawn: 25% > 5%, and a 25% row drop
  const IngestOutcome held = f.ingest(night);
  CHECK(held.decision.decision == Decision::held);
  CHECK(held.decision.trips.size() == 2);
  CHECK(f.roster().at(id("35"))[field_index(Field::status)] == "A");  // nothing committed

  const auto r = f.store->runs().get(held.run_id);
  CHECK(r->state == RunState::held);
  CHECK(r->trips.size() == 2);
  CHECK(f.store->runs().changes(held.run_id).size() == 10);

  f.store->decisions().approve(held.run_id, tester());
  CHECK(f.store->runs().get(held.run_id)->state == RunState::committed);
  CHECK(f.roster().at(id("35"))[field_index(Field::status)] == "I");
  CHECK_THROWS_WITH_AS(f.store->decisions().approve(held.run_id, tester()),
                       doctest::Contains("not held"), Error);

  const IngestOutcome held2 = f.ingest(rows(5));
  CHECK(held2.decision.decision == Decision::held);
  f.store->decisions().reject(held2.run_id, tester());
  CHECK(f.store->runs().get(held2.run_id)->state == RunState::rejected);
  CHECK(f.roster().at(id("1"))[field_index(Field::status)] == "A");
}

TEST_CASE_TEMPLATE("store: a held run overtaken by a later commit is superseded, not held for ever",
                   B, Sqlite, Postgres) {
  Fixture<B> f;
  f.ingest(rows(40));
  const IngestOutcome held = f.ingest(rows(30));  // 25% deactivated: held
  REQUIRE(held.decision.decision == Decision::held);
  const IngestOutcome next = f.ingest(rows(40));  // the next night commits
  REQUIRE(next.decision.decision == Decision::committed);
  const auto r = f.store->runs().get(held.run_id);
  CHECK(r->state == RunState::superseded);
  CHECK(r->reason.find("superseded by run " + std::to_string(next.run_id)) != std::string::npos);
  CHECK_THROWS_WITH_AS(
      f.store->decisions().approve(held.run_id, tester()),
      doctest::Contains("is superseded: another run of feed gen committed over it"), Error);
  CHECK_THROWS_WITH_AS(f.store->decisions().reject(held.run_id, tester()),
                       doctest::Contains("superseded"), Error);
  CHECK(f.roster().at(id("35"))[field_index(Field::status)] == "A");
  // A run held after that commit is planned on it: it stays held. Approving an older held run
  // supersedes a newer one planned on the same base.
  const IngestOutcome held2 = f.ingest(rows(30));
  REQUIRE(held2.decision.decision == Decision::held);
  CHECK(f.store->runs().get(held2.run_id)->state == RunState::held);
  const IngestOutcome held3 = f.ingest(rows(29));
  REQUIRE(held3.decision.decision == Decision::held);
  f.store->decisions().approve(held2.run_id, tester());
  CHECK(f.store->runs().get(held2.run_id)->state == RunState::committed);
  CHECK(f.store->runs().get(held3.run_id)->state == RunState::superseded);
}

TEST_CASE_TEMPLATE("store: approving a run whose base has changed is refused", B, Sqlite,
                   Postgres) {
  Fixture<B> f("    policy: {commit: manual}\n");
  const IngestOutcome a = f.ingest(rows(10));
  CHECK(a.decision.decision == Decision::held);
  const IngestOutcome b = f.ingest(rows(11));
  f.store->decisions().approve(a.run_id, tester());
  CHECK_THROWS_WITH_AS(f.store->decisions().approve(b.run_id, tester()),
                       doctest::Contains("superseded"), Error);
  // A stale run still marked held (a store from before superseded runs) is refused by its base.
  f.query("UPDATE runs SET decision = 'held' WHERE id = " + std::to_string(b.run_id));
  CHECK_THROWS_WITH_AS(f.store->decisions().approve(b.run_id, tester()),
                       doctest::Contains("has committed since"), Error);
  CHECK(f.roster().size() == 10);
}

TEST_CASE_TEMPLATE("store: rollback restores before-images, refuses over a later run unless forced",
                   B, Sqlite, Postgres) {
  Fixture<B> f;
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
  CHECK_THROWS_WITH_AS(f.store->decisions().rollback(second.run_id, false, tester()),
                       doctest::Contains(later.c_str()), Error);
  const std::int64_t undo3 = f.store->decisions().rollback(third.run_id, false, tester());
  CHECK(f.roster().at(id("1"))[field_index(Field::last_name)] == "Smith");
  // With the third run rolled back, the second can go too.
  f.store->decisions().rollback(second.run_id, false, tester());
  CHECK(f.roster().at(id("1"))[field_index(Field::last_name)] == "Lee");
  CHECK(f.roster().at(id("2"))[field_index(Field::status)] == "A");
  CHECK(f.store->runs().get(third.run_id)->rolled_back_by == undo3);
  CHECK(f.store->runs().get(undo3)->kind == RunKind::rollback);
  CHECK_THROWS_WITH_AS(f.store->decisions().rollback(third.run_id, false, tester()),
                       doctest::Contains("already rolled back"), Error);

  // Rolling back the first load removes what it added.
  f.store->decisions().rollback(first.run_id, true, tester());
  CHECK(f.roster().empty());
}

TEST_CASE_TEMPLATE("store: forced rollback over a later run", B, Sqlite, Postgres) {
  Fixture<B> f;
  f.ingest(rows(3));
  auto n2 = rows(3);
  n2[0] = row("1", "Smith");
  const IngestOutcome second = f.ingest(n2);
  auto n3 = rows(3);
  n3[0] = row("1", "Jones");
  f.ingest(n3);
  CHECK_THROWS_AS(f.store->decisions().rollback(second.run_id, false, tester("t")), Error);
  f.store->decisions().rollback(second.run_id, true, tester("t"));
  CHECK(f.roster().at(id("1"))[field_index(Field::last_name)] == "Lee");
}

TEST_CASE_TEMPLATE("store: a config that changes the key column is refused", B, Sqlite, Postgres) {
  Fixture<B> f;
  f.ingest(rows(3));
  FeedConfig changed = f.feed();
  changed.format.columns[field_index(Field::state_id)] = "LocalStudentID";
  const auto path = f.dir / "x.txt";
  std::ofstream(path) << testing::roster_text(rows(3));
  CHECK_THROWS_WITH_AS(ingest_file(changed, *f.store, path, 1, CivilDate{2026, 11, 23}),
                       doctest::Contains("would scramble students"), Error);
  CHECK(f.store->runs().history("gen", 10).size() == 1);  // no run was recorded
}

TEST_CASE_TEMPLATE("store: a refused file and a test-mode feed commit nothing", B, Sqlite,
                   Postgres) {
  Fixture<B> f;
  f.ingest(rows(3));
  const auto path = f.dir / "empty.txt";
  std::ofstream(path) << "";
  const IngestOutcome refused = ingest_file(f.feed(), *f.store, path, 1, CivilDate{2026, 11, 23});
  CHECK(refused.decision.decision == Decision::refused);
  CHECK(f.store->runs().get(refused.run_id)->state == RunState::refused);
  CHECK(f.store->runs().discrepancies(refused.run_id).at(0).code == DiscrepancyCode::empty_file);
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

TEST_CASE_TEMPLATE(
    "store: a commit against a stale base, or one that fails midway, changes nothing", B, Sqlite,
    Postgres) {
  Fixture<B> f;
  f.ingest(rows(3));
  DirectRun direct(*f.store, {row("9")});
  RunOutcome& o = direct.outcome;
  const std::int64_t run = o.run_id;
  std::vector<Change>& changes = direct.changes;
  o.base_run = 12345;  // not the last committed run
  CHECK_THROWS_AS(f.store->runs().finish(o), StaleBaseError);
  CHECK(f.roster().size() == 3);

  // A change list that breaks a constraint halfway (adding a student that exists).
  o.base_run = f.store->runs().last_committed("gen");
  changes.push_back(changes[0]);
  changes[1].state_id = id("1");
  changes[1].set_after(row("1"));
  CHECK_THROWS_AS(f.store->runs().finish(o), StoreError);
  CHECK(f.roster().size() == 3);  // the first insert was rolled back with the rest
  CHECK(f.store->runs().get(run)->state == RunState::running);
  f.store->runs().fail(run, "test");
  CHECK(f.store->runs().get(run)->state == RunState::failed);
  // A run marked failed (its connection thought gone) never commits afterwards.
  changes.pop_back();
  CHECK_THROWS_WITH_AS(f.store->runs().finish(o), doctest::Contains("no longer running"),
                       StoreError);
  CHECK(f.roster().size() == 3);
}

TEST_CASE_TEMPLATE("store: reopening runs no migration twice", B, Sqlite, Postgres) {
  Fixture<B> f;
  f.ingest(rows(2));
  f.store.reset();
  auto again = f.open_another();
  CHECK(again->runs().history("", 10).size() == 1);
}

TEST_CASE_TEMPLATE("store: values round-trip byte for byte, whatever they hold", B, Sqlite,
                   Postgres) {
  Fixture<B> f;
  f.ingest({row("1")});
  // Tabs, newlines and backslashes are COPY's own separators and escapes on PostgreSQL.
  std::vector<std::string> odd = row("2", "O'Brien\tTab\\Back\nLine\r", "A");
  odd[field_index(Field::first_name)] = "Zoë \\N";
  odd[field_index(Field::middle_name)] = "";
  DirectRun direct(*f.store, {odd});
  std::vector<Discrepancy>& found = direct.discrepancies;
  found.resize(1);
  found[0].line = 7;
  found[0].student_id = odd[0];
  found[0].field = Field::last_name;
  found[0].code = DiscrepancyCode::invalid_id;
  found[0].value = "a\tb\\c\nd";
  found[0].detail = "détail";
  f.store->runs().finish(direct.outcome);
  CHECK(f.roster().at(odd[0]) == odd);
  const auto back = f.store->runs().discrepancies(direct.outcome.run_id);
  REQUIRE(back.size() == 1);
  CHECK(back[0].value == found[0].value);
  CHECK(back[0].detail == found[0].detail);
  CHECK(back[0].field == Field::last_name);
  CHECK(back[0].line == 7);
}

TEST_CASE_TEMPLATE("store: a night that updates many students writes each change once", B, Sqlite,
                   Postgres) {
  // Renaming 80 of 98 is what this test does on purpose: the update limits let it through.
  Fixture<B> f(
      "    policy: {max_deactivate_pct: 50, max_update_pct: 100,\n"
      "             max_field_change_pct: {last_name: 100}}\n");
  auto night = rows(99);
  night[98] = row("99", "Lee", "I");  // withdrawn at first
  f.ingest(night);
  // 80 renamed, 10 withdrawn, one back: past the PostgreSQL store's bulk threshold (64).
  for (int i = 0; i < 80; ++i)
    night[static_cast<std::size_t>(i)] = row(std::to_string(i + 1), "Renamed");
  for (int i = 80; i < 90; ++i)
    night[static_cast<std::size_t>(i)] = row(std::to_string(i + 1), "Lee", "I");
  night[98] = row("99");
  const IngestOutcome o = f.ingest(night);
  REQUIRE(o.decision.decision == Decision::committed);
  CHECK(o.plan.counts.updated == 80);
  CHECK(o.plan.counts.deactivated == 10);
  CHECK(o.plan.counts.reactivated == 1);
  auto roster = f.roster();
  CHECK(roster.at(id("1"))[field_index(Field::last_name)] == "Renamed");
  CHECK(roster.at(id("85"))[field_index(Field::status)] == "I");
  CHECK(roster.at(id("99"))[field_index(Field::status)] == "A");
  CHECK(roster.at(id("95"))[field_index(Field::last_name)] == "Lee");
  CHECK(f.query("SELECT count(*) FROM students WHERE updated_run = " + std::to_string(o.run_id)) ==
        "91\n");
  // The same file again: nothing left to change (the digests were written with the values).
  CHECK(f.ingest(night).plan.changes.empty());
  f.store->decisions().rollback(o.run_id, true, tester());
  roster = f.roster();
  CHECK(roster.at(id("1"))[field_index(Field::last_name)] == "Lee");
  CHECK(roster.at(id("99"))[field_index(Field::status)] == "I");
}

TEST_CASE_TEMPLATE("store: a first load of many students stores each one's values and keys", B,
                   Sqlite, Postgres) {
  // Past the count from which the stored keys are computed on a second thread (20,000) and many
  // bulk-insert batches, the last one part full; names and birth dates vary by student.
  Fixture<B> f;
  std::vector<std::vector<std::string>> night;
  for (int i = 1; i <= 20011; ++i) {
    auto r = row(std::to_string(i), std::string("Lee") + static_cast<char>('a' + i % 26) +
                                        static_cast<char>('a' + (i / 26) % 26));
    r[0] = std::to_string(1000000000 + i);  // ten digits, as the feed's check wants
    r[5] = "2015-12-" + std::to_string(10 + i % 19);
    night.push_back(std::move(r));
  }
  const IngestOutcome o = f.ingest(night);
  REQUIRE(o.decision.decision == Decision::committed);
  CHECK(o.plan.counts.added == 20011);
  const auto roster = f.roster();
  REQUIRE(roster.size() == night.size());
  for (const auto& r : night)
    REQUIRE(roster.at(r[0]) == r);
  // Each student's identity key is the one its own name and birth date give.
  for (const std::size_t i :
       {std::size_t{0}, std::size_t{511}, std::size_t{512}, std::size_t{12345}, night.size() - 1}) {
    const auto& r = night[i];
    const auto key = static_cast<std::int64_t>(identity_key(r[4], r[5]));
    CHECK(f.query("SELECT identity_key FROM students WHERE state_id = '" + r[0] + "'") ==
          std::to_string(key) + "\n");
  }
  // And its digest is its own: the same file again changes no one.
  CHECK(f.ingest(night).plan.changes.empty());
}

TEST_CASE("store: instances starting together migrate once<Postgres>") {
  const std::string db = testing::shared_postgres_server().create_database();
  const auto& server = testing::shared_postgres_server();
  std::vector<std::thread> starters;
  std::atomic<int> opened{0};
  std::vector<std::string> errors(4);
  for (int i = 0; i < 4; ++i) {
    starters.emplace_back([&, i] {
      try {
        open_postgres_store({server.conninfo(db), server.password()});
        ++opened;
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(i)] = e.what();
      }
    });
  }
  for (auto& t : starters)
    t.join();
  for (const auto& e : errors)
    CHECK(e == "");
  CHECK(opened == 4);
  Config none;
  CHECK(Postgres::query(none, db,
                        "SELECT count(*), count(DISTINCT version) FROM "
                        "schema_migrations") == std::to_string(postgres_migrations().size()) + "|" +
                                                    std::to_string(postgres_migrations().size()) +
                                                    "\n");
}

TEST_CASE("store: a feed is held by one connection at a time<Postgres>") {
  const std::string db = testing::shared_postgres_server().create_database();
  const auto& server = testing::shared_postgres_server();
  auto a = open_postgres_store({server.conninfo(db), server.password()});
  auto b = open_postgres_store({server.conninfo(db), server.password()});
  CHECK(a->holds().hold("north"));
  CHECK(a->holds().hold("north"));  // kept
  CHECK_FALSE(b->holds().hold("north"));
  CHECK(b->holds().hold("south"));
  // The run lock is another lock: a poll of A's (its own connection) runs north, and while it
  // does, no other connection may run north, even one that got the lease.
  auto a_poll = open_postgres_store({server.conninfo(db), server.password()});
  CHECK(a_poll->holds().hold("north", FeedHold::run));
  CHECK_FALSE(b->holds().hold("north", FeedHold::run));
  const auto holders = b->holds().holders({"north", "south", "east"});
  REQUIRE(holders.size() == 2);
  CHECK(holders[0].feed == "north");
  CHECK(holders[0].instance == a->holds().instance());
  CHECK(holders[1].feed == "south");
  // The server releases a closed connection's locks as its backend exits, a moment later.
  const auto soon = [&](FeedHold lock) {
    for (int i = 0; i < 100; ++i) {
      if (b->holds().hold("north", lock)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };
  a.reset();  // its connection closes: the lease is free
  CHECK(soon(FeedHold::lease));
  CHECK_FALSE(b->holds().hold("north", FeedHold::run));  // A's poll still runs it
  a_poll.reset();
  CHECK(soon(FeedHold::run));
}

TEST_CASE(
    "store: a connection stalled inside a transaction is closed; the others go on<Postgres>") {
  auto& server = testing::shared_postgres_server();
  const std::string db = server.create_database();
  PgDb stalled(server.conninfo(db), server.password(), "stalled", std::chrono::seconds(8));
  PgDb other(server.conninfo(db), server.password(), "other");
  stalled.begin();  // the store's write lock taken, a table made, then nothing more
  stalled.exec("CREATE TABLE lost (x INTEGER)");
  auto commits = std::async(std::launch::async, [&] {
    other.begin();  // waits for the write lock
    other.exec("CREATE TABLE written (x INTEGER)");
    other.commit();
  });
  const auto count = [&](const std::string& sql) {
    return std::stoi(server.run_psql(db, {"-At", "-c", sql}).out);
  };
  // The other connection waits for the lock (the server says so) while the stalled one holds it.
  bool waited = false;
  for (int i = 0; i < 400 && !waited; ++i) {
    waited = count(
                 "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'other' AND "
                 "wait_event_type = 'Lock'") == 1;
    if (!waited) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(waited);
  // Bounded, not timed: without the server closing the stalled connection this would never end.
  const bool went_on = commits.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  if (!went_on) stalled.rollback();  // so that the thread ends before the test does
  CHECK(went_on);
  commits.get();
  // The stalled process, when it runs again, finds its connection gone, and is told why;
  // nothing it did stays.
  CHECK_THROWS_WITH_AS(stalled.exec("SELECT 1"),
                       doctest::Contains("store.postgresql.stalled_after"), StoreConnectionError);
  CHECK(count("SELECT count(*) FROM pg_tables WHERE tablename = 'lost'") == 0);
  CHECK(count("SELECT count(*) FROM pg_tables WHERE tablename = 'written'") == 1);
}

TEST_CASE("store: a connection lost mid-run commits nothing, and the run is failed<Postgres>") {
  Fixture<Postgres> f;
  f.ingest({row("1"), row("2")});
  DirectRun direct(*f.store, {row("3")});
  const RunOutcome& o = direct.outcome;
  const std::int64_t run = o.run_id;
  testing::shared_postgres_server().terminate_connections(f.db);
  CHECK_THROWS_WITH_AS(f.store->runs().finish(o),
                       doctest::Contains("connection to PostgreSQL was lost"),
                       StoreConnectionError);
  // A new connection (the daemon's next poll) finds the run abandoned: failed, file taken again.
  auto again = f.open_another();
  CHECK(again->runs().get(run)->state == RunState::failed);
  std::size_t students = 0;
  again->students().for_each("gen", [&](const std::vector<std::string>&) { ++students; });
  CHECK(students == 2);
}

TEST_CASE(
    "store: a live run is not taken for dead by a connection of another database role "
    "<Postgres>") {
  // A person running `rosterd history` under their own database account sees the service's
  // session in pg_stat_activity without its start time.
  Fixture<Postgres> f;
  f.ingest({row("1")});
  DirectRun direct(*f.store, {row("2")});
  const auto& server = testing::shared_postgres_server();
  const std::string conninfo = server.add_role(f.db, "rosterd_reader_" + f.db);
  auto other = open_postgres_store({conninfo, server.password()});
  CHECK(other->runs().get(direct.outcome.run_id)->state == RunState::running);
  f.store->runs().finish(direct.outcome);  // the run goes on and commits
  CHECK(other->runs().get(direct.outcome.run_id)->state == RunState::committed);
}

TEST_CASE("store: a run this process left running is failed before the feed's next poll<Sqlite>") {
  Fixture<Sqlite> f;
  DirectRun left(*f.store, {row("1")});                // its end never came: the store failed at it
  f.store->runs().fail_left_by_this_process("other");  // another feed's poll: not its business
  CHECK(f.store->runs().get(left.outcome.run_id)->state == RunState::running);
  f.store->runs().fail_left_by_this_process("gen");
  const auto run = f.store->runs().get(left.outcome.run_id);
  CHECK(run->state == RunState::failed);
  CHECK(run->reason.find("the file will be taken again") != std::string::npos);
  CHECK_THROWS_AS(f.store->runs().finish(left.outcome), StoreError);  // and it never commits
}

TEST_CASE_TEMPLATE("store: a run cut in two records both parts at once; each decides on its own", B,
                   Sqlite, Postgres) {
  // A row drop holds a whole file (it may be cut short): allowed here, so that only the
  // withdrawals trip.
  Fixture<B> f("    policy: {on_trip: hold_unsafe, max_row_drop_pct: 50}\n");
  f.ingest(rows(40));
  std::vector<std::vector<std::string>> night = rows(30);  // 10 withdrawn: 25%
  for (int i = 41; i <= 45; ++i)
    night.push_back(row(std::to_string(i), "New" + std::to_string(i)));  // 5 new, no look-alikes
  const IngestOutcome o = f.ingest(night);
  REQUIRE(o.decision.decision == Decision::committed);
  REQUIRE(o.held_run.has_value());
  const auto status = [&](const char* student) {
    return f.roster().at(id(student))[field_index(Field::status)];
  };
  CHECK(f.roster().size() == 45);
  CHECK(status("35") == "A");
  const RunRecord committed = *f.store->runs().get(o.run_id);
  const RunRecord held = *f.store->runs().get(*o.held_run);
  CHECK(committed.held_part == o.held_run);
  CHECK_FALSE(committed.split_of.has_value());
  CHECK(committed.plan.added == 5);
  CHECK(held.state == RunState::held);
  CHECK(held.split_of == o.run_id);
  CHECK(held.base_run == o.run_id);
  CHECK(held.plan.deactivated == 10);
  CHECK(held.plan.active_before == 40);
  CHECK(held.check.rows_read == 35);
  CHECK(held.file_name == committed.file_name);
  CHECK(held.reason.find("10 deactivations of run " + std::to_string(o.run_id)) !=
        std::string::npos);
  CHECK(f.store->runs().changes(held.id).size() == 10);
  // Until its held part commits, the cut file is no baseline for the next one's row count.
  CHECK(f.store->runs().last_committed_rows("gen") == 40u);

  f.store->decisions().approve(held.id, tester());
  CHECK(status("35") == "I");
  CHECK(f.store->runs().last_committed_rows("gen") == 35u);
  CHECK(f.store->runs().last_committed("gen") == held.id);
  // Each part rolls back on its own: the withdrawals first, then the additions.
  f.store->decisions().rollback(held.id, false, tester());
  CHECK(status("35") == "A");
  f.store->decisions().rollback(o.run_id, false, tester());
  CHECK(f.roster().size() == 40);
}
