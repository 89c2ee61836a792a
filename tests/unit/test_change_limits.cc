// What a file changes, beside whom it withdraws (planner/policy.h max_update_pct,
// max_field_change_pct): a column swap is held, an ordinary night of a school year is not.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "config/config.h"
#include "core/civil_date.h"
#include "core/text.h"
#include "pipeline/ingest_run.h"
#include "planner/decision.h"
#include "store/roster_store.h"
#include "tests/support/district_year.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

// 1,000 committed students, `updated` of them updated, `field` changed for `changed` of them.
DecisionInput night(std::uint32_t updated, Field field, std::uint32_t changed) {
  DecisionInput in;
  in.previous_rows = 1000;
  in.check.rows_read = 1000;
  in.plan.active_before = 1000;
  in.plan.updated = updated;
  in.plan.unchanged = 1000 - updated;
  in.field_changes[field_index(field)] = changed;
  return in;
}

std::vector<std::string> trip_names(const DecisionResult& r) {
  std::vector<std::string> out;
  for (const SafeguardTrip& t : r.trips)
    out.push_back(t.name);
  return out;
}

// The generated district's feed "gen", ingested in process (a SQLite store in the test folder).
struct YearFeed {
  TempDir dir;
  Config config;
  std::unique_ptr<RosterStore> store;
  CivilDate as_of = *parse_date(kGeneratorAsOf, "%Y-%m-%d");

  explicit YearFeed(const std::string& extra = "") {
    config = load_config(write_test_feed(dir.path(), extra, "live"));
    store = open_sqlite_store((dir / "roster.db").string());
  }
  IngestOutcome ingest(const std::string& text, const std::string& name = "roster.txt") {
    std::ofstream(dir / name, std::ios::binary) << text;
    return ingest_file(config.feed("gen"), *store, dir / name, 1, as_of);
  }
};

}  // namespace

TEST_CASE("change limits: one field changed for many students holds the run, naming it") {
  const DecisionResult swap = decide(night(1000, Field::birth_date, 1000));
  CHECK(swap.decision == Decision::held);
  CHECK(trip_names(swap) ==
        std::vector<std::string>{"max_update_pct", "max_field_change_pct.birth_date"});
  CHECK(swap.trips[1].limit == 2);
  CHECK(swap.trips[1].value == 100);
  CHECK(swap.trips[1].explanation ==
        "birth date would change for 1,000 of 1,000 active students (100.0%): are the file's "
        "columns in the right order?");
  // Each field by its own limit: 30 birth dates (3%) hold, 30 last names (3%) do not.
  CHECK(trip_names(decide(night(30, Field::birth_date, 30))) ==
        std::vector<std::string>{"max_field_change_pct.birth_date"});
  CHECK(decide(night(30, Field::last_name, 30)).decision == Decision::committed);
  CHECK(decide(night(101, Field::last_name, 101)).decision == Decision::held);
  // Scores and diagnoses are not limited by default: a term's test results change them all.
  CHECK(decide(night(1000, Field::ela_score, 1000)).trips.size() == 1);  // max_update_pct only
  // Unset, a field is not limited; a limit set to 100 never trips.
  DecisionInput unset = night(30, Field::birth_date, 30);
  unset.policy.max_field_change_pct[field_index(Field::birth_date)].reset();
  CHECK(decide(unset).decision == Decision::committed);
}

TEST_CASE("change limits: a small roster, or the first file, is not held for a few changes") {
  // One name corrected in a pilot of eight is 12.5%, and no swapped column.
  DecisionInput pilot;
  pilot.previous_rows = 8;
  pilot.check.rows_read = 8;
  pilot.plan.active_before = 8;
  pilot.plan.updated = 8;
  pilot.field_changes[field_index(Field::first_name)] = 8;
  CHECK(decide(pilot).decision == Decision::committed);
  pilot.plan.active_before = pilot.plan.updated = 10;
  pilot.field_changes[field_index(Field::first_name)] = 10;
  CHECK(trip_names(decide(pilot)) ==
        std::vector<std::string>{"max_update_pct", "max_field_change_pct.first_name"});
  // The first committed file has nothing to change.
  DecisionInput first = night(0, Field::grade, 0);
  first.previous_rows.reset();
  first.plan.active_before = 0;
  CHECK(decide(first).decision == Decision::committed);
}

TEST_CASE("change limits: the config sets, lifts and refuses limits with the key and line") {
  TempDir dir;
  const auto load = [&](const std::string& policy) {
    return load_config(write_test_feed(dir.path(), "    policy:\n" + policy, "live"));
  };
  const Config c = load(
      "      max_update_pct: 90\n"
      "      max_field_change_pct: {birth_date: 5, grade: ~, ela_score: 50}\n");
  const Policy& p = c.feed("gen").policy;
  CHECK(p.max_update_pct == 90);
  CHECK(p.max_field_change_pct[field_index(Field::birth_date)] == 5);
  CHECK_FALSE(p.max_field_change_pct[field_index(Field::grade)]);  // lifted
  CHECK(p.max_field_change_pct[field_index(Field::ela_score)] == 50);
  CHECK(p.max_field_change_pct[field_index(Field::last_name)] == 10);  // the default stays
  CHECK_THROWS_WITH_AS(load("      max_field_change_pct: {state_id: 5}\n"),
                       doctest::Contains(":12: feeds.gen.policy.max_field_change_pct.state_id: "
                                         "is not a field whose changes are limited"),
                       Error);
  CHECK_THROWS_WITH_AS(load("      max_field_change_pct: {birth_date: .nan}\n"),
                       doctest::Contains("birth_date"), Error);
  CHECK_THROWS_WITH_AS(load("      max_update_pct: 120\n"), doctest::Contains("max_update_pct"),
                       Error);
}

TEST_CASE("change limits: a column swap is held; a school year of ordinary nights is not") {
  YearFeed feed;
  DistrictYear district(4000, 11);
  REQUIRE(feed.ingest(district.file()).decision.decision == Decision::committed);

  SUBCASE("first and last names swapped") {
    const IngestOutcome o =
        feed.ingest(district.file_with_swapped(Field::first_name, Field::last_name));
    CHECK(o.decision.decision == Decision::held);
    CHECK(trip_names(o.decision) == std::vector<std::string>{"max_update_pct",
                                                             "max_field_change_pct.first_name",
                                                             "max_field_change_pct.last_name"});
    CHECK(o.plan.counts.deactivated == 0);  // nobody withdrawn: the old safeguards saw nothing
  }
  SUBCASE("birth date swapped with the local ID's column holds on both") {
    // Each row's local ID where the birth date should be is refused as a date: the reject
    // share holds it. A date put there by mistake (below) is a date, and changes.
    const IngestOutcome o =
        feed.ingest(district.file_with_swapped(Field::birth_date, Field::local_id));
    CHECK(o.decision.decision == Decision::held);
  }
  SUBCASE("another date where the birth date should be") {
    // The export put each student's enrolment date (a plausible-looking date, a warning at
    // most) in the birth date column.
    const std::string original = district.file();
    std::string text;
    for (const std::string_view line : split(original, '\n')) {
      if (line.empty()) continue;
      std::vector<std::string_view> f = split(line, '|');
      const std::string moved =
          line.starts_with("Student") ? std::string(f[5]) : "2019-08-2" + std::string(1, f[5][9]);
      f[5] = moved;
      for (std::size_t i = 0; i < f.size(); ++i)
        text += (i == 0 ? "" : "|") + std::string(f[i]);
      text += '\n';
    }
    const IngestOutcome o = feed.ingest(text);
    CHECK(o.decision.decision == Decision::held);
    const auto names = trip_names(o.decision);
    CHECK(std::find(names.begin(), names.end(), "max_field_change_pct.birth_date") != names.end());
  }
  SUBCASE("a school year of nights commits every night; new test scores for all are held") {
    for (int night = 1; night <= 180; ++night) {
      if (night == 90) {
        district.start_of_term();
      } else {
        district.night();
      }
      const IngestOutcome o = feed.ingest(district.file());
      INFO("night ", night, ": ", o.decision.reason);
      REQUIRE(o.decision.decision == Decision::committed);
    }
    CHECK(feed.store->students().count("gen") > 4000);
    // The night a term's results come in updates nearly everyone: no field limit trips
    // (scores have none), the update share does, and a person approves it once.
    district.new_scores();
    const IngestOutcome scores = feed.ingest(district.file());
    CHECK(trip_names(scores.decision) == std::vector<std::string>{"max_update_pct"});
  }
}
