#include "pipeline/feed_intake.h"

#include <doctest/doctest.h>

#include <fstream>

#include "core/sha256.h"
#include "pipeline/feed_lock.h"
#include "tests/support/fetch_kinds.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"
#include "transport/local_drop.h"

using namespace rosterd;

namespace {

// A feed "gen" taking files from a local drop, with a clock the test moves.
struct Intake {
  testing::TempDir dir;
  Config config;
  std::unique_ptr<RosterStore> store;
  std::unique_ptr<LocalDrop> drop;
  ManualClock clock{1'000'000};

  explicit Intake(const std::string& source_extra = "") {
    std::filesystem::create_directories(dir / "drop");
    const auto path = testing::write_test_feed(
        dir.path(),
        "    source:\n      local:\n        dir: drop\n        retry_backoff: 0s\n" + source_extra,
        "live");
    config = load_config(path);
    store = open_sqlite_store((dir / "roster.db").string(), clock);
    drop = std::make_unique<LocalDrop>(dir / "drop");
  }
  const FeedConfig& feed() const { return config.feed("gen"); }
  FeedIntake intake() { return FeedIntake(config, feed(), *store, *drop); }
  void put(const std::string& name, const std::string& text) {
    std::ofstream(dir / "drop" / name, std::ios::binary) << text;
  }
  static std::string roster(std::size_t rows, std::uint64_t seed = 7) {
    testing::GeneratorOptions o;
    o.clean_rows = rows;
    o.seed = seed;
    return testing::generate_roster(o).text;
  }
  std::vector<std::string> kinds(const FetchResult& r) { return testing::fetch_kinds(r); }
  std::vector<IntakeRun> ingest() {
    return intake().ingest_pending(1, *parse_date(testing::kGeneratorAsOf, "%Y-%m-%d"));
  }
};

using Kinds = std::vector<std::string>;

}  // namespace

TEST_CASE("a file is taken once it has been unchanged for stable_for") {
  Intake t("        stable_for: 60s\n");
  t.put("r.txt", Intake::roster(10));
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"waiting:r.txt"});
  t.clock.advance(59);
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"waiting:r.txt"});
  t.put("r.txt", Intake::roster(11));  // still being written: the clock starts again
  t.clock.advance(30);
  const FetchResult r = t.intake().fetch();
  CHECK(t.kinds(r) == Kinds{"waiting:r.txt"});
  CHECK(r.events[0].detail == "unchanged for 0s of the 60s stable_for");
  t.clock.advance(60);
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"taken:r.txt"});
  CHECK(t.kinds(t.intake().fetch()).empty());  // taken once
}

TEST_CASE("only files matching the pattern are taken, markers never") {
  Intake t("        stable_for: 0s\n        pattern: \"roster-*.txt\"\n");
  t.put("roster-1.txt", Intake::roster(5));
  t.put("roster-1.txt.done", "");
  t.put("notes.txt", "hello");
  t.put(".roster-2.txt.part", "half");
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"taken:roster-1.txt"});
}

TEST_CASE("marker mode waits for NAME.done or NAME.ok") {
  Intake t("        ready_when: marker\n        markers: [\".done\", \".ok\"]\n");
  t.put("r.txt", Intake::roster(5));
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"waiting:r.txt"});
  t.put("r.txt.ok", "");
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"taken:r.txt"});
}

TEST_CASE("a file over max_bytes is recorded as too large and not downloaded") {
  Intake t("        stable_for: 0s\n        max_bytes: 100\n");
  t.put("r.txt", Intake::roster(5));
  const FetchResult r = t.intake().fetch();
  CHECK(t.kinds(r) == Kinds{"too_large:r.txt"});
  CHECK(!std::filesystem::exists(t.dir / "state/staging/gen"));
  CHECK(t.store->ledger().recent("gen", 5).at(0).status == "too_large");
  CHECK(t.kinds(t.intake().fetch()).empty());
}

TEST_CASE("the same bytes under another name are a repeat, not ingested again") {
  Intake t("        stable_for: 0s\n");
  const std::string text = Intake::roster(20);
  t.put("mon.txt", text);
  t.intake().fetch();
  REQUIRE(t.ingest().size() == 1);
  t.put("tue.txt", text);
  const FetchResult r = t.intake().fetch();
  CHECK(t.kinds(r) == Kinds{"repeat:tue.txt"});
  CHECK(r.events[0].record->repeat_of == 1);
  CHECK(t.ingest().empty());
  CHECK(t.store->runs().history("gen", 10).size() == 1);
}

TEST_CASE("ingesting a taken file archives it, links its run and applies `after`") {
  Intake t("        stable_for: 0s\n        after: move\n        move_to: done\n");
  t.put("r.txt", Intake::roster(20));
  t.intake().fetch();
  const auto runs = t.ingest();
  REQUIRE(runs.size() == 1);
  REQUIRE(runs[0].outcome);
  CHECK(runs[0].outcome->decision.decision == Decision::committed);
  const SourceFile& f = runs[0].file;
  CHECK(f.status == "ingested");
  CHECK(f.run_id == runs[0].outcome->run_id);
  CHECK(f.run_state == RunState::committed);
  CHECK(f.attempts == 1);
  CHECK(f.after_action == "moved to " + (t.dir / "drop/done/r.txt").string());
  CHECK(f.local_path.starts_with((t.dir / "state/archive/gen/").string()));
  CHECK(std::filesystem::exists(f.local_path));
  CHECK(std::filesystem::is_empty(t.dir / "state/staging/gen"));
  CHECK(t.store->runs().get(f.run_id.value())->file_name == "r.txt");  // the remote name
}

TEST_CASE("after a crash: a lost staged copy is fetched again, a failed run is run again") {
  Intake t("        stable_for: 0s\n");
  t.put("r.txt", Intake::roster(20));

  SUBCASE("the staged copy vanished before its run") {
    const FetchResult r = t.intake().fetch();
    std::filesystem::remove(r.events.at(0).record->local_path);
    CHECK(t.ingest().empty());
    CHECK(t.store->ledger().recent("gen", 5).empty());           // forgotten...
    CHECK(t.kinds(t.intake().fetch()) == Kinds{"taken:r.txt"});  // ...and fetched again
    CHECK(t.ingest().size() == 1);
  }
  SUBCASE("the run was cut off (failed) twice, then succeeds") {
    const FetchResult r = t.intake().fetch();
    const std::int64_t id = r.events.at(0).record->id;
    for (int i = 0; i < 2; ++i) {
      FileSummary fs;
      fs.name = "r.txt";
      t.store->ledger().note_attempt(id);
      t.store->runs().fail(t.store->runs().begin("gen", fs, id), "killed");
    }
    const auto runs = t.ingest();
    REQUIRE(runs.size() == 1);
    REQUIRE(runs[0].outcome);
    CHECK(runs[0].file.attempts == 3);
    CHECK(runs[0].file.status == "ingested");
  }
  SUBCASE("three failed runs: the file is given up, with what to do") {
    const FetchResult r = t.intake().fetch();
    const std::int64_t id = r.events.at(0).record->id;
    for (int i = 0; i < 3; ++i) {
      FileSummary fs;
      t.store->ledger().note_attempt(id);
      t.store->runs().fail(t.store->runs().begin("gen", fs, id), "store full");
    }
    const auto runs = t.ingest();
    REQUIRE(runs.size() == 1);
    CHECK(!runs[0].outcome);
    CHECK(runs[0].error.find("its run failed 3 times") != std::string::npos);
    CHECK(t.store->ledger().file(id)->status == "failed");
    CHECK(t.ingest().empty());
  }
  SUBCASE("the run finished but the ledger was not updated: not run twice") {
    const FetchResult r = t.intake().fetch();
    const SourceFile rec = *r.events.at(0).record;
    const IngestOutcome o =
        ingest_file(t.feed(), *t.store, rec.local_path, 1,
                    *parse_date(testing::kGeneratorAsOf, "%Y-%m-%d"), DropOrigin{rec.id, "r.txt"});
    // Nothing re-run, so no run to tell of (a run without an outcome reads as a failed one).
    CHECK(t.ingest().empty());
    const SourceFile now = *t.store->ledger().file(rec.id);
    CHECK(now.status == "ingested");
    CHECK(now.after_action == "kept");
    CHECK(now.run_id == o.run_id);
    CHECK(t.store->runs().history("gen", 10).size() == 1);
  }
}

TEST_CASE("tidy expires archived copies after archive.keep_days") {
  Intake t("        stable_for: 0s\n");
  std::filesystem::create_directories(t.dir / "state/archive/gen");
  std::ofstream(t.dir / "state/archive/gen/old.txt") << "x";
  std::ofstream(t.dir / "state/archive/gen/new.txt") << "x";
  std::filesystem::last_write_time(
      t.dir / "state/archive/gen/old.txt",
      std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 31));
  t.intake().tidy();
  CHECK(!std::filesystem::exists(t.dir / "state/archive/gen/old.txt"));
  CHECK(std::filesystem::exists(t.dir / "state/archive/gen/new.txt"));
}

TEST_CASE("an unreachable drop is an error of the poll, not an exception") {
  Intake t("        attempts: 2\n");
  std::filesystem::remove_all(t.dir / "drop");
  const FetchResult r = t.intake().fetch();
  CHECK(r.events.empty());
  CHECK(r.error.find("cannot list the drop folder") != std::string::npos);
}

TEST_CASE("the drop is tidied only for the version that was taken") {
  Intake t("        stable_for: 0s\n        after: delete\n");
  t.put("r.txt", Intake::roster(20));
  t.intake().fetch();
  // The SIS replaces the file before the run finishes: tomorrow's roster must survive.
  t.put("r.txt", Intake::roster(25, 9));
  std::filesystem::last_write_time(
      t.dir / "drop/r.txt",
      std::filesystem::file_time_type::clock::now() + std::chrono::seconds(5));
  const auto runs = t.ingest();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].file.after_action.starts_with("left: the file was replaced"));
  CHECK(std::filesystem::exists(t.dir / "drop/r.txt"));
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"taken:r.txt"});  // the new version, in turn
}

TEST_CASE("a marker older than its file does not make the file ready") {
  Intake t("        ready_when: marker\n");
  t.put("r.txt.done", "");
  std::filesystem::last_write_time(
      t.dir / "drop/r.txt.done",
      std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
  t.put("r.txt", Intake::roster(5));  // a new version written after the old marker
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"waiting:r.txt"});
  t.put("r.txt.done", "");
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"taken:r.txt"});
}

TEST_CASE("a failed run holds back the feed's later files") {
  Intake t("        stable_for: 0s\n");
  t.put("a.txt", Intake::roster(10, 1));
  t.intake().fetch();
  t.put("b.txt", Intake::roster(10, 2));
  std::filesystem::last_write_time(
      t.dir / "drop/b.txt",
      std::filesystem::file_time_type::clock::now() + std::chrono::seconds(5));
  t.intake().fetch();
  {
    // Every run of the feed fails: the store has its students keyed by another column.
    t.store->runs().check_feed_key("gen", "AnotherColumn");
    REQUIRE(t.store->ledger().pending("gen").size() == 2);
    const auto runs = t.ingest();
    REQUIRE(runs.size() == 1);
    CHECK(!runs[0].outcome);
    CHECK(runs[0].file.remote_name == "a.txt");
    CHECK(t.store->ledger().pending("gen").size() == 2);  // b.txt waits its turn
  }
}

TEST_CASE("a repeat of a file not yet ingested stays in the drop") {
  Intake t("        stable_for: 0s\n        after: delete\n");
  const std::string text = Intake::roster(10);
  t.put("a.txt", text);
  t.intake().fetch();
  t.put("b.txt", text);
  const FetchResult r = t.intake().fetch();
  REQUIRE(t.kinds(r) == Kinds{"repeat:b.txt"});
  CHECK(r.events[0].record->after_action == "kept until file 1 is ingested");
  CHECK(std::filesystem::exists(t.dir / "drop/b.txt"));
}

TEST_CASE("a repeat waits for its original to be ingested, then gets the after-action") {
  Intake t("        stable_for: 0s\n        after: delete\n");
  const std::string text = Intake::roster(10);
  t.put("a.txt", text);
  t.intake().fetch();
  t.put("b.txt", text);
  const SourceFile repeat = *t.intake().fetch().events.at(0).record;
  REQUIRE(repeat.status == "repeat");
  t.ingest();  // a.txt is run and deleted; then b.txt, its repeat, goes too
  CHECK_FALSE(std::filesystem::exists(t.dir / "drop/a.txt"));
  CHECK_FALSE(std::filesystem::exists(t.dir / "drop/b.txt"));
  CHECK(t.store->ledger().file(repeat.id)->after_action == "deleted");

  // A repeat recorded by a process that died before its after-action: settled at the next poll.
  t.put("c.txt", text);
  SourceFile crashed = *t.intake().fetch().events.at(0).record;
  REQUIRE(crashed.after_action == "deleted");
  crashed.after_action = "";
  t.store->ledger().update(crashed);
  t.put("c.txt", text);  // still there, as the crash left it (same size; mtime as recorded)
  std::filesystem::last_write_time(
      t.dir / "drop/c.txt",
      std::filesystem::file_time_type::clock::from_sys(
          std::chrono::system_clock::from_time_t(static_cast<std::time_t>(crashed.mtime))));
  t.ingest();
  CHECK_FALSE(std::filesystem::exists(t.dir / "drop/c.txt"));
  CHECK(t.store->ledger().file(crashed.id)->after_action == "deleted");
}

TEST_CASE("a crash between a run's ledger record and its after-action is finished, not rerun") {
  Intake t("        stable_for: 0s\n        after: delete\n");
  t.put("r.txt", Intake::roster(10));
  const SourceFile rec = *t.intake().fetch().events.at(0).record;
  const IngestOutcome o =
      ingest_file(t.feed(), *t.store, rec.local_path, 1,
                  *parse_date(testing::kGeneratorAsOf, "%Y-%m-%d"), DropOrigin{rec.id, "r.txt"});
  // As the crash left it: `ingested`, pointing at the archive, the copy still in staging, no
  // after-action.
  SourceFile cut = *t.store->ledger().file(rec.id);
  const std::filesystem::path archived =
      archive_dir(t.config, "gen") / std::filesystem::path(rec.local_path).filename();
  cut.status = "ingested";
  cut.local_path = archived.string();
  t.store->ledger().update(cut);
  CHECK(t.ingest().empty());  // nothing run again
  const SourceFile now = *t.store->ledger().file(rec.id);
  CHECK(now.after_action == "deleted");
  CHECK(now.run_id == o.run_id);
  CHECK(std::filesystem::exists(archived));
  CHECK_FALSE(std::filesystem::exists(rec.local_path));
  CHECK_FALSE(std::filesystem::exists(t.dir / "drop/r.txt"));
  CHECK(t.store->runs().history("gen", 10).size() == 1);
  CHECK(t.ingest().empty());
  CHECK(t.store->ledger().pending("gen").empty());
}

TEST_CASE(
    "a run that finished before a crash is completed, not forgotten, without its staged copy") {
  Intake t("        stable_for: 0s\n");
  t.put("r.txt", Intake::roster(10));
  const SourceFile rec = *t.intake().fetch().events.at(0).record;
  ingest_file(t.feed(), *t.store, rec.local_path, 1,
              *parse_date(testing::kGeneratorAsOf, "%Y-%m-%d"), DropOrigin{rec.id, "r.txt"});
  std::filesystem::remove(rec.local_path);  // moved to the archive just before the crash
  CHECK(t.ingest().empty());
  CHECK(t.store->ledger().file(rec.id)->status == "ingested");
  CHECK(t.kinds(t.intake().fetch()).empty());  // not fetched again
  CHECK(t.store->runs().history("gen", 10).size() == 1);
}

TEST_CASE("one process at a time per feed") {
  testing::TempDir dir;
  auto first = FeedLock::try_acquire(dir.path(), "gen");
  REQUIRE(first);
  CHECK(!FeedLock::try_acquire(dir.path(), "gen"));
  CHECK(FeedLock::try_acquire(dir.path(), "other"));
  first.reset();
  CHECK(FeedLock::try_acquire(dir.path(), "gen"));
}

TEST_CASE("a link where move_to should be: the run stands, the file stays, nothing is moved") {
  Intake t("        stable_for: 0s\n        after: move\n        move_to: done\n");
  std::filesystem::create_directories(t.dir / "elsewhere");
  std::filesystem::create_directory_symlink(t.dir / "elsewhere", t.dir / "drop/done");
  t.put("r.txt", Intake::roster(20));
  t.intake().fetch();
  const auto runs = t.ingest();
  REQUIRE(runs.size() == 1);
  REQUIRE(runs[0].outcome);
  CHECK(runs[0].outcome->decision.decision == Decision::committed);
  const SourceFile& f = runs[0].file;
  CHECK(f.status == "ingested");
  CHECK(f.after_action.starts_with("failed: did not move"));
  CHECK(f.after_action.find((t.dir / "drop/done").string() + " is a symbolic link") !=
        std::string::npos);
  CHECK(std::filesystem::exists(t.dir / "drop/r.txt"));
  CHECK(std::filesystem::is_empty(t.dir / "elsewhere"));
  // Not taken again at the next poll.
  CHECK(t.kinds(t.intake().fetch()).empty());
}

TEST_CASE("links under state_dir: staging is refused, the archive neither written nor tidied") {
  Intake t("        stable_for: 0s\n");
  std::filesystem::create_directories(t.dir / "elsewhere");
  std::ofstream(t.dir / "elsewhere/precious.txt") << "x";
  std::filesystem::last_write_time(
      t.dir / "elsewhere/precious.txt",
      std::filesystem::file_time_type::clock::now() - std::chrono::hours(24 * 400));
  std::filesystem::create_directories(t.dir / "state");
  SUBCASE("staging") {
    std::filesystem::create_directory_symlink(t.dir / "elsewhere", t.dir / "state/staging");
    t.put("r.txt", Intake::roster(20));
    const FetchResult r = t.intake().fetch();
    CHECK(r.events.empty());
    CHECK(r.error.find((t.dir / "state/staging").string() + " is a symbolic link") !=
          std::string::npos);
    CHECK(t.store->ledger().pending("gen").empty());
  }
  SUBCASE("archive") {
    std::filesystem::create_directories(t.dir / "state/archive");
    std::filesystem::create_directory_symlink(t.dir / "elsewhere", t.dir / "state/archive/gen");
    t.put("r.txt", Intake::roster(20));
    t.intake().fetch();
    const auto runs = t.ingest();
    REQUIRE(runs.size() == 1);
    REQUIRE(runs[0].outcome);
    // The copy stays in staging, where the ledger points.
    CHECK(runs[0].file.local_path.starts_with((t.dir / "state/staging/gen/").string()));
    CHECK(std::filesystem::exists(runs[0].file.local_path));
    t.intake().tidy();
  }
  CHECK(std::filesystem::exists(t.dir / "elsewhere/precious.txt"));
  CHECK(std::distance(std::filesystem::directory_iterator(t.dir / "elsewhere"),
                      std::filesystem::directory_iterator()) == 1);
}
