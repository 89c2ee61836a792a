// A folder a night on a real OpenSSH sshd (source.folders): the SFTP drop lists a folder's
// files as "FOLDER/NAME", reads, moves and deletes them there, removes the emptied folder, and
// refuses a link where a folder should be. Run alone: ctest -R integration_sftp.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/integration/sftp_fixture.h"
#include "transport/sftp_drop.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

std::string read_all(Drop& drop, const std::string& name) {
  std::string out;
  drop.read(name, 1 << 20, [&](const char* d, std::size_t n) { out.append(d, n); });
  return out;
}

}  // namespace

TEST_CASE("integration: the SFTP drop reads a folder of the drop, and never through a link") {
  SftpFixture f;
  write_file(f.drop / "2026-12-04/roster.txt", "night of the 4th");
  write_file(f.drop / "loose.txt", "loose");
  write_file(f.tmp / "elsewhere/secret.txt", "outside the drop");
  std::filesystem::create_directory_symlink(f.tmp / "elsewhere", f.drop / "2026-12-05");
  SftpDrop drop(options_for(f));

  const std::vector<DropEntry> folders = drop.folders();
  REQUIRE(folders.size() == 1);  // the link is no folder of the drop
  CHECK(folders[0].name == "2026-12-04");
  const std::vector<DropEntry> inside = drop.list_folder("2026-12-04");
  REQUIRE(inside.size() == 1);
  CHECK(inside[0].name == "2026-12-04/roster.txt");
  CHECK(inside[0].size == 16);
  CHECK(read_all(drop, "2026-12-04/roster.txt") == "night of the 4th");
  CHECK(drop.stat("2026-12-04/roster.txt")->size == 16);
  CHECK(drop.list_folder("2026-12-06").empty());  // gone since it was listed

  // Through the link: refused, nothing read, moved or deleted.
  try {
    drop.list_folder("2026-12-05");
    FAIL("the link was listed");
  } catch (const TransportError& e) {
    CHECK_FALSE(e.retryable());
    CHECK(std::string(e.what()).find("2026-12-05 is a symbolic link") != std::string::npos);
  }
  CHECK_THROWS_AS(read_all(drop, "2026-12-05/secret.txt"), TransportError);
  CHECK_FALSE(drop.stat("2026-12-05/secret.txt"));
  CHECK_THROWS_AS(drop.remove("2026-12-05/secret.txt"), TransportError);
  CHECK_THROWS_AS(drop.move("2026-12-05/secret.txt", "processed"), TransportError);
  CHECK_THROWS_AS(drop.remove_empty_folder("2026-12-05"), TransportError);
  CHECK(std::filesystem::exists(f.tmp / "elsewhere/secret.txt"));
  // Names that climb out of the drop are refused before the server is asked.
  CHECK_THROWS_AS(read_all(drop, "../elsewhere/secret.txt"), TransportError);
  CHECK_THROWS_AS(drop.list_folder(".."), TransportError);

  // A folder that still holds a file is kept; moved, the file keeps its folder below move_to.
  CHECK_FALSE(drop.remove_empty_folder("2026-12-04"));
  CHECK(drop.move("2026-12-04/roster.txt", "processed") ==
        (f.drop / "processed/2026-12-04/roster.txt").string());
  CHECK(read_file(f.drop / "processed/2026-12-04/roster.txt") == "night of the 4th");
  CHECK(drop.remove_empty_folder("2026-12-04"));
  CHECK_FALSE(std::filesystem::exists(f.drop / "2026-12-04"));
  CHECK(drop.remove_empty_folder("2026-12-04"));  // already gone

  // A link where move_to's night folder should be refuses the move.
  write_file(f.drop / "2026-12-07/roster.txt", "night of the 7th");
  std::filesystem::create_directory_symlink(f.tmp / "elsewhere", f.drop / "processed/2026-12-07");
  try {
    drop.move("2026-12-07/roster.txt", "processed");
    FAIL("moved through a link");
  } catch (const TransportError& e) {
    CHECK(std::string(e.what()).find("symbolic link") != std::string::npos);
  }
  CHECK(std::filesystem::exists(f.drop / "2026-12-07/roster.txt"));
  CHECK_FALSE(std::filesystem::exists(f.tmp / "elsewhere/roster.txt"));
}

TEST_CASE("integration: a folder a night is taken over SFTP, run, and removed with its file") {
  SftpFixture f("        folders: \"20*\"\n        after: delete\n");
  const std::string text = roster(30);
  write_file(f.drop / "2026-12-04/roster.txt", text);
  write_file(f.drop / "archive/roster-old.txt", roster(10, 7));  // a folder the glob leaves out
  const ProcessResult r = f.run_once();
  INFO(r.out, r.err);
  CHECK(r.exit_status == 0);
  CHECK(r.out.find("gen: 2026-12-04/roster.txt in the drop: deleted; 2026-12-04/: removed") !=
        std::string::npos);
  CHECK_FALSE(std::filesystem::exists(f.drop / "2026-12-04"));
  CHECK(std::filesystem::exists(f.drop / "archive/roster-old.txt"));
  const ProcessResult h = run_rosterd({"history", "--config", f.config.string()});
  CHECK(h.out.find("2026-12-04/roster.txt") != std::string::npos);
  CHECK(h.out.find("roster-old") == std::string::npos);
  CHECK(f.run_once().out.find("nothing new") != std::string::npos);
}
