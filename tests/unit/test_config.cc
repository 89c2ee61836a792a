#include <doctest/doctest.h>

#include <fstream>

#include "config/config.h"
#include "core/error.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

// The error message for `yaml` (refs written to a temp dir first), or "" when it loads.
std::string error_for(const std::string& yaml) {
  testing::TempDir dir;
  testing::write_test_feed(dir.path());
  try {
    parse_config(yaml, "rosterd.yaml", dir.path());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

const std::string kFeedHead = "feeds:\n  demo:\n";

}  // namespace

TEST_CASE("the shipped example config loads") {
  const Config c =
      load_config(std::filesystem::path(ROSTERD_SOURCE_DIR) / "conf/rosterd.example.yaml");
  const FeedConfig& f = c.feed("demo-isd");
  CHECK(&c.feed("") == &f);  // the only feed
  CHECK(f.mode == FeedMode::test);
  CHECK(f.format.delimiter == '|');
  REQUIRE(f.reference.grades);
  CHECK(f.reference.grades->translate("KG") == "K");
  CHECK(f.checks.grade_ages.at("05") == 10);
  CHECK(f.policy.max_deactivate_pct == 5);
  CHECK(c.store.sqlite.filename() == "rosterd.db");
  CHECK_THROWS_AS(c.feed("nope"), UsageError);
}

TEST_CASE("a minimal config takes every default") {
  testing::TempDir dir;
  const Config c = parse_config("feeds:\n  a:\n", "x.yaml", dir.path());
  const FeedConfig& f = c.feed("a");
  CHECK(f.mode == FeedMode::live);
  CHECK(f.format.columns[field_index(Field::state_id)] == "StudentStateID");
  CHECK(f.format.required.test(field_index(Field::birth_date)));
  CHECK_FALSE(f.reference.grades);
  CHECK(f.policy.commit == CommitMode::automatic);
  CHECK(c.store.sqlite == dir.path() / "rosterd.db");
}

TEST_CASE("store.postgresql is read, and a password in its conninfo is refused") {
  testing::TempDir dir;
  std::ofstream(dir / "pg.password") << "secret\n";
  const Config c = parse_config(
      "store:\n  postgresql:\n    conninfo: \"host=127.0.0.1 dbname=r user=r\"\n"
      "    password_file: pg.password\nfeeds:\n  a:\n",
      "x.yaml", dir.path());
  CHECK(c.store.kind == StoreKind::postgresql);
  CHECK(c.store.conninfo == "host=127.0.0.1 dbname=r user=r");
  CHECK(c.store.password_file == dir.path() / "pg.password");
  CHECK(c.store.stalled_after == std::chrono::minutes(5));  // the default
  CHECK(parse_config("store:\n  postgresql: {conninfo: h, stalled_after: 90s}\nfeeds:\n  a:\n",
                     "x.yaml", dir.path())
            .store.stalled_after == std::chrono::seconds(90));
  for (const char* bad : {"0s", "29s", "25h"}) {
    CHECK_THROWS_WITH_AS(
        parse_config(std::string("store:\n  postgresql:\n    conninfo: h\n    stalled_after: ") +
                         bad + "\nfeeds:\n  a:\n",
                     "x.yaml", dir.path()),
        doctest::Contains("x.yaml:4: store.postgresql.stalled_after: must be from 30s to 24h"),
        ConfigError);
  }
  CHECK_THROWS_WITH_AS(
      parse_config("store:\n  postgresql:\n    conninfo: \"host=h password=hunter2\"\n", "x.yaml",
                   dir.path()),
      doctest::Contains("x.yaml:3: store.postgresql.conninfo: must not hold a password"),
      ConfigError);
  CHECK_THROWS_WITH_AS(
      parse_config("store:\n  sqlite: a.db\n  postgresql: {conninfo: \"host=h\"}\n", "x.yaml",
                   dir.path()),
      doctest::Contains("has both `sqlite:` and `postgresql:`"), ConfigError);
  CHECK_THROWS_WITH_AS(
      parse_config("store:\n  postgresql: {password_file: pg.password}\n", "x.yaml", dir.path()),
      doctest::Contains("needs `conninfo:`"), ConfigError);
  CHECK_THROWS_WITH_AS(parse_config("store:\n  postgresql: {conninfo: h, password_file: nope}\n",
                                    "x.yaml", dir.path()),
                       doctest::Contains("does not exist"), ConfigError);
}

TEST_CASE("format options are read") {
  testing::TempDir dir;
  const Config c =
      parse_config(kFeedHead +
                       "    format:\n"
                       "      delimiter: tab\n"
                       "      quote: double\n"
                       "      encoding: windows-1252\n"
                       "      date_format: \"%m/%d/%Y\"\n"
                       "      list_separator: \",\"\n"
                       "      status_values: {active: [Enrolled], inactive: [W, Withdrawn]}\n"
                       "      columns: {state_id: SSID, middle_name: \"\"}\n"
                       "      required: [state_id, last_name]\n"
                       "      optional_columns: [ela_score]\n",
                   "x.yaml", dir.path());
  const RosterFormat& f = c.feed("demo").format;
  CHECK(f.delimiter == '\t');
  CHECK(f.quote == QuoteMode::double_quote);
  CHECK(f.encoding == Encoding::windows1252);
  CHECK(f.date_format == "%m/%d/%Y");
  CHECK(f.list_separator == ',');
  CHECK(f.status.inactive.size() == 2);
  CHECK(f.columns[field_index(Field::state_id)] == "SSID");
  CHECK(f.optional_columns.test(field_index(Field::middle_name)));
  CHECK(f.optional_columns.test(field_index(Field::ela_score)));
  CHECK(f.required.count() == 2);
}

TEST_CASE(
    "a preset starts the format, every key still overrides it, and its grade words join the map") {
  testing::TempDir dir;
  testing::write_test_feed(dir.path());
  const Config c =
      parse_config(kFeedHead +
                       "    format:\n"
                       "      preset: Clever\n"
                       "      date_format: [\"%m/%d/%y\", \"%d %b %Y\"]\n"
                       "      columns: {state_id: Student_number}\n"
                       "    reference:\n"
                       "      grades: {table: ref/grades.txt, map: ref/grade_map.txt}\n",
                   "x.yaml", dir.path());
  const FeedConfig& feed = c.feed("demo");
  const RosterFormat& f = feed.format;
  CHECK(f.preset == "clever");
  CHECK(f.delimiter == ',');
  CHECK(f.quote == QuoteMode::double_quote);
  CHECK(f.columns[field_index(Field::state_id)] == "Student_number");  // overridden
  CHECK(f.columns[field_index(Field::campus)] == "School_id");         // from the preset
  CHECK(f.columns[field_index(Field::diagnoses)].empty());
  CHECK(f.optional_columns.test(field_index(Field::status)));
  CHECK(f.date_format == "%m/%d/%y");
  REQUIRE(f.other_date_formats.size() == 1);
  CHECK(f.other_date_formats[0] == "%d %b %Y");
  REQUIRE(feed.reference.grades);
  CHECK(feed.reference.grades->translate("Kindergarten") == "K");  // by the alias K of KG
  CHECK(feed.reference.grades->translate("7") == "07");
  CHECK(feed.reference.grades->translate("KG") == "K");  // the district's map
  CHECK(feed.reference.grades->translate("PreKindergarten") == "PK");
  CHECK_FALSE(feed.reference.grades->translate("Ungraded"));  // not in the platform table

  CHECK(
      error_for(kFeedHead + "    format:\n      preset: skyward\n")
          .find(
              "rosterd.yaml:4: feeds.demo.format.preset: \"skyward\" is not a preset. Presets are: "
              "clever") != std::string::npos);
  CHECK(error_for(kFeedHead + "    format:\n      date_format: [\"%m/%d/%Y\", \"%Q\"]\n")
            .find("feeds.demo.format.date_format") != std::string::npos);
  CHECK(error_for(kFeedHead + "    format:\n      date_format: []\n")
            .find("must name at least one date format") != std::string::npos);
}

TEST_CASE("bad configs are refused with the file, line and key") {
  CHECK(error_for(kFeedHead + "    mode: live\n    mode: test\n") ==
        "rosterd.yaml:4: feeds.demo.mode: is given twice in the same mapping (first at line 3). "
        "Keep one.");
  CHECK(error_for(kFeedHead + "    mode: live\n    colour: blue\n") ==
        "rosterd.yaml:4: feeds.demo.colour: unknown key \"colour\". Allowed here: mode, format, "
        "reference, "
        "checks, policy, source, notify, report, schedule, identity, scope, import, per_campus, "
        "school_year, expect, kinds, people.");
  CHECK(error_for(kFeedHead + "    mode: production\n")
            .find("rosterd.yaml:3: feeds.demo.mode: must be one of live, test") == 0);
  CHECK(error_for(kFeedHead + "    format: {delimiter: \"||\"}\n")
            .find("feeds.demo.format.delimiter: must be one character") != std::string::npos);
  CHECK(error_for(kFeedHead + "    format: {list_separator: \"|\"}\n")
            .find("must differ from the delimiter") != std::string::npos);
  CHECK(error_for(kFeedHead + "    format: {date_format: \"%Y-%m\"}\n")
            .find("feeds.demo.format.date_format") != std::string::npos);
  CHECK(error_for(kFeedHead + "    format: {columns: {shoe_size: X}}\n")
            .find("\"shoe_size\" is not a field") != std::string::npos);
  CHECK(error_for(kFeedHead + "    format: {columns: {first_name: Name, last_name: name}}\n")
            .find("both read column") != std::string::npos);
  CHECK(error_for(kFeedHead + "    format: {status_values: {active: [A], inactive: [a]}}\n")
            .find("both active and inactive") != std::string::npos);
  CHECK(error_for(kFeedHead + "    policy: {max_deactivate_pct: lots}\n")
            .find("feeds.demo.policy.max_deactivate_pct: must be a number") != std::string::npos);
  CHECK(error_for(kFeedHead + "    policy: {max_reject_pct: 150}\n")
            .find("percentage from 0 to 100") != std::string::npos);
  CHECK(error_for(kFeedHead + "    reference: {grades: {table: ref/none.txt}}\n")
            .find("feeds.demo.reference.grades") != std::string::npos);
  CHECK(error_for(kFeedHead + "    reference: {grades: {map: ref/grade_map.txt}}\n")
            .find("needs a `table:`") != std::string::npos);
  CHECK(error_for(kFeedHead + "    checks: {school_year_start: \"13-01\"}\n").find("MM-DD") !=
        std::string::npos);
  CHECK(error_for(kFeedHead + "    checks: {state_id: {min_length: 5, max_length: 2}}\n")
            .find("min_length <= max_length") != std::string::npos);
  CHECK(error_for("feeds:\n  Bad Name:\n").find("feed name \"Bad Name\"") != std::string::npos);
  CHECK(error_for("feeds: {}\n").find("lists no feed") != std::string::npos);
  CHECK(error_for("store: {sqlite: x}\n").find("no `feeds:` section") != std::string::npos);
  CHECK(error_for("").find("the configuration is empty") != std::string::npos);
  CHECK(error_for("feeds:\n  a: [unclosed\n").find("rosterd.yaml:3: YAML syntax error") == 0);
}

TEST_CASE("a code map pointing outside its table stops start-up with both places") {
  testing::TempDir dir;
  testing::write_test_feed(dir.path());
  std::ofstream(dir / "ref/bad_map.txt") << "DistrictCode|PlatformCode\n1|01\n13|13\n";
  try {
    parse_config(
        kFeedHead + "    reference:\n      grades: {table: ref/grades.txt, map: ref/bad_map.txt}\n",
        "c.yaml", dir.path());
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    const std::string m = e.what();
    CHECK(m.find("c.yaml:4: feeds.demo.reference.grades:") == 0);
    CHECK(m.find("bad_map.txt:3") != std::string::npos);
  }
}

TEST_CASE("grade_ages must name platform grade codes") {
  CHECK(
      error_for(
          kFeedHead +
          "    reference: {grades: {table: ref/grades.txt}}\n    checks: {grade_ages: {G5: 10}}\n")
          .find("\"G5\" is not a code of the platform grade table") != std::string::npos);
}

TEST_CASE("a missing config file is a clear error") {
  CHECK_THROWS_WITH_AS(load_config("/nonexistent/rosterd.yaml"),
                       doctest::Contains("cannot open config file '/nonexistent/rosterd.yaml'"),
                       ConfigError);
}

TEST_CASE("a feed's source is validated whole") {
  const std::string head = kFeedHead + "    source:\n";
  CHECK(error_for(head + "      local: {dir: drop}\n      sftp: {host: h}\n") ==
        "rosterd.yaml:4: feeds.demo.source: has both `sftp:` and `local:`; a feed takes its files "
        "from one drop.");
  CHECK(error_for(head + "      local: {pattern: x}\n") ==
        "rosterd.yaml:4: feeds.demo.source.local: needs `dir:`, the folder the SIS delivers "
        "roster files to.");
  CHECK(error_for(head + "      local:\n        dir: d\n        stable_for: 5 minutes\n") ==
        "rosterd.yaml:6: feeds.demo.source.local.stable_for: must be a duration such as 30s, 5m, "
        "2h or 1d, got \"5 minutes\".");
  CHECK(error_for(head + "      local:\n        dir: d\n        max_bytes: 2TB\n") ==
        "rosterd.yaml:6: feeds.demo.source.local.max_bytes: must be a size such as 500MB or 2GiB, "
        "got \"2TB\".");
  CHECK(error_for(head + "      local:\n        dir: d\n        max_listing: 0\n") ==
        "rosterd.yaml:6: feeds.demo.source.local.max_listing: must be from 1 to 100000000 "
        "entries, got 0.");
  CHECK(error_for(head + "      local:\n        dir: d\n        after: move\n") ==
        "rosterd.yaml:6: feeds.demo.source.local.after: is move, so `move_to:` must name the "
        "folder files are moved to.");
  CHECK(error_for(head + "      local:\n        dir: d\n        pattern: a/b*\n") ==
        "rosterd.yaml:6: feeds.demo.source.local.pattern: must be a file-name glob such as "
        "\"roster-*.txt\" (no '/').");
  CHECK(
      error_for(
          head +
          "      sftp:\n        host: h\n        user: u\n        known_hosts: ref/grades.txt\n") ==
      "rosterd.yaml:5: feeds.demo.source.sftp: needs exactly one of `key_file:` (a private key) "
      "or `password_file:` (a file holding the password).");
  CHECK(error_for(head +
                  "      sftp:\n        host: h\n        user: u\n        known_hosts: nowhere\n"
                  "        key_file: ref/grades.txt\n")
            .find("feeds.demo.source.sftp.known_hosts: file ") != std::string::npos);
  CHECK(error_for(head +
                  "      sftp:\n        host: h\n        user: u\n        port: 70000\n"
                  "        known_hosts: ref/grades.txt\n        key_file: ref/grades.txt\n") ==
        "rosterd.yaml:7: feeds.demo.source.sftp.port: must be from 1 to 65535 (a TCP port), got "
        "70000.");
}

TEST_CASE("a valid sftp source is read with its defaults") {
  testing::TempDir dir;
  testing::write_test_feed(dir.path());
  const Config c = parse_config(kFeedHead +
                                    "    source:\n      sftp:\n        host: sftp.example.org\n"
                                    "        user: district\n        known_hosts: ref/grades.txt\n"
                                    "        key_file: ref/grades.txt\n        stable_for: 2m\n"
                                    "        max_bytes: 200MB\n",
                                "rosterd.yaml", dir.path());
  const SourceConfig& s = c.feed("demo").source;
  CHECK(s.kind == SourceKind::sftp);
  CHECK(s.sftp.port == 22);
  CHECK(s.sftp.dir == ".");
  CHECK(s.stable_for == std::chrono::seconds(120));
  CHECK(s.max_bytes == 200'000'000);
  CHECK(s.max_listing == 100000);
  CHECK(s.sftp.transfer_timeout == std::chrono::hours(4));
  CHECK(s.after == AfterTake::keep);
  CHECK(s.pattern == "*");
  CHECK(c.state_dir == dir / "state");
  CHECK(c.archive_keep_days == 30);
}

TEST_CASE("smtp and notify are validated") {
  CHECK(error_for("smtp:\n  url: http://mail\n  from: a@b.c\n" + kFeedHead + "    mode: live\n") ==
        "rosterd.yaml:2: smtp.url: must start with smtp:// or smtps://, got \"http://mail\".");
  CHECK(error_for("smtp:\n  url: smtp://mail\n" + kFeedHead + "    mode: live\n") ==
        "rosterd.yaml:2: smtp: needs `from:`, the sender address (\"rosterd "
        "<rosterd@example.org>\").");
  CHECK(error_for("smtp:\n  url: smtp://mail\n  from: a@b.c\n  username: u\n" + kFeedHead +
                  "    mode: live\n") ==
        "rosterd.yaml:2: smtp: has a username, so it needs `password_file:` (a file holding the "
        "password).");
  CHECK(error_for(kFeedHead + "    notify: {qa_report: [qa@example.org]}\n") ==
        "rosterd.yaml:3: feeds.demo.notify: lists recipients, but there is no `smtp:` section "
        "with a url to send through.");
  CHECK(error_for("smtp: {url: \"smtp://mail\", from: a@b.c}\n" + kFeedHead +
                  "    notify: {qa_report: [\"not an address\"]}\n") ==
        "rosterd.yaml:4: feeds.demo.notify.qa_report: \"not an address\" is not an email address "
        "(name@example.org, one an item).");
  CHECK(error_for(kFeedHead + "    report: {pii: some}\n").find("feeds.demo.report.pii") !=
        std::string::npos);
}

TEST_CASE("report: links, reminders and the contact have defaults and are checked") {
  testing::TempDir dir;
  testing::write_test_feed(dir.path());
  const Config defaults = parse_config(kFeedHead + "    mode: live\n", "rosterd.yaml", dir.path());
  const ReportPolicy& d = defaults.feeds.at("demo").report;
  CHECK(d.links_valid_for == std::chrono::hours(72));
  CHECK(d.remind_after == std::chrono::hours(24));
  CHECK(d.contact.empty());
  const Config set = parse_config(kFeedHead +
                                      "    report: {links_valid_for: 7d, remind_after: 0s, "
                                      "contact: \"Jo Park <jo@vendor.example>\"}\n",
                                  "rosterd.yaml", dir.path());
  const ReportPolicy& r = set.feeds.at("demo").report;
  CHECK(r.links_valid_for == std::chrono::hours(7 * 24));
  CHECK(r.remind_after.count() == 0);
  CHECK(r.contact == "Jo Park <jo@vendor.example>");
  CHECK(error_for(kFeedHead + "    report: {links_valid_for: 10m}\n") ==
        "rosterd.yaml:3: feeds.demo.report.links_valid_for: must be at least 1h: a coordinator "
        "needs time to open the mail.");
  CHECK(error_for(kFeedHead + "    report: {contact: \"a\\nb\"}\n") ==
        "rosterd.yaml:3: feeds.demo.report.contact: must be one line of at most 200 characters (a "
        "name and an address).");
  CHECK(error_for(kFeedHead + "    report: {remind_after: .nan}\n")
            .find("feeds.demo.report.remind_after") != std::string::npos);
}

TEST_CASE("smtp credentials never travel in the url or in clear text") {
  CHECK(error_for("smtp: {url: \"smtp://user:pw@mail\", from: a@b.c}\n" + kFeedHead +
                  "    mode: live\n") ==
        "rosterd.yaml:1: smtp.url: must not hold a user or password; use smtp.username and "
        "smtp.password_file.");
  testing::TempDir dir;
  testing::write_test_feed(dir.path());
  const auto err = [&](const std::string& yaml) {
    try {
      parse_config(yaml, "rosterd.yaml", dir.path());
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const std::string smtp =
      "smtp:\n  url: smtp://mail\n  from: a@b.c\n  username: u\n  password_file: ref/grades.txt\n";
  CHECK(err(smtp + "  starttls: off\n" + kFeedHead + "    mode: live\n") ==
        "rosterd.yaml:6: smtp.starttls: must be required when logging in over smtp://, or the "
        "password could cross the network in clear text (or use smtps://).");
  CHECK(err(smtp + kFeedHead + "    mode: live\n").empty());
}

TEST_CASE("a feed's schedule: deadline, time zone, days") {
  CHECK(error_for(kFeedHead + "    schedule: {expect_by: \"7am\"}\n") ==
        "rosterd.yaml:3: feeds.demo.schedule.expect_by: must be a local time as HH:MM (e.g. "
        "\"07:00\"), got \"7am\".");
  CHECK(error_for(kFeedHead + "    schedule: {timezone: Mars/Olympus}\n") ==
        "rosterd.yaml:3: feeds.demo.schedule.timezone: \"Mars/Olympus\" is not a time zone of "
        "this machine's tzdata (e.g. America/Chicago).");
  CHECK(error_for(kFeedHead + "    schedule: {expect_days: [mon, funday]}\n")
            .find("feeds.demo.schedule.expect_days") != std::string::npos);
  testing::TempDir dir;
  testing::write_test_feed(dir.path());
  const Config c = parse_config(
      kFeedHead +
          "    schedule: {expect_by: \"07:30\", timezone: America/Chicago, expect_days: "
          "[mon, fri]}\n",
      "rosterd.yaml", dir.path());
  const ScheduleConfig& s = c.feed("demo").schedule;
  CHECK(s.expect_by == 7 * 60 + 30);
  CHECK(s.timezone == "America/Chicago");
  CHECK(s.expect_days == std::array<bool, 7>{false, true, false, false, false, true, false});
}

TEST_CASE(
    "scope and import rules: platform codes, one list of a kind, fields that may be skipped") {
  const std::string ref = "    reference: {campuses: {table: ref/campuses.txt}}\n";
  CHECK(error_for(kFeedHead + ref + "    scope: {campuses: [\"101\", \"LES\"]}\n") ==
        "rosterd.yaml:4: feeds.demo.scope.campuses: \"LES\" is not a platform campus code (scope "
        "lists use platform codes, after the code maps).");
  CHECK(
      error_for(kFeedHead + ref + "    scope: {campuses: [\"101\"], exclude_campuses: [\"102\"]}\n")
          .find("has both campuses and exclude_campuses") != std::string::npos);
  CHECK(error_for(kFeedHead + "    import: {fields: {state_id: skip}}\n")
            .find("state_id cannot be skipped") != std::string::npos);
  CHECK(error_for(kFeedHead + "    import: {fields: {ela_score: ignore}}\n").find("skip") !=
        std::string::npos);
  CHECK(error_for(kFeedHead + "    scope: {exclude_students: missing.txt}\n").find("missing.txt") !=
        std::string::npos);

  testing::TempDir dir;
  testing::write_test_feed(dir.path());
  std::ofstream(dir.path() / "optout.txt") << "# privacy opt-outs\n1000000007\n\n 1000000009 \n";
  const Config c = parse_config(kFeedHead + ref +
                                    "    scope:\n"
                                    "      exclude_campuses: [\"103\"]\n"
                                    "      exclude_students: optout.txt\n"
                                    "      out_of_scope: keep\n"
                                    "    import: {add: false, fields: {ela_score: skip}}\n",
                                "rosterd.yaml", dir.path());
  const FeedRules& r = c.feed("demo").rules;
  CHECK(r.scope.exclude_campuses.count("103") == 1);
  CHECK(r.scope.exclude_students.size() == 2);
  CHECK(r.scope.opted_out("1000000009"));
  CHECK(r.scope.out_of_scope == OutOfScope::keep);
  CHECK_FALSE(r.import.add);
  CHECK(r.import.update);
  CHECK(r.import.skip.test(field_index(Field::ela_score)));
}

TEST_CASE(
    "a key that is a list or a mapping is refused with its line (fuzz findings config-1, -2)") {
  testing::TempDir dir;
  CHECK_THROWS_WITH_AS(
      parse_config("[]: x\n", "x.yaml", dir.path()),
      doctest::Contains("x.yaml:1: (top level): has a key that is not a plain name"), ConfigError);
  CHECK_THROWS_WITH_AS(
      parse_config("feeds:\n  a:\n    format:\n      columns:\n        [a, b]: c\n", "x.yaml",
                   dir.path()),
      doctest::Contains("not a plain name"), ConfigError);
  CHECK_THROWS_AS(parse_config("feeds:\n  {a: 1}: x\n", "x.yaml", dir.path()), ConfigError);
}

TEST_CASE(
    "no number in the config can be .nan or .inf: every numeric key is refused with its line") {
  // Each numeric key of the schema, as the line that sets it under `feeds: demo:` (or at the top
  // level). A non-finite number compares false with everything, so a safeguard set to one would
  // never trip (a 10-row file committed and deactivated 1,990 of 2,000 students).
  struct Key {
    std::string yaml;  // with X where the number goes
    std::string path;
  };
  const std::vector<Key> keys = {
      {kFeedHead + "    policy: {max_deactivate_pct: X}\n", "feeds.demo.policy.max_deactivate_pct"},
      {kFeedHead + "    policy: {max_row_drop_pct: X}\n", "feeds.demo.policy.max_row_drop_pct"},
      {kFeedHead + "    policy: {max_reject_pct: X}\n", "feeds.demo.policy.max_reject_pct"},
      {kFeedHead + "    per_campus: {'201': {policy: {max_deactivate_pct: X}}}\n",
       "feeds.demo.per_campus.201.policy.max_deactivate_pct"},
      {kFeedHead + "    per_campus: {'201': {policy: {max_reject_pct: X}}}\n",
       "feeds.demo.per_campus.201.policy.max_reject_pct"},
      {kFeedHead + "    checks: {scores: {ela: {min: X}}}\n", "feeds.demo.checks.scores.ela.min"},
      {kFeedHead + "    checks: {scores: {math: {max: X}}}\n", "feeds.demo.checks.scores.math.max"},
      {kFeedHead + "    checks: {state_id: {min_length: X}}\n",
       "feeds.demo.checks.state_id.min_length"},
      {kFeedHead + "    checks: {state_id: {max_length: X}}\n",
       "feeds.demo.checks.state_id.max_length"},
      {kFeedHead + "    checks: {age_tolerance_years: X}\n",
       "feeds.demo.checks.age_tolerance_years"},
      {kFeedHead + "    identity: {rekey_min_students: X}\n",
       "feeds.demo.identity.rekey_min_students"},
      {kFeedHead + "    source: {local: {dir: d, max_listing: X}}\n",
       "feeds.demo.source.local.max_listing"},
      {kFeedHead + "    source: {local: {dir: d, attempts: X}}\n",
       "feeds.demo.source.local.attempts"},
      {kFeedHead + "    source: {local: {dir: d, stable_for: X}}\n",
       "feeds.demo.source.local.stable_for"},
      {kFeedHead + "    source: {local: {dir: d, max_bytes: X}}\n",
       "feeds.demo.source.local.max_bytes"},
      {kFeedHead + "    schedule: {poll_every: X}\n", "feeds.demo.schedule.poll_every"},
      {kFeedHead + "    report: {deliver_within: X}\n", "feeds.demo.report.deliver_within"},
      {"archive: {keep_days: X}\n" + kFeedHead, "archive.keep_days"},
      {"service: {workers: X}\n" + kFeedHead, "service.workers"},
  };
  for (const std::string spelling :
       {".nan", ".NaN", ".NAN", ".inf", ".Inf", "+.inf", "-.inf", "-.INF", "1e999", "-1e999"}) {
    for (const Key& k : keys) {
      std::string yaml = k.yaml;
      yaml.replace(yaml.find('X'), 1, spelling);
      CAPTURE(yaml);
      const std::string e = error_for(yaml);
      CHECK(e.find("rosterd.yaml:") == 0);
      CHECK(e.find(k.path + ": must be") != std::string::npos);
    }
  }
  CHECK(error_for(kFeedHead + "    policy: {max_deactivate_pct: .nan}\n") ==
        "rosterd.yaml:3: feeds.demo.policy.max_deactivate_pct: must be a percentage from 0 to 100, "
        "got \".nan\" (.nan and .inf are not numbers rosterd can compare with).");
  // Finite numbers at the ends of each range still load.
  CHECK(error_for(kFeedHead + "    policy: {max_deactivate_pct: 0, max_reject_pct: 100}\n") == "");
  CHECK(error_for(kFeedHead + "    checks: {scores: {ela: {min: -5.5, max: 1000000}}}\n") == "");
}

TEST_CASE("a duration over a year is refused whatever its unit (the timer would overflow)") {
  CHECK(error_for(kFeedHead + "    schedule: {poll_every: 366d}\n") == "");
  CHECK(error_for(kFeedHead + "    schedule: {poll_every: 367d}\n")
            .find("feeds.demo.schedule.poll_every: must be a duration") != std::string::npos);
  CHECK(error_for(kFeedHead + "    schedule: {poll_every: 31622400d}\n")
            .find("feeds.demo.schedule.poll_every: must be a duration") != std::string::npos);
}

TEST_CASE("a key given twice is refused with both lines in every mapping, feeds included") {
  // The first of two feeds with one name silently won: a test feed could shadow the live one.
  CHECK(error_for("feeds:\n  demo:\n    mode: live\n  demo:\n    mode: test\n") ==
        "rosterd.yaml:4: feeds.demo: is given twice in the same mapping (first at line 2). Keep "
        "one.");
  CHECK(error_for(kFeedHead + "    checks: {grade_ages: {'05': 10, '05': 11}}\n")
            .find("feeds.demo.checks.grade_ages.05: is given twice in the same mapping") !=
        std::string::npos);
  CHECK(error_for(kFeedHead + "    per_campus:\n      '201': {}\n      '201': {}\n")
            .find("rosterd.yaml:5: feeds.demo.per_campus.201: is given twice") == 0);
  CHECK(error_for(kFeedHead + "    format: {columns: {first_name: A, first_name: B}}\n")
            .find("feeds.demo.format.columns.first_name: is given twice") != std::string::npos);
}

TEST_CASE("a config error shows CR, LF and escape bytes of a name as \\xHH, never raw") {
  const std::string e = error_for("feeds:\n  \"a\\r\\nrosterd: ok \\e[2J\": {}\n");
  CHECK(e.find("feed name \"a\\x0D\\x0Arosterd: ok \\x1B[2J\"") != std::string::npos);
  CHECK(e.find('\r') == std::string::npos);
  CHECK(e.find('\n') == std::string::npos);
  CHECK(e.find('\x1b') == std::string::npos);
}

TEST_CASE("service.log_level is read, and only a known level is taken") {
  testing::TempDir dir;
  CHECK(parse_config("feeds:\n  a:\n", "x.yaml", dir.path()).log_level == "info");
  CHECK(
      parse_config("service: {log_level: debug}\nfeeds:\n  a:\n", "x.yaml", dir.path()).log_level ==
      "debug");
  CHECK(error_for("service: {log_level: loud}\n" + kFeedHead)
            .find("service.log_level: must be one of debug, info, warning, error") !=
        std::string::npos);
}

TEST_CASE("console: off without the section, its defaults with it, and each key checked") {
  testing::TempDir dir;
  const Config off = parse_config("feeds:\n  a:\n", "x.yaml", dir.path());
  CHECK_FALSE(off.console.enabled);
  const Config on = parse_config("console: {}\nfeeds:\n  a:\n", "x.yaml", dir.path());
  CHECK(on.console.enabled);
  CHECK(on.console.host == "127.0.0.1");
  CHECK(on.console.port == 8470);
  CHECK(on.console.public_url == "http://127.0.0.1:8470");
  CHECK(on.console.session_idle == std::chrono::minutes(30));
  CHECK(on.console.authorities() ==
        std::vector<std::string>{"127.0.0.1:8470", "127.0.0.1:8470", "localhost:8470"});
  const Config proxied = parse_config(
      "console:\n  listen: \"[::1]:9000\"\n  public_url: https://r.example.org/\n"
      "  trusted_proxies: [127.0.0.1]\nfeeds:\n  a:\n",
      "x.yaml", dir.path());
  CHECK(proxied.console.host == "::1");
  CHECK(proxied.console.public_url == "https://r.example.org");
  CHECK(proxied.console.https());
  CHECK(proxied.console.authorities() ==
        std::vector<std::string>{"r.example.org", "[::1]:9000", "localhost:9000"});
  CHECK(error_for("console: {listen: rosterd.example.org:80}\n" + kFeedHead).find("x.yaml") ==
        std::string::npos);
  CHECK(error_for("console: {listen: rosterd.example.org:80}\n" + kFeedHead)
            .find("rosterd.yaml:1: console.listen: \"rosterd.example.org\" is not an IP address") !=
        std::string::npos);
  CHECK(error_for("console: {listen: \"127.0.0.1:99999\"}\n" + kFeedHead).find("port") !=
        std::string::npos);
  CHECK(error_for("console: {public_url: ftp://x}\n" + kFeedHead).find("console.public_url") !=
        std::string::npos);
  CHECK(error_for("console: {trusted_proxies: [proxy.lan]}\n" + kFeedHead)
            .find("console.trusted_proxies") != std::string::npos);
  CHECK(error_for("console: {session_idle: 5s}\n" + kFeedHead).find("at least 60s") !=
        std::string::npos);
  CHECK(error_for("console: {listen_on: x}\n" + kFeedHead).find("listen_on") != std::string::npos);
}
