// Sets of files taken from a drop together (pipeline/drop_sets.h, FeedIntake): OneRoster's
// loose files, on the public Ed-Fi sample (tests/data/exports/oneroster-1.1/SOURCE.md).
#include "pipeline/drop_sets.h"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>

#include "core/sha256.h"
#include "ops/console_views.h"
#include "parsers/roster_set.h"
#include "pipeline/feed_intake.h"
#include "tests/support/fetch_kinds.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/set_intake.h"
#include "tests/support/temp_dir.h"
#include "transport/local_drop.h"

using namespace rosterd;
using namespace rosterd::testing;

namespace {

std::vector<std::string> names_of(const DropGrouping& g) {
  std::vector<std::string> out;
  for (const auto& d : g.deliveries)
    out.push_back(d.name);
  return out;
}

}  // namespace

TEST_CASE("drop sets: loose files gather by prefix; zips and other files stay alone") {
  const FormatPreset* oneroster = find_format_preset("oneroster-1.1");
  REQUIRE(oneroster != nullptr);
  const std::vector<DropEntry> listed = {
      {"2026-12-04_users.csv", 10, 5}, {"2026-12-04_orgs.csv", 10, 6},
      {"2026-12-03-USERS.CSV", 10, 1}, {"2026-12-03-manifest.csv", 10, 2},
      {"classResources.csv", 1, 9},    {"export.zip", 10, 3},
      {"myusers.csv", 1, 1},           {"notes.txt", 1, 1},
  };
  const DropGrouping g = group_deliveries(listed, oneroster);
  // Oldest first: the 3rd's set (newest file 2), the zip (3), the 4th's (6), then the last (9).
  CHECK(names_of(g) == std::vector<std::string>{"2026-12-03-{manifest.csv,users.csv}", "export.zip",
                                                "2026-12-04_{orgs.csv,users.csv}",
                                                "{classResources.csv}"});
  CHECK(g.strangers == std::vector<std::string>{"myusers.csv", "notes.txt"});
  const DropDelivery& third = g.deliveries[0];
  CHECK(third.is_set);
  CHECK(third.local_names == std::vector<std::string>{"manifest.csv", "users.csv"});
  CHECK(third.files[1].name == "2026-12-03-USERS.CSV");  // the drop's own name
  CHECK(third.missing == std::vector<std::string_view>{"orgs.csv", "demographics.csv"});
  CHECK(third.size() == 20);
  CHECK(third.mtime() == 2);
  CHECK_FALSE(g.deliveries[1].is_set);
  // A prefix is a prefix whatever its case.
  const DropGrouping cased =
      group_deliveries({{"Export_users.csv", 1, 1}, {"EXPORT_orgs.csv", 1, 1}}, oneroster);
  REQUIRE(cased.deliveries.size() == 1);
  CHECK(cased.deliveries[0].local_names == std::vector<std::string>{"orgs.csv", "users.csv"});
  // A file taken with an earlier set is in no new one.
  const DropGrouping fresh =
      group_deliveries({{"users.csv", 1, 9}, {"orgs.csv", 1, 1}}, oneroster,
                       [](const DropEntry& e) { return e.name == "orgs.csv"; });
  REQUIRE(fresh.deliveries.size() == 1);
  CHECK(fresh.deliveries[0].name == "{users.csv}");
  // Sizes a hostile server lists do not wrap to a small sum.
  CHECK(group_deliveries({{"users.csv", UINT64_MAX - 1, 1}, {"orgs.csv", 5, 1}}, oneroster)
            .deliveries[0]
            .size() == UINT64_MAX);
  // Two files that are the same file of the set: not taken until one goes.
  const DropGrouping twice =
      group_deliveries({{"users.csv", 1, 1}, {"Users.csv", 1, 1}}, oneroster);
  REQUIRE(twice.deliveries.size() == 1);
  CHECK(twice.deliveries[0].conflict.find("are both the set's users.csv") != std::string::npos);
  // A feed of one file takes every file alone.
  CHECK(names_of(group_deliveries(listed, nullptr)).size() == listed.size());
}

TEST_CASE("drop sets: Clever's students.csv is a delivery alone, or with its other files") {
  const FormatPreset* clever = find_format_preset("clever");
  REQUIRE(clever != nullptr);
  CHECK(reads_alone(*clever));
  CHECK_FALSE(reads_alone(*find_format_preset("oneroster-1.1")));
  const DropGrouping g = group_deliveries(
      {
          {"students.csv", 10, 1},             // alone: one file, as ever
          {"2026-12-04_students.csv", 10, 2},  // with the night's other files: a set
          {"2026-12-04_schools.csv", 10, 2},
          {"2026-12-04_teachers.csv", 10, 2},
          {"roster-20261205.csv", 10, 3},     // a name of no Clever file: one file
          {"2026-12-06_schools.csv", 10, 4},  // no students.csv: nothing to read
          {"export.zip", 10, 5},
      },
      clever);
  CHECK(names_of(g) == std::vector<std::string>{
                           "students.csv", "2026-12-04_{schools.csv,students.csv,teachers.csv}",
                           "roster-20261205.csv", "export.zip"});
  CHECK(g.strangers == std::vector<std::string>{"2026-12-06_schools.csv"});
  CHECK_FALSE(g.deliveries[0].is_set);
  CHECK(g.deliveries[1].is_set);
  CHECK(g.deliveries[1].missing.empty());
  CHECK_FALSE(g.deliveries[2].is_set);
}

TEST_CASE(
    "drop sets: Clever's students.csv taken alone is not taken again with a schools.csv that "
    "came after it") {
  SetIntake t("        after: keep\n", "0s", "clever");
  const std::filesystem::path clever =
      std::filesystem::path(ROSTERD_SOURCE_DIR) / "tests/data/exports/clever";
  std::filesystem::copy_file(clever / "students.csv", t.dir / "drop/students.csv");
  REQUIRE(t.kinds(t.intake().fetch()) == Kinds{"taken:students.csv"});
  std::filesystem::copy_file(clever / "schools.csv", t.dir / "drop/schools.csv");
  CHECK(t.intake().fetch().events.empty());
  // Tonight's students.csv (a new version) goes with the schools.csv beside it.
  std::filesystem::last_write_time(
      t.dir / "drop/students.csv",
      std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"taken:{schools.csv,students.csv}"});
}

TEST_CASE("drop sets: a set is taken once, when all its files are stable, and read as one") {
  SetIntake t;
  t.put_set("");
  std::ofstream(t.dir / "drop/notes.txt") << "not a roster";
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"waiting:" + kSample});
  t.clock.advance(30);
  // One file still being written holds the whole set back.
  std::ofstream(t.dir / "drop/classes.csv", std::ios::app) << "\n";
  t.clock.advance(40);
  const FetchResult w = t.intake().fetch();
  CHECK(t.kinds(w) == Kinds{"waiting:" + kSample});
  CHECK(w.events.at(0).detail.starts_with("classes.csv: unchanged for 0s"));
  t.clock.advance(60);
  const FetchResult r = t.intake().fetch();
  REQUIRE(t.kinds(r) == Kinds{"taken:" + kSample});
  const SourceFile rec = *r.events[0].record;
  CHECK(rec.is_set());
  CHECK(rec.member_count == 8);
  CHECK(std::filesystem::is_regular_file(std::filesystem::path(rec.local_path) / "users.csv"));
  const std::vector<SourceMember> members = t.store->ledger().members(rec.id);
  REQUIRE(members.size() == 8);
  CHECK(members[7].local_name == "users.csv");
  std::uint64_t bytes = 0;
  CHECK(members[7].sha256 == sha256_of_file(kOneRoster / "users.csv", bytes));
  CHECK(members[7].size == bytes);
  // Taken once, across polls and across new FeedIntakes (the ledger remembers the set).
  t.clock.advance(600);
  CHECK(t.kinds(t.intake().fetch()).empty());

  const auto runs = t.ingest();
  REQUIRE(runs.size() == 1);
  REQUIRE(runs[0].outcome);
  CHECK(runs[0].outcome->decision.decision == Decision::committed);
  CHECK(runs[0].outcome->check.file.rows == 8);
  CHECK(t.store->students().count("or") == 8);
  CHECK(runs[0].file.status == "ingested");
  CHECK(runs[0].file.after_action == "kept");
  CHECK(std::filesystem::is_directory(runs[0].file.local_path));  // archived, whole
  CHECK(runs[0].file.local_path.starts_with((t.dir / "state/archive/or/").string()));
  CHECK(t.store->runs().get(*runs[0].file.run_id)->file_name == kSample);
  CHECK(t.ingest().empty());
}

TEST_CASE("drop sets: a set missing a file waits for it, then is refused naming it") {
  SetIntake t("", "0s");
  t.put_set("night1_");
  REQUIRE(t.kinds(t.intake().fetch()) == Kinds{"taken:night1_" + kSample});
  REQUIRE(t.ingest().size() == 1);
  REQUIRE(t.store->students().count("or") == 8);

  t.put_set("night2_", "demographics.csv");
  t.clock.advance(60);
  t.intake().fetch();
  t.clock.advance(1800);
  const FetchResult w = t.intake().fetch();
  REQUIRE(w.events.size() == 1);
  CHECK(w.events[0].kind == FetchEvent::Kind::waiting);
  CHECK(w.events[0].detail.starts_with("the set has no demographics.csv yet"));
  t.clock.advance(1800);
  const FetchResult r = t.intake().fetch();
  REQUIRE(r.events.size() == 1);
  CHECK(r.events[0].kind == FetchEvent::Kind::taken);
  CHECK(r.events[0].name.starts_with("night2_{"));
  const auto runs = t.ingest();
  REQUIRE(runs.size() == 1);
  REQUIRE(runs[0].outcome);
  CHECK(runs[0].outcome->decision.decision == Decision::refused);
  const auto& refusal = runs[0].outcome->check.file.refusal;
  REQUIRE(refusal);
  CHECK(refusal->code == DiscrepancyCode::missing_member);
  CHECK(refusal->detail.find("demographics.csv") != std::string::npos);
  CHECK(t.store->students().count("or") == 8);  // nobody deactivated

  // The file arrives after all: it completes no set already taken (those files were read, and
  // refused, as they were); alone it waits for the rest of a set, sent again.
  std::filesystem::copy_file(kOneRoster / "demographics.csv",
                             t.dir / "drop/night2_demographics.csv");
  t.clock.advance(60);
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"waiting:night2_{demographics.csv}"});
}

TEST_CASE("drop sets: after: delete removes every file of the set, markers with them") {
  SetIntake t("        ready_when: marker\n        after: delete\n");
  t.put_set("");
  std::ofstream(t.dir / "drop/users.csv.done") << "";
  // Marker mode: each file of the set needs its marker.
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"waiting:" + kSample});
  for (const auto& e : std::filesystem::directory_iterator(kOneRoster))
    if (e.path().extension() == ".csv")
      std::ofstream(t.dir / "drop" / (e.path().filename().string() + ".done")) << "";
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"taken:" + kSample});
  const auto runs = t.ingest();
  REQUIRE(runs.size() == 1);
  CHECK(runs[0].file.after_action.find("users.csv: deleted") != std::string::npos);
  CHECK(std::filesystem::is_empty(t.dir / "drop"));
}

TEST_CASE("drop sets: a staged set lost before its run is fetched again; stale parts go") {
  SetIntake t("", "0s");
  t.put_set("");
  const FetchResult r = t.intake().fetch();
  REQUIRE(r.events.size() == 1);
  std::filesystem::remove_all(r.events[0].record->local_path);
  CHECK(t.ingest().empty());
  CHECK(t.store->ledger().recent("or", 5).empty());  // forgotten, members with it
  CHECK(t.kinds(t.intake().fetch()) == Kinds{"taken:" + kSample});
  CHECK(t.ingest().size() == 1);

  // A set folder a killed process left half-staged is removed at the next tidy.
  std::filesystem::create_directories(t.dir / "state/staging/or/.part-999999999-0");
  std::ofstream(t.dir / "state/staging/or/.part-999999999-0/users.csv") << "half";
  t.intake().tidy();
  CHECK_FALSE(std::filesystem::exists(t.dir / "state/staging/or/.part-999999999-0"));
}

TEST_CASE(
    "drop sets: a test upload to a set feed is the set's zip; one file is refused saying so") {
  SetIntake t;
  const Actor by{"jo@district.example", ActionSource::console, "127.0.0.1", ""};
  const std::string users = testing::read_file(kOneRoster / "users.csv");
  CHECK_THROWS_WITH_AS(
      check_upload(*t.store, t.config, t.feed(), "users.csv", users,
                   {1, *parse_date("2014-09-01", "%Y-%m-%d")}, by),
      doctest::Contains("users.csv is one file, but feed or takes a set of files (OneRoster 1.1 "
                        "CSV (users.csv, demographics.csv, orgs.csv, manifest.csv)): upload the "
                        "set as one zip file holding them all."),
      Error);
  // Nothing of it was written where the uploads go.
  const bool written = std::filesystem::exists(t.dir / "state/uploads") &&
                       !std::filesystem::is_empty(t.dir / "state/uploads");
  CHECK_FALSE(written);

  // The set's zip is read as the set.
  const testing::ProcessResult zipped = testing::run_process(
      "/usr/bin/python3", {"-c",
                           "import os, sys, zipfile\n"
                           "with zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as z:\n"
                           "    for n in sorted(os.listdir(sys.argv[1])):\n"
                           "        z.write(os.path.join(sys.argv[1], n), n)\n",
                           kOneRoster.string(), (t.dir / "set.zip").string()});
  REQUIRE(zipped.exit_status == 0);
  const CheckResult r =
      check_upload(*t.store, t.config, t.feed(), "set.zip", testing::read_file(t.dir / "set.zip"),
                   {1, *parse_date("2014-09-01", "%Y-%m-%d")}, by);
  CHECK(r.file.name == "set.zip");
  CHECK(r.counts.rows_read == 8);
  CHECK(r.counts.rows_rejected == 0);
}

TEST_CASE(
    "drop sets: a test upload of a OneRoster delta is completed from the committed roster, as "
    "its ingest would be") {
  SetIntake t("", "0s");
  t.put_set("");
  REQUIRE(t.kinds(t.intake().fetch()) == Kinds{"taken:" + kSample});
  REQUIRE(t.ingest().size() == 1);
  // Kyle withdrawn (his ID and status only), Mary renamed (no demographics row): both are
  // completed from the roster, so neither is missing a name or a birth date.
  const std::filesystem::path delta = t.dir / "delta";
  std::filesystem::create_directories(delta);
  std::ofstream(delta / "manifest.csv")
      << "propertyName,value\noneroster.version,1.1\nfile.users,delta\nfile.orgs,absent\n"
         "file.demographics,absent\n";
  std::ofstream(delta / "users.csv")
      << "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
         "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
         "password\n"
         "604874,tobedeleted,2014-09-02T10:00:00Z,,,student,,,,,,,,,,,,\n"
         "604863,active,2014-09-02T10:00:00Z,true,255901001,student,,,Marie,Archer,,,,,,,09,\n";
  const testing::ProcessResult zipped = testing::run_process(
      "/usr/bin/python3", {"-c",
                           "import os, sys, zipfile\n"
                           "with zipfile.ZipFile(sys.argv[2], 'w') as z:\n"
                           "    for n in sorted(os.listdir(sys.argv[1])):\n"
                           "        z.write(os.path.join(sys.argv[1], n), n)\n",
                           delta.string(), (t.dir / "delta.zip").string()});
  REQUIRE(zipped.exit_status == 0);
  const Actor by{"jo@district.example", ActionSource::console, "127.0.0.1", ""};
  const CheckResult r = check_upload(*t.store, t.config, t.feed(), "delta.zip",
                                     testing::read_file(t.dir / "delta.zip"),
                                     {1, *parse_date("2014-09-01", "%Y-%m-%d")}, by);
  CHECK(r.file.delta);
  CHECK(r.counts.rows_read == 2);
  CHECK(r.counts.rows_rejected == 0);
}

TEST_CASE("drop sets: a test upload of Clever's students.csv alone is read as the roster") {
  SetIntake t("", "60s", "clever");
  const Actor by{"jo@district.example", ActionSource::console, "127.0.0.1", ""};
  const CheckResult r = check_upload(*t.store, t.config, t.feed(), "students.csv",
                                     testing::read_file(std::filesystem::path(ROSTERD_SOURCE_DIR) /
                                                        "tests/data/exports/clever/students.csv"),
                                     {1, *parse_date("2026-11-23", "%Y-%m-%d")}, by);
  CHECK(r.file.name == "students.csv");
  CHECK_FALSE(r.refused());
  CHECK(r.counts.rows_read == 8);
  CHECK(r.counts.rows_rejected == 0);
}

TEST_CASE("drop sets: a new users.csv beside last night's other files is no set of its own") {
  SetIntake t("", "0s");
  t.put_set("");
  REQUIRE(t.kinds(t.intake().fetch()) == Kinds{"taken:" + kSample});
  REQUIRE(t.ingest().size() == 1);
  // after: keep leaves last night's files; tonight only users.csv has been written so far.
  t.clock.advance(86400);
  std::filesystem::copy_file(kOneRoster / "users.csv", t.dir / "drop/users.csv",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::last_write_time(
      t.dir / "drop/users.csv",
      std::filesystem::file_time_type::clock::now() + std::chrono::hours(1));
  const FetchResult w = t.intake().fetch();
  REQUIRE(t.kinds(w) == Kinds{"waiting:{users.csv}"});
  CHECK(w.events[0].detail.starts_with("the set has no manifest.csv, orgs.csv, demographics.csv"));
  t.clock.advance(3600);
  REQUIRE(t.kinds(t.intake().fetch()) == Kinds{"taken:{users.csv}"});
  const auto runs = t.ingest();
  REQUIRE(runs.size() == 1);
  REQUIRE(runs[0].outcome);
  CHECK(runs[0].outcome->decision.decision == Decision::refused);  // never mixed with last night
  CHECK(t.store->students().count("or") == 8);
}

TEST_CASE("drop sets: while a delta is held, later deliveries wait; approved, they go on") {
  SetIntake t("", "0s");
  t.put_set("n1_");
  REQUIRE(t.intake().fetch().events.size() == 1);
  REQUIRE(t.ingest().size() == 1);
  const std::string users_header =
      "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
      "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
      "password\n";
  const auto put_delta = [&](const std::string& prefix, const std::string& users) {
    std::ofstream(t.dir / "drop" / (prefix + "manifest.csv"))
        << "propertyName,value\nfile.users,delta\nfile.orgs,absent\nfile.demographics,absent\n";
    std::ofstream(t.dir / "drop" / (prefix + "users.csv")) << users_header << users;
    std::ofstream(t.dir / "drop" / (prefix + "orgs.csv")) << "sourcedId,type\n";
    std::ofstream(t.dir / "drop" / (prefix + "demographics.csv")) << "sourcedId,birthDate\n";
  };
  // Delta A withdraws one of eight (12.5%, over the 5% default): held.
  t.clock.advance(60);
  put_delta("n2_", "604874,tobedeleted,,,,student,,,,,,,,,,,,\n");
  REQUIRE(t.intake().fetch().events.size() == 1);
  const auto a = t.ingest();
  REQUIRE(a.size() == 1);
  REQUIRE(a[0].outcome);
  REQUIRE(a[0].outcome->decision.decision == Decision::held);
  // Delta B renames a student: it waits, so A can still be approved on the roster it was
  // planned on.
  t.clock.advance(60);
  put_delta("n3_", "604863,active,,true,255901001,student,,,Marie,Archer,,,,,,,09,\n");
  REQUIRE(t.intake().fetch().events.size() == 1);
  CHECK(t.ingest().empty());
  CHECK(t.store->runs().held_delta("or") == a[0].outcome->run_id);
  t.store->decisions().approve(a[0].outcome->run_id, Actor{"jo", ActionSource::cli, "", ""});
  const auto b = t.ingest();
  REQUIRE(b.size() == 1);
  REQUIRE(b[0].outcome);
  CHECK(b[0].outcome->decision.decision == Decision::committed);
  CHECK(t.store->students().values("or", "604874").value()[field_index(Field::status)] == "I");
  CHECK(t.store->students().values("or", "604863").value()[field_index(Field::first_name)] ==
        "Marie");
}
