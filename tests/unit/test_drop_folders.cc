// A folder a night in a local drop (source.folders): a OneRoster set delivered as a folder is one
// delivery, read as one roster, and the folder goes with its files; folders the glob does not
// name, links, and move_to's own folder are never read. The SFTP drop's side is in
// tests/integration/test_sftp_folders.cc.
#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "config/config.h"
#include "pipeline/feed_intake.h"
#include "tests/support/set_intake.h"
#include "transport/local_drop.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

std::size_t files_in(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    n += e.is_regular_file() ? 1 : 0;
  return n;
}

// Sets every file's mtime in `dir` to now + `by`: another night's files.
void age_files(const std::filesystem::path& dir, std::chrono::hours by) {
  for (const auto& e : std::filesystem::directory_iterator(dir))
    std::filesystem::last_write_time(e.path(), std::filesystem::file_time_type::clock::now() + by);
}

}  // namespace

TEST_CASE("drop folders: a set in a folder of the drop is one delivery, read as one roster") {
  SetIntake t("        folders: \"20*\"\n        after: delete\n", "0s");
  t.put_set("2026-12-04/");
  const FetchResult r = t.intake().fetch();
  REQUIRE(t.kinds(r) == Kinds{"taken:2026-12-04/" + kSample});
  const SourceFile rec = *r.events[0].record;
  CHECK(rec.member_count == 8);
  const std::vector<SourceMember> members = t.store->ledger().members(rec.id);
  REQUIRE(members.size() == 8);
  CHECK(members[7].remote_name == "2026-12-04/users.csv");
  CHECK(members[7].local_name == "users.csv");
  CHECK(t.kinds(t.intake().fetch()).empty());  // taken once

  const auto runs = t.ingest();
  REQUIRE(runs.size() == 1);
  REQUIRE(runs[0].outcome);
  CHECK(runs[0].outcome->decision.decision == Decision::committed);
  CHECK(runs[0].outcome->check.file.rows == 8);  // every student of the sample, as loose files
  CHECK(t.store->students().count("or") == 8);
  // Every file deleted, then the emptied folder.
  CHECK(runs[0].file.after_action.find("2026-12-04/users.csv: deleted") != std::string::npos);
  CHECK(runs[0].file.after_action.ends_with("; 2026-12-04/: removed"));
  CHECK_FALSE(std::filesystem::exists(t.dir / "drop/2026-12-04"));
}

TEST_CASE("drop folders: each folder is its own night, oldest first, never mixed") {
  SetIntake t("        folders: \"20*\"\n", "0s");
  t.put_set("2026-12-04/");
  t.put_set("2026-12-05/", "demographics.csv");
  age_files(t.dir / "drop/2026-12-04", std::chrono::hours(-24));
  // The 5th's folder lacks demographics.csv: it waits for it, and never borrows the 4th's.
  const FetchResult r = t.intake().fetch();
  REQUIRE(r.events.size() == 2);
  CHECK(t.kinds(r)[0] == "taken:2026-12-04/" + kSample);
  CHECK(r.events[1].kind == FetchEvent::Kind::waiting);
  CHECK(r.events[1].name ==
        "2026-12-05/{academicSessions.csv,classes.csv,courses.csv,enrollments.csv,manifest.csv,"
        "orgs.csv,users.csv}");
  CHECK(r.events[1].detail.starts_with("the set has no demographics.csv yet"));
}

TEST_CASE("drop folders: only folders the glob names are read; links and move_to never") {
  SUBCASE("without `folders`, no folder of the drop is looked into") {
    SetIntake t("", "0s");
    t.put_set("2026-12-04/");
    CHECK(t.kinds(t.intake().fetch()).empty());
  }
  SUBCASE("a folder the glob does not match (an archive of old nights) is never read") {
    SetIntake t("        folders: \"20*\"\n", "0s");
    t.put_set("archive/");
    t.put_set(".2026-12-03/");  // hidden: a leading '.' must be matched explicitly
    CHECK(t.kinds(t.intake().fetch()).empty());
  }
  SUBCASE("a link where a night's folder should be is not followed") {
    SetIntake t("        folders: \"20*\"\n", "0s");
    t.put_set("../elsewhere/");  // outside the drop
    std::filesystem::create_directory_symlink(t.dir / "elsewhere", t.dir / "drop/2026-12-04");
    // A folder whose files are links to a set outside: nothing in it is a file of the drop.
    std::filesystem::create_directories(t.dir / "drop/2026-12-05");
    for (const auto& e : std::filesystem::directory_iterator(t.dir / "elsewhere"))
      std::filesystem::create_symlink(e.path(), t.dir / "drop/2026-12-05" / e.path().filename());
    const FetchResult r = t.intake().fetch();
    CHECK(t.kinds(r).empty());
    CHECK(r.error.empty());  // not a failure: there is simply nothing of the drop's there
    // The drop says so itself, to any caller.
    LocalDrop& drop = *t.drop;
    CHECK(drop.folders().size() == 1);  // 2026-12-05, not the link
    CHECK(drop.list_folder("2026-12-05").empty());
    try {
      drop.list_folder("2026-12-04");
      FAIL("a link was listed");
    } catch (const TransportError& e) {
      CHECK_FALSE(e.retryable());
      CHECK(std::string(e.what()).find("symbolic link") != std::string::npos);
    }
    CHECK_FALSE(drop.stat("2026-12-04/users.csv"));
    CHECK_THROWS_AS(drop.read("2026-12-04/users.csv", 1 << 20, [](const char*, std::size_t) {}),
                    TransportError);
    CHECK_THROWS_AS(drop.remove("2026-12-04/users.csv"), TransportError);
    CHECK(std::filesystem::exists(t.dir / "elsewhere/users.csv"));
    CHECK_THROWS_AS(drop.remove_empty_folder("2026-12-04"), TransportError);
    CHECK(std::filesystem::is_symlink(t.dir / "drop/2026-12-04"));
    // Nor is any name that would climb out of the drop.
    CHECK_FALSE(drop.stat("../elsewhere/users.csv"));
    CHECK_THROWS_AS(drop.read("../elsewhere/users.csv", 1 << 20, [](const char*, std::size_t) {}),
                    TransportError);
  }
  SUBCASE("an absolute move_to into the drop is its folder too") {
    TempDir dir;
    std::ofstream(dir / "rosterd.yaml") << "feeds:\n"
                                           "  or:\n"
                                           "    format: {preset: oneroster-1.1}\n"
                                           "    source:\n"
                                           "      local:\n"
                                           "        dir: drop\n"
                                           "        folders: \"20*\"\n"
                                           "        after: move\n"
                                           "        move_to: "
                                        << (dir / "drop/2026-done").string() << "\n";
    CHECK_THROWS_WITH_AS(load_config(dir / "rosterd.yaml"),
                         doctest::Contains("\"2026-done\", the folder of move_to"), Error);
  }
  SUBCASE("a glob matching move_to's folder is refused at start-up, naming the key and line") {
    TempDir dir;
    std::ofstream(dir / "rosterd.yaml") << "feeds:\n"
                                           "  or:\n"
                                           "    format: {preset: oneroster-1.1}\n"
                                           "    source:\n"
                                           "      local:\n"
                                           "        dir: drop\n"
                                           "        folders: \"*\"\n"
                                           "        after: move\n"
                                           "        move_to: processed/nights\n";
    try {
      load_config(dir / "rosterd.yaml");
      FAIL("the config was accepted");
    } catch (const Error& e) {
      const std::string what = e.what();
      CHECK(what.find("folders") != std::string::npos);
      CHECK(what.find("rosterd.yaml:7: feeds.or.source.local.folders: matches") !=
            std::string::npos);
      CHECK(what.find("\"processed\", the folder of move_to") != std::string::npos);
    }
  }
}

TEST_CASE("drop folders: after: move keeps the night's folder below move_to; other files stay") {
  SetIntake t("        folders: \"20*\"\n        after: move\n        move_to: processed\n", "0s");
  t.put_set("2026-12-04/");
  std::ofstream(t.dir / "drop/2026-12-04/README.txt") << "from the SIS";  // not the layout's
  REQUIRE(t.kinds(t.intake().fetch()) == Kinds{"taken:2026-12-04/" + kSample});
  const auto runs = t.ingest();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].file.after_action.find("2026-12-04/users.csv: moved to " +
                                       (t.dir / "drop/processed/2026-12-04/users.csv").string()) !=
        std::string::npos);
  CHECK(files_in(t.dir / "drop/processed/2026-12-04") == 8);
  // The file that is no part of the set keeps its folder in the drop: nothing is lost unread.
  CHECK(runs[0].file.after_action.ends_with("; 2026-12-04/: kept, it still holds other files"));
  CHECK(files_in(t.dir / "drop/2026-12-04") == 1);
  // move_to's folder matches no glob here, and would never be read: its files are not taken.
  CHECK(t.kinds(t.intake().fetch()).empty());

  // The same folder name the next night: its files land beside, with a time suffix.
  std::filesystem::remove(t.dir / "drop/2026-12-04/README.txt");
  t.put_set("2026-12-04/");
  std::ofstream(t.dir / "drop/2026-12-04/users.csv", std::ios::app) << "\n";
  age_files(t.dir / "drop/2026-12-04", std::chrono::hours(24));  // a night later
  t.clock.advance(60);
  REQUIRE(t.intake().fetch().events.size() == 1);
  REQUIRE(t.ingest().size() == 1);
  CHECK(files_in(t.dir / "drop/processed/2026-12-04") == 16);
  CHECK_FALSE(std::filesystem::exists(t.dir / "drop/2026-12-04"));
}

TEST_CASE("drop folders: nights told apart by exact name; a failing folder stops no other") {
  SUBCASE("Dec04/ and dec04/ are two nights") {
    SetIntake t("        folders: \"?ec04\"\n", "0s");
    t.put_set("Dec04/");
    t.put_set("dec04/");
    std::ofstream(t.dir / "drop/dec04/users.csv", std::ios::app) << "\n";  // not a repeat
    const FetchResult r = t.intake().fetch();
    CHECK(r.error.empty());
    CHECK(t.kinds(r) == Kinds{"taken:Dec04/" + kSample, "taken:dec04/" + kSample});
  }
  SUBCASE("a folder over max_listing is a drop failure; the next night is still taken") {
    SetIntake t("        folders: \"20*\"\n        max_listing: 4\n", "0s");
    t.put_set("2026-12-03/");  // eight files: over the limit
    t.put_set("2026-12-04/");
    for (const char* optional :
         {"academicSessions.csv", "classes.csv", "courses.csv", "enrollments.csv"})
      std::filesystem::remove(t.dir / "drop/2026-12-04" / optional);
    const FetchResult r = t.intake().fetch();
    CHECK(t.kinds(r) ==
          Kinds{"taken:2026-12-04/{demographics.csv,manifest.csv,orgs.csv,users.csv}"});
    CHECK(r.error.find("2026-12-03") != std::string::npos);
    CHECK(r.error.find("max_listing") != std::string::npos);
  }
}

TEST_CASE("drop folders: markers inside the folder; a folder is kept while it holds anything") {
  SUBCASE("marker mode: each file's marker beside it; both go, then the folder") {
    SetIntake t("        folders: \"20*\"\n        ready_when: marker\n        after: delete\n");
    t.put_set("2026-12-04/");
    CHECK(t.kinds(t.intake().fetch()) == Kinds{"waiting:2026-12-04/" + kSample});
    for (const auto& e : std::filesystem::directory_iterator(t.dir / "drop/2026-12-04"))
      std::ofstream(e.path().string() + ".done") << "";
    REQUIRE(t.kinds(t.intake().fetch()) == Kinds{"taken:2026-12-04/" + kSample});
    const auto runs = t.ingest();
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].file.after_action.ends_with("; 2026-12-04/: removed"));
    CHECK_FALSE(std::filesystem::exists(t.dir / "drop/2026-12-04"));
  }
  SUBCASE("a file replaced since it was taken stays, and so does its folder") {
    SetIntake t("        folders: \"20*\"\n        after: delete\n", "0s");
    t.put_set("2026-12-04/");
    REQUIRE(t.intake().fetch().events.size() == 1);
    std::ofstream(t.dir / "drop/2026-12-04/users.csv", std::ios::app) << "\n";  // tomorrow's
    const auto runs = t.ingest();
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].file.after_action.find("2026-12-04/users.csv: left: the file was replaced") !=
          std::string::npos);
    CHECK(runs[0].file.after_action.ends_with("; 2026-12-04/: kept, it still holds other files"));
    CHECK(files_in(t.dir / "drop/2026-12-04") == 1);
  }
  SUBCASE("a folder inside the night's folder keeps it") {
    SetIntake t("        folders: \"20*\"\n        after: delete\n", "0s");
    t.put_set("2026-12-04/");
    std::filesystem::create_directories(t.dir / "drop/2026-12-04/extra");
    REQUIRE(t.intake().fetch().events.size() == 1);
    const auto runs = t.ingest();
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].file.after_action.ends_with("; 2026-12-04/: kept, it still holds other files"));
    CHECK(std::filesystem::is_directory(t.dir / "drop/2026-12-04/extra"));
  }
}
