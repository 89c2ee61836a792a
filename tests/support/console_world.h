// A district with a running console, for the console's API and browser tests: three feeds (gen,
// polled from a local drop, north, and west, which takes staff beside its students), people of
// every role, API tokens, and a history made with `rosterd ingest` before `rosterd run` starts: run
// 1 committed twenty students, run 2 committed with a possible match (student 3 under a new state
// ID), run 3 held (four withdrawals, over the 5% safeguard); north has one committed run of its
// own.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

namespace rosterd::testing {

// Starts `rosterd ARGS` (a `run` whose configuration has a console) logging to `log`, and waits
// until this very process says its console listens (event console.listening): another test's
// server that took the same port meanwhile is never taken for it. nullptr when the process
// ended first; its log says why (the port taken: pick another and start again).
std::unique_ptr<ChildProcess> start_console_service(const std::vector<std::string>& args,
                                                    const std::vector<std::string>& env,
                                                    const std::filesystem::path& log);

struct ConsoleWorld {
  static constexpr const char* kPassword = "correct horse 1";
  // Users by role: admin (every feed), approver and viewer (gen), north (approver on north).
  static constexpr const char* kAdmin = "admin@district.org";
  static constexpr const char* kApprover = "approver@district.org";
  static constexpr const char* kViewer = "viewer@district.org";
  static constexpr const char* kNorth = "north@district.org";

  TempDir tmp;
  std::filesystem::path config;
  int port = 0;
  std::map<std::string, std::string> tokens;  // by email
  std::int64_t held_run = 0;                  // gen's run 3
  std::int64_t match_run = 0;                 // gen's run 2, with the open alert
  std::int64_t north_run = 0;
  std::int64_t west_run = 0;       // west takes staff too (kinds:): one committed run
  std::int64_t alert = 0;          // the open possible match of run 2
  std::string matched_id, new_id;  // its committed candidate and the row's new ID
  std::unique_ptr<ChildProcess> service;

  // Builds it all and waits for /healthz; `extra_console` is added under `console:`.
  explicit ConsoleWorld(const std::string& extra_console = "");
  ~ConsoleWorld();

  // rosterd with --config added after the command.
  ProcessResult rosterd(std::vector<std::string> args) const;
  std::string sql(const std::string& query) const;
  // A request with the user's bearer token.
  HttpAnswer api(const std::string& email, const std::string& method, const std::string& target,
                 const std::string& body = "") const;
};

}  // namespace rosterd::testing
