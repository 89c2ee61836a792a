// A feed taking OneRoster sets (or another preset's) from a local drop, with a clock the test
// moves: what the drop-set tests share (tests/data/exports/oneroster-1.1, the public Ed-Fi
// sample; SOURCE.md there).
#pragma once

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/civil_date.h"
#include "core/clock.h"
#include "pipeline/feed_intake.h"
#include "store/roster_store.h"
#include "tests/support/fetch_kinds.h"
#include "tests/support/temp_dir.h"
#include "transport/local_drop.h"

namespace rosterd::testing {

inline const std::filesystem::path kOneRoster =
    std::filesystem::path(ROSTERD_SOURCE_DIR) / "tests/data/exports/oneroster-1.1";

// A feed "or" of OneRoster sets (or of `preset`'s) from a local drop, committing on its own, with
// a clock the test moves (stable_for 60 s, incomplete_set_wait 1 h unless `source_extra` says
// otherwise).
struct SetIntake {
  testing::TempDir dir;
  Config config;
  std::unique_ptr<RosterStore> store;
  std::unique_ptr<LocalDrop> drop;
  ManualClock clock{1'000'000};

  explicit SetIntake(const std::string& source_extra = "", const std::string& stable_for = "60s",
                     const std::string& preset = "oneroster-1.1") {
    std::filesystem::create_directories(dir / "drop");
    std::filesystem::create_directories(dir / "ref");
    std::ofstream(dir / "ref/grades.txt")
        << "Code|Name\nPK|Pre-K\nK|Kindergarten\n01|1\n02|2\n03|3\n04|4\n05|5\n06|6\n07|7\n"
           "08|8\n09|9\n10|10\n11|11\n12|12\n";
    std::ofstream(dir / "rosterd.yaml") << "store: {sqlite: roster.db}\n"
                                           "feeds:\n"
                                           "  or:\n"
                                           "    format: {preset: "
                                        << preset
                                        << "}\n"
                                           "    reference: {grades: {table: ref/grades.txt}}\n"
                                           "    policy: {commit: auto}\n"
                                           "    source:\n"
                                           "      local:\n"
                                           "        dir: drop\n"
                                           "        retry_backoff: 0s\n"
                                           "        stable_for: "
                                        << stable_for << "\n"
                                        << source_extra;
    config = load_config(dir / "rosterd.yaml");
    store = open_sqlite_store((dir / "roster.db").string(), clock);
    drop = std::make_unique<LocalDrop>(dir / "drop", feed().source.max_listing);
  }
  const FeedConfig& feed() const { return config.feed("or"); }
  FeedIntake intake() { return FeedIntake(config, feed(), *store, *drop); }
  // The sample's files into the drop, each name prefixed ("night1_", or "2026-12-04/" for a
  // folder of the drop), leaving out `skip`.
  void put_set(const std::string& prefix, const std::string& skip = "") {
    std::filesystem::create_directories((dir / "drop" / (prefix + "x")).parent_path());
    for (const auto& e : std::filesystem::directory_iterator(kOneRoster)) {
      const std::string file = e.path().filename().string();
      if (e.path().extension() != ".csv" || file == skip) continue;
      std::filesystem::copy_file(e.path(), dir / "drop" / (prefix + file),
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }
  std::vector<std::string> kinds(const FetchResult& r) { return testing::fetch_kinds(r); }
  std::vector<IntakeRun> ingest() {
    return intake().ingest_pending(1, *parse_date("2014-09-01", "%Y-%m-%d"));
  }
};

using Kinds = std::vector<std::string>;

inline const std::string kSample =
    "{academicSessions.csv,classes.csv,courses.csv,demographics.csv,enrollments.csv,"
    "manifest.csv,orgs.csv,users.csv}";

}  // namespace rosterd::testing
