// The store's tables beside the runs, against each backend: the drop ledger, the outbox, identity
// decisions, opt-outs, the roster_current view and each feed's committed count.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <type_traits>

#include "store/schema.h"
#include "store/sql_db.h"
#include "store/sqlite_db.h"
#include "store/sqlite_writeback.h"
#include "tests/support/store_fixture.h"

using namespace rosterd;
using namespace rosterd::testing;

TEST_CASE_TEMPLATE("store: the drop ledger records a file version once", B, Sqlite, Postgres) {
  Fixture<B> f;
  CHECK(f.store->ledger().observe("gen", "a.txt", 10, 100, 1000) == 1000);
  CHECK(f.store->ledger().observe("gen", "a.txt", 10, 100, 1060) == 1000);  // unchanged
  CHECK(f.store->ledger().observe("gen", "a.txt", 12, 101, 1120) == 1120);  // still growing
  CHECK(f.store->ledger().seen_since("gen", 1100));
  f.store->ledger().forget_observations("gen", {});
  CHECK_FALSE(f.store->ledger().seen_since("gen", 1100));

  SourceFile s;
  s.feed = "gen";
  s.remote_name = "a.txt";
  s.size = 12;
  s.mtime = 101;
  s.sha256 = "abc";
  s.status = "fetched";
  const std::int64_t a = f.store->ledger().add(s);
  CHECK(a > 0);
  // Another instance recording the same version: refused by the ledger's unique index.
  CHECK_THROWS_AS(f.open_another()->ledger().add(s), StoreError);
  const auto got = f.store->ledger().file("gen", "a.txt", 12, 101);
  REQUIRE(got);
  CHECK(got->id == a);
  CHECK(f.store->ledger().file_with_sha("gen", "abc")->id == a);
  CHECK(f.store->ledger().pending("gen").size() == 1);
  f.store->ledger().note_attempt(a);
  CHECK(f.store->ledger().file(a)->attempts == 1);
  f.store->ledger().forget(a);
  CHECK_FALSE(f.store->ledger().file(a));
}

TEST_CASE_TEMPLATE("store: an outbox message is queued once and claimed by one process", B, Sqlite,
                   Postgres) {
  Fixture<B> f;
  MailMessage m;
  m.to = {"a@example.org", "b@example.org"};
  m.subject = "QA report";
  m.text = "text";
  m.html = "<p>html</p>";
  m.attachments = {{"discrepancies.csv", std::string("line,1\n\0\xff\xfe", 10)},  // any bytes
                   {"deactivations.csv", "state_id\r\n1\r\n"},
                   {"empty.csv", ""}};
  m.message_id = "<1@rosterd>";
  const QueuedMail queued = f.store->outbox().enqueue("gen", std::nullopt, "qa_report", "k1", m);
  CHECK(queued.claimed);  // whoever queues it sends it first
  const std::int64_t id = queued.id;
  const QueuedMail again = f.store->outbox().enqueue("gen", std::nullopt, "qa_report", "k1", m);
  CHECK(again.id == id);
  CHECK_FALSE(again.claimed);
  const auto e = f.store->outbox().message(id);
  REQUIRE(e);
  REQUIRE(e->message.attachments.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(e->message.attachments[i].name == m.attachments[i].name);
    CHECK(e->message.attachments[i].bytes == m.attachments[i].bytes);
  }
  CHECK(e->message.to == m.to);
  CHECK(e->status == "sending");
  // Another worker's sweep neither sees nor takes it while its sender tries.
  auto other = f.open_another();
  CHECK(other->outbox().due(0).empty());
  CHECK_FALSE(other->outbox().claim(id));
  CHECK(f.store->outbox().backlog("gen") == 1);
  // Its sender is alive: being sent, not in doubt, and no person may queue it again under it.
  CHECK(other->outbox().in_doubt().empty());
  CHECK_FALSE(other->outbox().requeue(id));
  // Refused once: back in the queue, and the next sweep may take it, once.
  f.store->outbox().failed(id, "421 try later", 0);
  CHECK(other->outbox().due(0).size() == 1);
  CHECK(other->outbox().claim(id));
  CHECK_FALSE(f.store->outbox().claim(id));  // already being sent
  CHECK_FALSE(f.store->outbox().message(id)->claimed_by.empty());
  f.store->outbox().sent(id);
  CHECK(f.store->outbox().message(id)->status == "sent");
  CHECK(f.store->outbox().due(0).empty());
}

TEST_CASE_TEMPLATE(
    "store: a message whose sender stopped mid-send is in doubt, and only then queued again", B,
    Sqlite, Postgres) {
  Fixture<B> f;
  MailMessage m;
  m.to = {"a@example.org"};
  m.subject = "QA report";
  m.message_id = "<2@rosterd>";
  const std::int64_t id = f.store->outbox().enqueue("gen", std::nullopt, "qa_report", "k2", m).id;
  CHECK(f.store->outbox().in_doubt().empty());
  // Its sender stops: a process of this host no longer running, or a connection gone.
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  const std::string gone = std::is_same_v<B, Sqlite>
                               ? "rosterd@" + std::string(host) + ":2147483647"  // > pid_max
                               : "2147483647/1700000000.0";
  f.query("UPDATE outbox SET claimed_by = '" + gone + "' WHERE id = " + std::to_string(id));
  const auto doubt = f.store->outbox().in_doubt();
  REQUIRE(doubt.size() == 1);
  CHECK(doubt[0].id == id);
  CHECK(f.store->outbox().requeue(id));
  CHECK(f.store->outbox().message(id)->status == "pending");
  CHECK_FALSE(f.store->outbox().requeue(id));  // queued already
  CHECK(f.store->outbox().due(0).size() == 1);

  // A live sender that cannot tell whether its message went out (the server took it, the
  // store would not record it) leaves it in doubt at once.
  m.message_id = "<3@rosterd>";
  const std::int64_t live = f.store->outbox().enqueue("gen", std::nullopt, "qa_report", "k3", m).id;
  CHECK(f.store->outbox().in_doubt().empty());
  f.store->outbox().disown(live);
  REQUIRE(f.store->outbox().in_doubt().size() == 1);
  CHECK(f.store->outbox().in_doubt()[0].id == live);
  if constexpr (std::is_same_v<B, Sqlite>) {
    // SQLite serves one host: a claimant of another (the store moved) is gone too.
    f.query("UPDATE outbox SET claimed_by = 'rosterd@elsewhere.invalid:1' WHERE id = " +
            std::to_string(live));
    CHECK(f.store->outbox().in_doubt().size() == 1);
  }
}

TEST_CASE_TEMPLATE("store: an ID change is resolved into one record with its history", B, Sqlite,
                   Postgres) {
  Fixture<B> f;
  std::vector<std::vector<std::string>> night;
  for (int n = 1; n <= 12; ++n) {
    auto r = row(std::to_string(n), "Family" + std::string(1, static_cast<char>('A' + n)));
    night.push_back(r);
  }
  f.ingest(night);
  auto next = night;
  next[4][0] = "2000000005";  // student 5 under a new state ID
  const IngestOutcome o = f.ingest(next);
  REQUIRE(o.plan.alerts.size() == 1);
  const auto open = f.store->identity().alerts("gen", false);
  REQUIRE(open.size() == 1);
  CHECK(open[0].alert.candidates.at(0).id == id("5"));
  f.store->identity().resolve(open[0].id, true, "", tester());
  std::vector<std::string> skipped;
  const auto applied = f.store->identity().apply("gen", tester(), skipped);
  REQUIRE(applied);
  CHECK(skipped.empty());
  const auto s = f.store->students().record("gen", "2000000005");
  REQUIRE(s);
  CHECK(s->earlier_ids.size() == 1);
  CHECK(s->earlier_ids[0].old_id == id("5"));
  CHECK(f.roster().size() == 12);
  CHECK(f.roster().count(id("5")) == 0);
  // Undoing the re-key gives the old ID back.
  f.store->decisions().rollback(*applied, false, tester());
  CHECK(f.roster().count(id("5")) == 1);
}

TEST_CASE_TEMPLATE("store: an opted-out student leaves every table", B, Sqlite, Postgres) {
  Fixture<B> f("    scope: {exclude_students: optout.txt}\n",
               [](const std::filesystem::path& dir) { std::ofstream(dir / "optout.txt") << ""; });
  f.ingest({row("1"), row("2"), row("3")});
  std::ofstream(f.dir / "optout.txt") << id("2") << "\n";
  f.config = load_config(f.dir / "rosterd.yaml");
  const IngestOutcome o = f.ingest({row("1"), row("2"), row("3")});
  CHECK(o.plan.counts.opted_out == 1);
  CHECK(f.roster().count(id("2")) == 0);
  CHECK(f.query("SELECT count(*) FROM run_changes WHERE state_id = '" + id("2") +
                "' AND before IS NOT NULL") == "0\n");
}

TEST_CASE_TEMPLATE("store: roster_current shows each committed student with platform codes", B,
                   Sqlite, Postgres) {
  Fixture<B> f;
  auto withdrawn = row("2", "Lee", "I");
  f.ingest({row("1"), withdrawn});
  const std::string out = f.query(
      "SELECT feed, state_id, last_name, birth_date, grade, campus, active, added_run FROM "
      "roster_current ORDER BY state_id");
  CHECK(out == "gen|" + id("1") + "|Lee|2015-12-15|05|101|1|1\ngen|" + id("2") +
                   "|Lee|2015-12-15|05|101|0|1\n");
}

TEST_CASE_TEMPLATE("store: each feed's committed count follows every change, and the view shows it",
                   B, Sqlite, Postgres) {
  Fixture<B> f("    scope: {exclude_students: optout.txt}\n",
               [](const std::filesystem::path& dir) { std::ofstream(dir / "optout.txt") << ""; });
  const auto recorded = [&] {
    return f.query("SELECT students FROM feed_rosters WHERE feed = 'gen'");
  };
  const IngestOutcome first = f.ingest(rows(40));
  CHECK(recorded() == "40\n");
  CHECK(f.query("SELECT DISTINCT feed_students FROM roster_current") == "40\n");
  auto night = rows(41);
  night[1] = row("2", "Lee", "I");  // a withdrawal stays in the roster, inactive
  f.ingest(night);
  CHECK(recorded() == "41\n");
  std::ofstream(f.dir / "optout.txt") << id("3") << "\n";  // an opt-out leaves it
  f.config = load_config(f.dir / "rosterd.yaml");
  const IngestOutcome opted = f.ingest(night);
  CHECK(opted.plan.counts.opted_out == 1);
  CHECK(recorded() == "40\n");
  CHECK(f.store->damage(true).empty());
  f.store->decisions().rollback(first.run_id, true, tester());  // the first load's additions go
  CHECK(recorded() == std::to_string(f.roster().size()) + "\n");
  CHECK(f.store->damage(true).empty());
}

TEST_CASE_TEMPLATE("store: a read that finds fewer students than the feed's count is refused", B,
                   Sqlite, Postgres) {
  Fixture<B> f;
  f.ingest(rows(30));
  // What a damaged page does to a range scan, without damaging the file: the rows are gone
  // but the count says 30.
  f.query("DELETE FROM students WHERE feed = 'gen' AND state_id > '" + id("10") + "'");
  CHECK_THROWS_WITH_AS(
      f.roster(), doctest::Contains("feed gen has 30 committed students, but 10 could be read"),
      StoreDamagedError);
  CHECK_THROWS_WITH_AS(f.ingest(rows(30)), doctest::Contains("last backup"), StoreDamagedError);
  const std::vector<std::string> damage = f.store->damage(false);
  REQUIRE(damage.size() == 1);
  CHECK(damage[0] == "feed gen has 30 committed students, but 10 could be read");
  // Every row lost reads as an empty roster: refused the same way.
  f.query("DELETE FROM students WHERE feed = 'gen'");
  CHECK_THROWS_WITH_AS(f.roster(), doctest::Contains("but 0 could be read"), StoreDamagedError);
}

// What undoes the kinds' migration (store/committed_entities.h).
std::string kinds_dropped() {
  std::string sql =
      "DROP TABLE run_kind_discrepancies; DROP TABLE run_kind_changes; DROP TABLE "
      "run_kind_counts; ";
  for (const EntityKindInfo& k : all_entity_kinds())
    sql += "DROP VIEW roster_current_" + std::string(k.name) + "; DROP TABLE " +
           kind_table(k.kind) + "; ";
  return sql;
}

TEST_CASE_TEMPLATE("store: the count migration counts the students already committed", B, Sqlite,
                   Postgres) {
  Fixture<B> f;
  f.ingest(rows(12));
  // Back to the schema before the count (version 8), then open again.
  f.store.reset();
  f.query(
      std::string("DROP VIEW roster_current; DROP TABLE feed_rosters; DROP TABLE actions; "
                  "DROP TABLE console_keys; DROP TABLE console_roles; DROP TABLE mail_lists; "
                  "DROP TABLE run_campuses; DROP TABLE mail_links; DROP TABLE "
                  "source_file_members; ALTER TABLE runs DROP COLUMN delta; ALTER TABLE runs DROP "
                  "COLUMN school_year; DROP INDEX runs_split_of; ALTER TABLE runs DROP COLUMN "
                  "split_of; DROP TABLE feed_pauses; DROP TABLE "
                  "console_users; ") +
      kinds_dropped() + "DELETE FROM schema_migrations WHERE version >= " +
      (std::is_same_v<B, Sqlite> ? "9" : "4") + "; " + std::string(kRosterCurrentView));
  f.store = f.open_another();
  CHECK(f.query("SELECT students FROM feed_rosters WHERE feed = 'gen'") == "12\n");
  CHECK(f.roster().size() == 12);
}

// --- The shared store only ---

// --- SQLite only ---

// Open descriptors of this process.
std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

TEST_CASE("store: SQLite writes through the writeback VFS, keep every row and close every file") {
  TempDir dir;
  const std::string path = (dir.path() / "writeback.db").string();
  const std::size_t before = open_descriptors();
  {
    SqliteDb db(path);
    sqlite3_vfs* vfs = nullptr;
    REQUIRE(sqlite3_file_control(db.handle(), "main", SQLITE_FCNTL_VFS_POINTER, &vfs) == SQLITE_OK);
    REQUIRE(vfs != nullptr);
    CHECK(std::string(vfs->zName) == "rosterd-writeback");
    db.exec("PRAGMA journal_mode=WAL; CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
    // ~24 MB in one transaction: the WAL and then the database get several hints each.
    Transaction tx(db);
    Statement ins(db, "INSERT INTO t (k, v) VALUES (?, ?)");
    const std::string value(1000, 'v');
    for (int i = 0; i < 24000; ++i)
      ins.bind(1, static_cast<std::int64_t>(i)).bind(2, value + std::to_string(i)).run();
    tx.commit();
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  // The database, its WAL and the VFS's own descriptors of both are closed with the connection.
  CHECK(open_descriptors() == before);
  SqliteDb again(path);
  Statement q(again, "SELECT count(*), sum(length(v)), max(v) FROM t");
  REQUIRE(q.step());
  CHECK(q.integer(0) == 24000);
  CHECK(q.integer(1) == 24000 * 1000 + 10 * 1 + 90 * 2 + 900 * 3 + 9000 * 4 + 14000 * 5);
  CHECK(q.text(2) == std::string(1000, 'v') + "9999");
  Statement check(again, "PRAGMA integrity_check");
  REQUIRE(check.step());
  CHECK(check.text(0) == "ok");
}

TEST_CASE("store: closing one SQLite connection leaves another's locks on the database") {
  // The writeback VFS's descriptor of the database is shared by the process's connections:
  // closed with the first of two, it would drop the POSIX locks the second holds, and another
  // process could then take the database from under it.
  TempDir dir;
  const std::string path = (dir.path() / "locks.db").string();
  SqliteDb a(path);
  a.exec("PRAGMA journal_mode=WAL; CREATE TABLE t (k INTEGER PRIMARY KEY)");
  {
    SqliteDb b(path);
    b.exec("INSERT INTO t (k) VALUES (1)");
  }
  // `a` holds the database open (a WAL connection keeps a shared lock on it for its life);
  // another process must not be able to take it whole: leaving WAL mode needs the exclusive
  // lock, and is refused as "locked".
  Transaction tx(a);
  Statement q(a, "SELECT count(*) FROM t");
  REQUIRE(q.step());
  CHECK(q.integer(0) == 1);
  const auto other =
      run_process("/usr/bin/sqlite3", {"-cmd", ".timeout 0", path, "PRAGMA journal_mode=DELETE"});
  CHECK(other.exit_status != 0);
  CHECK(other.err.find("locked") != std::string::npos);
  CHECK(std::filesystem::exists(path + "-wal"));
}

TEST_CASE("store: a SQLite database opened with nolock=1 works through the VFS") {
  // Without locks SQLite allows no WAL: the journal stays a rollback journal, and the database
  // is written through the VFS all the same.
  TempDir dir;
  const std::string uri = "file:" + (dir.path() / "nolock.db").string() + "?nolock=1";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(uri.c_str(), &db,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                          sqlite_writeback_vfs()) == SQLITE_OK);
  sqlite3_stmt* mode = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &mode, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(mode) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(mode, 0))) == "delete");
  sqlite3_finalize(mode);
  CHECK(sqlite3_exec(db, "CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (1)", nullptr, nullptr,
                     nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

TEST_CASE("writeback hint: the kernel takes it through a read-only descriptor") {
  // The VFS gives its hints through descriptors it opens read-only, next to SQLite's own.
  TempDir dir;
  const std::string path = (dir.path() / "hinted").string();
  { std::ofstream(path) << std::string(1 << 20, 'x'); }
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  CHECK(::sync_file_range(fd, 0, 1 << 20, SYNC_FILE_RANGE_WRITE) == 0);
  ::close(fd);
}

TEST_CASE("store: a SQLite bulk insert keeps every row and value, in full batches and after them") {
  TempDir dir;
  SqliteDb db((dir.path() / "bulk.db").string());
  db.exec("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, s TEXT) WITHOUT ROWID");
  // Around the batch of 64 rows: none, one, one short, one full, one over, several and a part;
  // then past the 16 batches after which a thread sends them: the 17th alone, two groups of 128,
  // and a part.
  for (const int count : {0, 1, 63, 64, 65, 200, 64 * (17 + 128 + 128) + 37}) {
    CAPTURE(count);
    db.exec("DELETE FROM t");
    {
      BulkInsert ins(db, "t", {"k", "n", "s"});
      std::string k, n;
      for (int i = 0; i < count; ++i) {
        k = "k" + std::to_string(100000 + i);
        n = i % 5 == 0 ? "12x" : std::to_string(i * 7);  // not an integer: stored as text
        std::optional<std::string_view> s;               // NULL, empty, or text
        if (i % 3 == 1) s = std::string_view();
        if (i % 3 == 2) s = k;
        ins.add({k, n, s});
        k.assign(k.size(), '#');  // the insert keeps its own copy of each value
        n.assign(n.size(), '#');
      }
      ins.finish();
    }
    Statement q(db, "SELECT k, typeof(n), n, s IS NULL, coalesce(s, '') FROM t ORDER BY k");
    int i = 0;
    while (q.step()) {
      const std::string k = "k" + std::to_string(100000 + i);
      CHECK(q.text(0) == k);
      CHECK(q.text(1) == (i % 5 == 0 ? "text" : "integer"));
      CHECK(q.text(2) == (i % 5 == 0 ? "12x" : std::to_string(i * 7)));
      CHECK(q.integer(3) == (i % 3 == 0 ? 1 : 0));
      CHECK(q.text(4) == (i % 3 == 2 ? k : ""));
      ++i;
    }
    CHECK(i == count);
  }
  // A repeated key in a full batch, among the rows after it, or in a batch the thread sends
  // (thrown at the next hand-over, from add(), or at finish()): the insert fails with SQLite's
  // own message, and the transaction keeps none of its rows.
  for (const int repeated_at : {10, 70, 1050, 5000}) {
    CAPTURE(repeated_at);
    db.exec("DELETE FROM t");
    {
      Transaction tx(db);
      BulkInsert ins(db, "t", {"k", "n", "s"});
      const auto insert_all = [&] {
        // Row 1,050 is in the thread's first batch (the 17th: rows 1,024 to 1,087), found when the
        // next group is handed over (at row 9,279); row 5,000 in its first group of 128 (rows
        // 1,088 to 9,279), found at finish().
        const int rows = repeated_at < 1000 ? 100 : 64 * (17 + 128) + 10;
        for (int i = 0; i < rows; ++i) {
          const std::string k = "k" + std::to_string(i == repeated_at ? 3 : i);
          ins.add({k, "1", std::nullopt});
        }
        ins.finish();
      };
      CHECK_THROWS_WITH_AS(insert_all(), doctest::Contains("UNIQUE constraint failed"), StoreError);
    }
    Statement count(db, "SELECT count(*) FROM t");
    REQUIRE(count.step());
    CHECK(count.integer(0) == 0);
  }
  // A row of another width is refused, not shifted into the wrong columns.
  BulkInsert ins(db, "t", {"k", "n", "s"});
  CHECK_THROWS_WITH_AS(ins.add({"k1", "1"}), doctest::Contains("a row of 2 values for the 3"),
                       StoreError);
}
