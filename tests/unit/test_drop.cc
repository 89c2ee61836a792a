#include <doctest/doctest.h>

#include <unistd.h>

#include <fstream>
#include <set>

#include "tests/support/temp_dir.h"
#include "transport/drop.h"
#include "transport/local_drop.h"
#include "transport/local_name.h"
#include "transport/staged_file.h"

using namespace rosterd;

TEST_CASE("safe_local_name keeps plain names and neutralises everything else") {
  CHECK(safe_local_name("roster-2026-11-22.txt") == "roster-2026-11-22.txt");
  for (const std::string& hostile : std::vector<std::string>{
           "../../etc/passwd", "/etc/passwd", "..", ".", ".hidden", "a\\..\\..\\b", "x\ny\rz\x01",
           "caf\xc3\xa9.txt", "", std::string(500, 'a'), "a b;rm -rf ~"}) {
    const std::string s = safe_local_name(hostile);
    CAPTURE(hostile);
    CHECK(!s.empty());
    CHECK(s.find('/') == std::string::npos);
    CHECK(s.front() != '.');
    CHECK(s.size() <= 120);
    CHECK(
        s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-~") ==
        std::string::npos);
    CHECK(s != hostile);
  }
  // Two remote names that differ only in what was neutralised stay apart.
  CHECK(safe_local_name("a/b.txt") != safe_local_name("a_b.txt"));
  CHECK(safe_local_name("a/b.txt") != safe_local_name("a\\b.txt"));
  CHECK(safe_local_name(std::string(300, 'a') + "1") !=
        safe_local_name(std::string(300, 'a') + "2"));
}

TEST_CASE("only plain file names are used in the drop") {
  CHECK(is_plain_file_name("roster.txt"));
  CHECK(is_plain_file_name("..roster"));
  CHECK_FALSE(is_plain_file_name(""));
  CHECK_FALSE(is_plain_file_name("."));
  CHECK_FALSE(is_plain_file_name(".."));
  CHECK_FALSE(is_plain_file_name("../x"));
  CHECK_FALSE(is_plain_file_name("a/b"));
  CHECK_FALSE(is_plain_file_name(std::string("a\0b", 3)));
}

TEST_CASE("globs match file names; hidden files only explicitly") {
  CHECK(matches_glob("roster-*.txt", "roster-2026.txt"));
  CHECK_FALSE(matches_glob("roster-*.txt", "roster-2026.csv"));
  CHECK_FALSE(matches_glob("*", ".roster.txt.part"));
  CHECK(matches_glob(".*", ".roster"));
}

TEST_CASE("a local drop lists regular files only, never following links") {
  testing::TempDir dir;
  std::ofstream(dir / "a.txt") << "abc";
  std::filesystem::create_directory(dir / "sub");
  std::filesystem::create_symlink("/etc/passwd", dir / "link.txt");
  LocalDrop drop(dir.path());
  const auto entries = drop.list();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].name == "a.txt");
  CHECK(entries[0].size == 3);
  CHECK_THROWS_AS(drop.read("link.txt", 100, [](const char*, std::size_t) {}), TransportError);
}

TEST_CASE("a local drop with more entries than max_listing is not read further") {
  testing::TempDir dir;
  for (int i = 0; i < 5; ++i)
    std::ofstream(dir / ("f" + std::to_string(i))) << "x";
  std::filesystem::create_directory(dir / "sub");  // every entry counts, not only files
  CHECK(LocalDrop(dir.path(), 6).list().size() == 5);
  try {
    LocalDrop(dir.path(), 5).list();
    FAIL("listed");
  } catch (const TransportError& e) {
    CHECK(std::string(e.what()).find("lists more than 5 entries (source.max_listing)") !=
          std::string::npos);
    CHECK_FALSE(e.retryable());
  }
}

TEST_CASE("a staged download is complete and verified, or leaves nothing") {
  testing::TempDir dir;
  std::filesystem::create_directory(dir / "drop");
  std::ofstream(dir / "drop/r.txt") << std::string(3000, 'x');
  LocalDrop drop(dir / "drop");
  const std::filesystem::path staging = dir / "staging";
  std::filesystem::create_directory(staging);
  const Folder held = Folder::open(staging);
  const auto count = [&] {
    return std::distance(std::filesystem::directory_iterator(staging),
                         std::filesystem::directory_iterator());
  };

  SUBCASE("complete") {
    StagedFile f = StagedFile::download(drop, {"r.txt", 3000, 0}, held, 1 << 20);
    CHECK(f.bytes() == 3000);
    CHECK(f.sha256().size() == 64);
    f.publish("final.txt");
    CHECK(std::filesystem::file_size(staging / "final.txt") == 3000);
    CHECK(count() == 1);
  }
  SUBCASE("the file grew since it was listed") {
    CHECK_THROWS_AS(StagedFile::download(drop, {"r.txt", 2000, 0}, held, 1 << 20),
                    FileChangedError);
    CHECK(count() == 0);
  }
  SUBCASE("the file shrank since it was listed") {
    CHECK_THROWS_AS(StagedFile::download(drop, {"r.txt", 4000, 0}, held, 1 << 20),
                    FileChangedError);
    CHECK(count() == 0);
  }
  SUBCASE("a vanished file") {
    CHECK_THROWS_AS(StagedFile::download(drop, {"gone.txt", 10, 0}, held, 1 << 20), TransportError);
    CHECK(count() == 0);
  }
  SUBCASE("an unpublished download is removed") {
    { StagedFile f = StagedFile::download(drop, {"r.txt", 3000, 0}, held, 1 << 20); }
    CHECK(count() == 0);
  }
}

TEST_CASE("stale temporary files of dead processes are removed, a live one's are kept") {
  testing::TempDir dir;
  std::ofstream(dir / ".part-999999999-0") << "x";  // no such process
  const std::string mine = ".part-" + std::to_string(::getpid()) + "-7";
  std::ofstream(dir / mine) << "x";
  std::ofstream(dir / "kept.txt") << "x";
  remove_stale_parts(Folder::open(dir.path()));
  CHECK(!std::filesystem::exists(dir / ".part-999999999-0"));
  CHECK(std::filesystem::exists(dir / mine));
  CHECK(std::filesystem::exists(dir / "kept.txt"));
}

TEST_CASE("a local drop never moves a file through a link where move_to should be") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "drop");
  std::filesystem::create_directories(dir / "elsewhere");
  const auto put = [&] { std::ofstream(dir / "drop/r.txt") << "SIS bytes"; };
  LocalDrop drop(dir / "drop");
  const auto refused = [&](const std::string& move_to, const std::string& link) {
    put();
    try {
      drop.move("r.txt", move_to);
      FAIL("the move should have been refused");
    } catch (const TransportError& e) {
      const std::string what = e.what();
      CAPTURE(what);
      CHECK_FALSE(e.retryable());
      CHECK(what.find(link + " is a symbolic link") != std::string::npos);
      CHECK(what.find("The file stays in the drop.") != std::string::npos);
    }
    CHECK(std::filesystem::exists(dir / "drop/r.txt"));
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "elsewhere"))
      CHECK_FALSE(e.is_regular_file());
  };
  SUBCASE("move_to itself is a link") {
    std::filesystem::create_directory_symlink(dir / "elsewhere", dir / "drop/done");
    refused("done", (dir / "drop/done").string());
  }
  SUBCASE("a folder on the way is a link") {
    std::filesystem::create_directory_symlink(dir / "elsewhere", dir / "drop/a");
    std::filesystem::create_directories(dir / "elsewhere/b");
    refused("a/b", (dir / "drop/a").string());
  }
  SUBCASE("an absolute move_to with a link on the way") {
    std::filesystem::create_directory_symlink(dir / "elsewhere", dir / "drop/done");
    refused((dir / "drop/done/x").string(), (dir / "drop/done").string());
  }
  SUBCASE("a relative link to a folder outside the drop") {
    std::filesystem::create_directory_symlink("../elsewhere", dir / "drop/done");
    refused("done", (dir / "drop/done").string());
  }
  SUBCASE("real folders are made and used, and nothing is overwritten") {
    put();
    CHECK(drop.move("r.txt", "a/b") == (dir / "drop/a/b/r.txt").string());
    put();
    const std::string second = drop.move("r.txt", "a/b");
    CHECK(second.starts_with((dir / "drop/a/b/r.txt.").string()));
    CHECK(std::filesystem::exists(dir / "drop/a/b/r.txt"));
  }
}

TEST_CASE("a Folder walks names below it without following links") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "state");
  std::filesystem::create_directories(dir / "target");
  std::filesystem::create_directory_symlink(dir / "target", dir / "state/staging");
  const Folder state = Folder::open(dir / "state");
  try {
    state.below("staging/gen", true);
    FAIL("a link on the way must be refused");
  } catch (const FolderError& e) {
    CHECK(e.kind() == FolderError::Kind::link);
  }
  CHECK(std::filesystem::is_empty(dir / "target"));
  CHECK_THROWS_AS(state.below("missing", false), FolderError);
  const Folder made = state.below("archive/gen", true);
  CHECK(std::filesystem::is_directory(dir / "state/archive/gen"));
  const int fd = made.create_file("x");
  ::close(fd);
  CHECK(made.files().size() == 1);
  // A link to a file is not listed as one of the folder's files.
  std::ofstream(dir / "target/secret") << "x";
  std::filesystem::create_symlink(dir / "target/secret", dir / "state/archive/gen/link");
  CHECK(made.files().size() == 1);
  CHECK(made.remove_file("x"));
  CHECK_FALSE(made.remove_file("x"));
}

TEST_CASE("a Folder lists its folders and removes one with its files, never following a link") {
  testing::TempDir dir;
  std::filesystem::create_directories(dir / "state/set");
  std::filesystem::create_directories(dir / "outside");
  std::ofstream(dir / "outside/kept") << "x";
  std::ofstream(dir / "state/set/users.csv") << "a";
  std::filesystem::create_symlink(dir / "outside/kept", dir / "state/set/link");
  std::filesystem::create_directory_symlink(dir / "outside", dir / "state/folder-link");
  const Folder state = Folder::open(dir / "state");
  const auto folders = state.folders();
  REQUIRE(folders.size() == 1);  // the link to a folder is not one
  CHECK(folders[0].name == "set");
  CHECK(state.remove_folder("set"));
  CHECK_FALSE(std::filesystem::exists(dir / "state/set"));
  CHECK(std::filesystem::exists(dir / "outside/kept"));
  CHECK_FALSE(state.remove_folder("set"));
  // A link where the folder should be is refused, and what it points to stays.
  CHECK_THROWS_AS(state.remove_folder("folder-link"), FolderError);
  CHECK(std::filesystem::exists(dir / "outside/kept"));
  // A folder inside is never rosterd's: refused, left as it is.
  std::filesystem::create_directories(dir / "state/nested/inner");
  CHECK_THROWS_AS(state.remove_folder("nested"), FolderError);
  CHECK(std::filesystem::exists(dir / "state/nested/inner"));
}
