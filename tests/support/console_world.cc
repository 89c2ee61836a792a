#include "tests/support/console_world.h"

#include <doctest/doctest.h>

#include <signal.h>
#include <unistd.h>

#include <fstream>

#include "tests/support/files.h"
#include "tests/support/loopback.h"
#include "tests/support/roster_generator.h"

namespace rosterd::testing {
namespace {

using Row = std::vector<std::string>;

std::string id_of(int n) {
  return std::to_string(1000000000 + n);
}

std::vector<Row> twenty() {
  std::vector<Row> rows;
  for (int n = 1; n <= 20; ++n) {
    char dob[40];
    std::snprintf(dob, sizeof dob, "2015-%02d-%02d", 1 + n % 8, n);
    rows.push_back({id_of(n), "L" + std::to_string(n), "Kid", "", "Family" + std::to_string(n), dob,
                    "05", "101", "", "A", "50", "60"});
  }
  return rows;
}

std::int64_t last_run(const ConsoleWorld& w, const std::string& feed) {
  return std::stoll(w.sql("SELECT max(id) FROM runs WHERE feed = '" + feed + "'"));
}

}  // namespace

ConsoleWorld::ConsoleWorld(const std::string& extra_console) {
  port = free_loopback_port();
  std::filesystem::create_directories(tmp / "drop");
  // north, and west (which takes staff beside its students: kinds:), share reference tables.
  const auto north_reference_as = [](const std::string& feed) {
    return "  " + feed +
           ":\n    mode: live\n    format: {quote: double}\n    reference:\n"
           "      grades: {table: ref/grades.txt, map: ref/grade_map.txt}\n"
           "      campuses: {table: ref/campuses.txt, map: ref/campus_map.txt}\n"
           "      diagnoses: {table: ref/diagnoses.txt, map: ref/diagnosis_map.txt}\n";
  };
  const std::string north = north_reference_as("north");
  config = write_test_feed(tmp.path(),
                           "    schedule: {poll_every: 1h}\n"
                           "    source:\n      local: {dir: drop, stable_for: 0s}\n" +
                               north + north_reference_as("west") + "    kinds: {staff: {}}\n" +
                               "console:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n" +
                               extra_console,
                           "live");
  const auto ingest = [&](const std::string& feed, const std::vector<Row>& rows,
                          const std::string& name) {
    std::ofstream(tmp / name, std::ios::binary) << roster_text(rows);
    const ProcessResult r =
        rosterd({"ingest", "--feed", feed, "--as-of", kGeneratorAsOf, (tmp / name).string()});
    INFO(r.out << r.err);
    REQUIRE((r.exit_status == 0 || r.exit_status == 4));
  };
  std::vector<Row> night = twenty();
  ingest("gen", night, "night-1.txt");
  // Night 2: student 3 under a new state ID, typed another way: a possible match.
  matched_id = id_of(3);
  new_id = id_of(503);
  night[2][0] = new_id;
  night[2][2] = "KID";
  ingest("gen", night, "night-2.txt");
  match_run = last_run(*this, "gen");
  alert = std::stoll(sql("SELECT id FROM alerts WHERE status = 'open'"));
  // Night 3: four students withdrawn (20% > 5%): held.
  night.resize(16);
  ingest("gen", night, "night-3.txt");
  held_run = last_run(*this, "gen");
  REQUIRE(sql("SELECT decision FROM runs WHERE id = " + std::to_string(held_run)) == "held\n");
  ingest("north", twenty(), "north-1.txt");
  north_run = last_run(*this, "north");
  // west: a set of the students and two staff members, one with an address that is none (its
  // value markup, to be escaped wherever it is shown).
  std::filesystem::create_directories(tmp / "west-1");
  std::ofstream(tmp / "west-1" / "students.txt", std::ios::binary) << roster_text(twenty());
  std::ofstream(tmp / "west-1" / "staff.txt", std::ios::binary)
      << "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status\n"
         "T1||Jo|Park|jo.park@district.org||teacher|101|A\n"
         "T2||Al|Bo|al<b>bo||teacher|101|A\n";
  const ProcessResult west =
      rosterd({"ingest", "--feed", "west", "--as-of", kGeneratorAsOf, (tmp / "west-1").string()});
  INFO(west.out << west.err);
  REQUIRE(west.exit_status == 1);  // committed, with the staff file's discrepancy
  west_run = last_run(*this, "west");

  std::ofstream(tmp / "pw") << kPassword << '\n';
  const auto add = [&](const std::string& email, const std::string& role,
                       const std::vector<std::string>& feeds) {
    std::vector<std::string> args = {"user",
                                     "add",
                                     email,
                                     "--name",
                                     email.substr(0, email.find('@')),
                                     "--role",
                                     role,
                                     "--password-file",
                                     (tmp / "pw").string()};
    for (const auto& f : feeds) {
      args.push_back("--feed");
      args.push_back(f);
    }
    const ProcessResult r = rosterd(args);
    INFO(r.out << r.err);
    REQUIRE(r.exit_status == 0);
    const ProcessResult t = rosterd({"token", "create", "--user", email, "--name", "tests"});
    REQUIRE(t.exit_status == 0);
    tokens[email] = t.out.substr(t.out.rfind('\n', t.out.size() - 2) + 1, 64);
  };
  add(kAdmin, "admin", {});
  add(kApprover, "approver", {"gen"});
  add(kViewer, "viewer", {"gen"});
  add(kNorth, "approver", {"north"});

  // A port found free may be taken by another test before the service binds it: then another.
  for (int attempt = 0; attempt < 5 && !service; ++attempt) {
    if (attempt != 0) {
      const int next = free_loopback_port();
      std::string yaml = read_file(config);
      const std::string listen = "listen: 127.0.0.1:" + std::to_string(port);
      REQUIRE(yaml.find(listen) != std::string::npos);
      yaml.replace(yaml.find(listen), listen.size(), "listen: 127.0.0.1:" + std::to_string(next));
      std::ofstream(config, std::ios::binary) << yaml;
      port = next;
    }
    service = start_console_service({"run", "--config", config.string()}, {}, tmp / "service.log");
  }
  INFO(read_file(tmp / "service.log"));
  REQUIRE(service != nullptr);
}

std::unique_ptr<ChildProcess> start_console_service(const std::vector<std::string>& args,
                                                    const std::vector<std::string>& env,
                                                    const std::filesystem::path& log) {
  std::filesystem::remove(log);
  auto service = std::make_unique<ChildProcess>(ROSTERD_BIN, args, env, log.string());
  // Each wait is on the process itself: it ends (a failure), or 50 ms pass and its log is read.
  for (int i = 0; i < 400; ++i) {
    if (read_file(log).find("event=console.listening") != std::string::npos) return service;
    if (service->wait(50) != -1) return nullptr;
  }
  return nullptr;
}

ConsoleWorld::~ConsoleWorld() {
  if (service) {
    service->signal(SIGTERM);
    service->wait(10000);
  }
}

ProcessResult ConsoleWorld::rosterd(std::vector<std::string> args) const {
  args.insert(args.begin() + 1, {"--config", config.string()});
  return run_process(ROSTERD_BIN, args);
}

std::string ConsoleWorld::sql(const std::string& query) const {
  const ProcessResult r = run_process("/usr/bin/sqlite3", {(tmp / "roster.db").string(), query});
  REQUIRE(r.exit_status == 0);
  return r.out;
}

HttpAnswer ConsoleWorld::api(const std::string& email, const std::string& method,
                             const std::string& target, const std::string& body) const {
  return http_request(
      port, method, target,
      {{"Authorization", "Bearer " + tokens.at(email)}, {"Content-Type", "application/json"}},
      body);
}

}  // namespace rosterd::testing
