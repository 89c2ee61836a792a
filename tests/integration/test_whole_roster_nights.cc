// A whole roster over several nights through the built rosterd (docs/whole-roster.md): the
// first set taken from the drop as loose files commits every kind, and each kind's export is
// exactly the set's rows; a night of 1% changes commits exactly those; a set that drops half
// the enrollments is held with every student still there; a rollback restores every kind.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/district_exports.h"
#include "tests/integration/whole_district.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

// `rosterd export --kind KIND`: its header, then its rows sorted.
std::pair<std::string, std::vector<std::string>> exported(const std::filesystem::path& config,
                                                          const std::string& kind) {
  const ProcessResult r =
      run_process(ROSTERD_BIN, {"export", "--config", config.string(), "--kind", kind});
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  std::istringstream in(r.out);
  std::string header, line;
  std::getline(in, header);
  std::vector<std::string> lines;
  while (std::getline(in, line))
    lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return {header, lines};
}

void check_exports(const std::filesystem::path& config, const District& d) {
  for (const std::string& kind : kKinds) {
    INFO(kind);
    const auto [header, lines] = exported(config, kind);
    CHECK(header == d.header.at(kind + ".txt"));
    CHECK(lines == d.truth(kind));
  }
  const auto [header, students] = exported(config, "students");
  CHECK(students.size() == d.rows.at("students.txt").size());
}

nlohmann::json ingest_json(const std::filesystem::path& config, const std::filesystem::path& set,
                           int exit_status) {
  return ingest(config, set, "2026-09-01", exit_status);
}

}  // namespace

TEST_CASE("integration: a whole roster over three nights, exact per kind, held, rolled back") {
  TempDir dir;
  const auto config = config_in(dir.path());

  // Night 1: loose files in the drop, taken together as one set.
  const District night1 = first_night();
  night1.write_to(dir / "drop", "20260901-");
  const ProcessResult run = run_process(
      ROSTERD_BIN, {"run", "--once", "--config", config.string(), "--as-of", "2026-09-01"});
  INFO(run.out);
  INFO(run.err);
  REQUIRE(run.exit_status == 0);
  CHECK(run.out.find("20260901-{") != std::string::npos);
  CHECK(std::filesystem::is_empty(dir / "drop"));
  check_exports(config, night1);

  // Night 2: about 1% of each kind changes: a teacher's email, a student moved to another
  // section, a guardian's phone, a new guardian.
  District night2 = night1;
  night2.rows["staff.txt"][1] = "T2||Jo|Park2|jo.park@district.org||teacher|101|A";
  night2.rows["enrollments.txt"][0] = "SEC2|" + sid(1) + "|student||";  // was SEC1
  night2.rows["enrollments.txt"][1] = "SEC1|" + sid(1) + "|student||";  // was SEC2
  night2.rows["enrollments.txt"][2] = "SEC1|" + sid(2) + "|student|2026-09-01|";
  night2.rows["guardians.txt"][4] = "G5|Pat|Lee5|pat5@example.org|5552019999|A";
  night2.rows["guardians.txt"].push_back("G21|Sam|Lee1|sam@example.org||A");
  night2.rows["guardian_links.txt"].push_back("G21|" + sid(1) + "|father|N|Y");
  night2.write_to(dir / "night2");
  const auto j2 = ingest_json(config, dir / "night2", 0);
  REQUIRE(j2["decision"] == "committed");
  std::map<std::string, nlohmann::json> counts;
  for (const auto& k : j2["kinds"])
    counts[k["kind"].get<std::string>()] = k["counts"];
  CHECK(counts["staff"]["updated"] == 1);
  CHECK(counts["enrollments"]["updated"] == 1);  // its start date
  CHECK(counts["enrollments"]["unchanged"] == 43);
  CHECK(counts["guardians"]["updated"] == 1);
  CHECK(counts["guardians"]["added"] == 1);
  CHECK(counts["guardian_links"]["added"] == 1);
  check_exports(config, night2);
  // Shown again later, the run keeps each kind's counts.
  const ProcessResult shown =
      run_process(ROSTERD_BIN, {"show", "--config", config.string(), "--format", "json",
                                std::to_string(j2["run_id"].get<std::int64_t>())});
  INFO(shown.err);
  REQUIRE(shown.exit_status == 0);
  const auto s2 = nlohmann::json::parse(shown.out);
  REQUIRE(s2["kinds"].size() == 7);
  CHECK(s2["kinds"][0]["kind"] == "staff");
  CHECK(s2["kinds"][0]["counts"]["updated"] == 1);
  CHECK(s2["kinds"][6]["counts"]["added"] == 1);
  // The history has a line a kind under each run, and `kinds` in JSON.
  const ProcessResult history =
      run_process(ROSTERD_BIN, {"history", "--config", config.string(), "--last", "1"});
  INFO(history.err);
  REQUIRE(history.exit_status == 0);
  CHECK(history.out.find("\n    staff: rows ") != std::string::npos);
  CHECK(history.out.find("\n    guardian_links: rows ") != std::string::npos);
  const ProcessResult history_json = run_process(
      ROSTERD_BIN, {"history", "--config", config.string(), "--last", "1", "--format", "json"});
  REQUIRE(history_json.exit_status == 0);
  const auto h2 = nlohmann::json::parse(history_json.out);
  REQUIRE(h2.size() == 1);
  REQUIRE(h2[0]["kinds"].size() == 7);
  CHECK(h2[0]["kinds"][0]["kind"] == "staff");
  CHECK(h2[0]["kinds"][0]["updated"] == 1);
  CHECK(h2[0]["kinds"][6]["added"] == 1);

  // Night 3: half the enrollments are gone, every student still there: held, nothing changes.
  District night3 = night2;
  night3.rows["enrollments.txt"].resize(22);
  night3.write_to(dir / "night3");
  const auto j3 = ingest_json(config, dir / "night3", 4);
  CHECK(j3["decision"] == "held");
  bool tripped = false;
  for (const auto& s : j3["safeguards"])
    tripped = tripped || s["name"] == "enrollments.max_deactivate_pct";
  CHECK(tripped);
  CHECK(j3["counts"]["rows_read"] == 20);
  check_exports(config, night2);

  // Rolling night 2 back restores every kind to night 1.
  const ProcessResult rb = run_process(
      ROSTERD_BIN,
      {"rollback", "--config", config.string(), std::to_string(j2["run_id"].get<std::int64_t>())});
  INFO(rb.err);
  REQUIRE(rb.exit_status == 0);
  check_exports(config, night1);

  // A row's lineage: its values now, and every committed run that changed it.
  const auto record = [&](const std::string& kind, const std::string& id) {
    return run_process(ROSTERD_BIN, {"record", "--config", config.string(), kind, id});
  };
  const ProcessResult t2 = record("staff", "T2");
  INFO(t2.err);
  REQUIRE(t2.exit_status == 0);
  CHECK(t2.out.find("staff member T2 (feed k): active\n") == 0);
  CHECK(t2.out.find("  email: t2@district.org\n") != std::string::npos);
  CHECK(t2.out.find("    run 1: added\n") != std::string::npos);
  CHECK(t2.out.find("    run " + std::to_string(j2["run_id"].get<std::int64_t>()) +
                    ": updated (email), rolled back by run ") != std::string::npos);
  const ProcessResult e = record("enrollments", "SEC1/" + sid(2) + "/student");
  INFO(e.err);
  REQUIRE(e.exit_status == 0);
  CHECK(e.out.find("    run 1: added\n") != std::string::npos);
  CHECK(e.out.find(": updated (start_date), rolled back by run ") != std::string::npos);
  const ProcessResult apart = run_process(ROSTERD_BIN, {"record", "--config", config.string(),
                                                        "enrollments", "SEC1", sid(2), "student"});
  // The same row, named by three arguments: the same values and history.
  CHECK(apart.out.substr(apart.out.find('\n')) == e.out.substr(e.out.find('\n')));
  const ProcessResult unknown = record("staff", "T99");
  CHECK(unknown.exit_status == 2);
  CHECK(unknown.err.find("feed k has no staff member T99.") != std::string::npos);
  const ProcessResult half = record("enrollments", "SEC1");
  CHECK(half.exit_status == 2);
  CHECK(half.err.find("give its 3 key values as section_id/person_id/role") != std::string::npos);
}
