// The store's test fixture: the same tests against each backend, a real SQLite file and a real
// PostgreSQL server started on loopback by the harness (tests/support/postgres_server.h); a
// feed "gen" whose files are ingested through the pipeline, and runs built by hand.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "pipeline/ingest_run.h"
#include "store/roster_store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

namespace rosterd::testing {

// A person deciding from the command line, for the store's decisions.
inline Actor tester(const char* who = "tester") {
  return Actor{who, ActionSource::cli, "", ""};
}

inline std::vector<std::string> row(const std::string& n, const std::string& last = "Lee",
                                    const std::string& status = "A") {
  const std::string id = "10000000" + std::string(2 - std::min<std::size_t>(2, n.size()), '0') + n;
  return {id, "L" + n, "Ava", "", last, "2015-12-15", "05", "101", "", status, "", ""};
}
inline std::string id(const std::string& n) {
  return row(n)[0];
}

// The embedded store: one SQLite file in the test's folder.
struct Sqlite {
  static std::string create(const TempDir&) { return ""; }
  static std::unique_ptr<RosterStore> open(const Config& config, const std::string&) {
    return open_sqlite_store(config.store.sqlite.string());
  }
  // What the database answers to `sql`, a row a line, columns separated by |.
  static std::string query(const Config& config, const std::string&, const std::string& sql) {
    const auto r = run_process("/usr/bin/sqlite3", {config.store.sqlite.string(), sql});
    REQUIRE(r.exit_status == 0);
    return r.out;
  }
};

// The shared store: a fresh database of the harness's server for each test.
struct Postgres {
  static std::string create(const TempDir&) { return shared_postgres_server().create_database(); }
  static std::unique_ptr<RosterStore> open(const Config&, const std::string& db) {
    const auto& server = shared_postgres_server();
    return open_postgres_store({server.conninfo(db), server.password()});
  }
  static std::string query(const Config&, const std::string& db, const std::string& sql) {
    const auto r = shared_postgres_server().run_psql(db, {"-At", "-c", sql});
    INFO(r.err);
    REQUIRE(r.exit_status == 0);
    return r.out;
  }
};

// A run of its own that adds the given students (its outcome points into `changes`).
struct DirectRun {
  std::vector<Change> changes;
  std::vector<Discrepancy> discrepancies;
  RunOutcome outcome;

  DirectRun(RosterStore& store, const std::vector<std::vector<std::string>>& added) {
    FileSummary file;
    file.name = "direct.txt";
    outcome.run_id = store.runs().begin("gen", file);
    for (const auto& values : added) {
      Change c;
      c.kind = ChangeKind::added;
      c.state_id = values[0];
      c.set_after(values);
      changes.push_back(std::move(c));
    }
    outcome.feed = "gen";
    outcome.decision = Decision::committed;
    outcome.base_run = store.runs().last_committed("gen");
    outcome.discrepancies = &discrepancies;
    outcome.changes = &changes;
  }
  DirectRun(const DirectRun&) = delete;
};

template <typename Backend>
struct Fixture {
  TempDir dir;
  Config config;
  std::string db;
  std::unique_ptr<RosterStore> store;
  int files = 0;

  // `prepare` writes what the configuration names (before it is loaded).
  explicit Fixture(const std::string& extra = "",
                   const std::function<void(const std::filesystem::path&)>& prepare = {}) {
    if (prepare) prepare(dir.path());
    config = load_config(write_test_feed(dir.path(), extra, "live"));
    db = Backend::create(dir);
    store = Backend::open(config, db);
  }
  const FeedConfig& feed() const { return config.feed("gen"); }
  std::unique_ptr<RosterStore> open_another() const { return Backend::open(config, db); }
  std::string query(const std::string& sql) const { return Backend::query(config, db, sql); }

  IngestOutcome ingest(const std::vector<std::vector<std::string>>& rows) {
    const auto path = dir / ("night" + std::to_string(++files) + ".txt");
    std::ofstream(path, std::ios::binary) << roster_text(rows);
    return ingest_file(feed(), *store, path, 1, CivilDate{2026, 11, 23});
  }

  std::map<std::string, std::vector<std::string>> roster() {
    std::map<std::string, std::vector<std::string>> out;
    store->students().for_each("gen", [&](const std::vector<std::string>& v) { out[v[0]] = v; });
    return out;
  }
};

inline std::vector<std::vector<std::string>> rows(int n) {
  std::vector<std::vector<std::string>> out;
  for (int i = 1; i <= n; ++i)
    out.push_back(row(std::to_string(i)));
  return out;
}

}  // namespace rosterd::testing

TYPE_TO_STRING(rosterd::testing::Sqlite);
TYPE_TO_STRING(rosterd::testing::Postgres);
