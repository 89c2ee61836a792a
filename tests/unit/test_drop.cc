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
  const auto count = [&] {
    return std::distance(std::filesystem::directory_iterator(staging),
                         std::filesystem::directory_iterator());
  };

  SUBCASE("complete") {
    StagedFile f = StagedFile::download(drop, {"r.txt", 3000, 0}, staging, 1 << 20);
    CHECK(f.bytes() == 3000);
    CHECK(f.sha256().size() == 64);
    f.publish(staging / "final.txt");
    CHECK(std::filesystem::file_size(staging / "final.txt") == 3000);
    CHECK(count() == 1);
  }
  SUBCASE("the file grew since it was listed") {
    CHECK_THROWS_AS(StagedFile::download(drop, {"r.txt", 2000, 0}, staging, 1 << 20),
                    FileChangedError);
    CHECK(count() == 0);
  }
  SUBCASE("the file shrank since it was listed") {
    CHECK_THROWS_AS(StagedFile::download(drop, {"r.txt", 4000, 0}, staging, 1 << 20),
                    FileChangedError);
    CHECK(count() == 0);
  }
  SUBCASE("a vanished file") {
    CHECK_THROWS_AS(StagedFile::download(drop, {"gone.txt", 10, 0}, staging, 1 << 20),
                    TransportError);
    CHECK(count() == 0);
  }
  SUBCASE("an unpublished download is removed") {
    { StagedFile f = StagedFile::download(drop, {"r.txt", 3000, 0}, staging, 1 << 20); }
    CHECK(count() == 0);
  }
}

TEST_CASE("stale temporary files of dead processes are removed, a live one's are kept") {
  testing::TempDir dir;
  std::ofstream(dir / ".part-999999999-0") << "x";  // no such process
  const std::string mine = ".part-" + std::to_string(::getpid()) + "-7";
  std::ofstream(dir / mine) << "x";
  std::ofstream(dir / "kept.txt") << "x";
  remove_stale_parts(dir.path());
  CHECK(!std::filesystem::exists(dir / ".part-999999999-0"));
  CHECK(std::filesystem::exists(dir / mine));
  CHECK(std::filesystem::exists(dir / "kept.txt"));
}
