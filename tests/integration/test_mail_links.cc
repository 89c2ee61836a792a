// The links in a district's mail, end to end: real mail through a real SMTP server on loopback
// (tests/support/smtp_sink.py), the console of a running `rosterd run`, and the store. Each
// recipient gets their own links; opening one changes nothing; a decision is a POST of the
// page's form, made once, recorded as the recipient's; a used, expired, forged or superseded
// link says so. Run alone: ctest -R integration_console (these cases: -tc='mail links*').
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/secret.h"
#include "tests/support/console_world.h"
#include "tests/support/files.h"
#include "tests/support/http_client.h"
#include "tests/support/loopback.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_clock.h"

using namespace rosterd::testing;
using nlohmann::json;

namespace {

using Row = std::vector<std::string>;

// 64 lowercase hex digits: a link's key, or a form token.
bool hex_key(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::vector<Row> students(int n) {
  std::vector<Row> rows;
  for (int i = 1; i <= n; ++i) {
    char dob[16];
    std::snprintf(dob, sizeof dob, "2015-%02d-%02d", 1 + i % 8, i);
    rows.push_back({std::to_string(1000000000 + i), "L" + std::to_string(i), "Kid", "",
                    "Family" + std::to_string(i), dob, "05", "101", "", "A", "50", "60"});
  }
  return rows;
}

constexpr const char* kApprover = "approver@district.example";
constexpr const char* kCoordinator = "coordinator@district.example";

// Night 1 commits twenty students; night 2 has sixteen: four deactivations (20% > 5%) hold it.
// The held run's mail went to the coordinator (qa_report) and the approver (held); then the
// service with its console starts.
struct LinkWorld {
  TempDir tmp;
  SmtpSink sink{tmp / "mail", tmp / "roster.db"};
  TestClockFile clock{tmp / "clock"};
  int port = free_loopback_port();
  std::filesystem::path config;
  std::unique_ptr<ChildProcess> service;

  LinkWorld() {
    std::filesystem::create_directories(tmp / "drop");
    config = write_test_feed(tmp.path(),
                             std::string("    schedule: {poll_every: 1h}\n"
                                         "    source:\n      local: {dir: drop, stable_for: 0s}\n"
                                         "    notify:\n      qa_report: [") +
                                 kCoordinator + "]\n      held: [" + kApprover +
                                 "]\n      failures: [ops@platform.example]\n"
                                 "smtp:\n  url: " +
                                 sink.url() +
                                 "\n  from: rosterd@platform.example\n  starttls: off\n"
                                 "console:\n  listen: 127.0.0.1:" +
                                 std::to_string(port) + "\n",
                             "live");
    ingest(students(20), "night-1.txt");
    ingest(students(16), "night-2.txt");
    REQUIRE(sql("SELECT decision FROM runs WHERE id = 2") == "held\n");
    // The mails already sent link to this port: if another test took it meanwhile, the
    // service cannot start, and the test says so rather than talk to the other's server.
    service = start_console_service({"run", "--config", config.string()}, {clock.env()},
                                    tmp / "service.log");
    INFO(read_file(tmp / "service.log"));
    REQUIRE(service != nullptr);
  }
  ~LinkWorld() {
    service->signal(SIGTERM);
    service->wait(10000);
  }
  void ingest(const std::vector<Row>& rows, const std::string& name) {
    std::ofstream(tmp / name, std::ios::binary) << roster_text(rows);
    const ProcessResult r = rosterd({"ingest", "--as-of", kGeneratorAsOf, (tmp / name).string()});
    INFO(r.out << r.err);
    REQUIRE((r.exit_status == 0 || r.exit_status == 4));
  }
  ProcessResult rosterd(std::vector<std::string> args) const {
    args.insert(args.begin() + 1, {"--config", config.string()});
    return run_process(ROSTERD_BIN, args, {clock.env()});
  }
  std::string sql(const std::string& query) const {
    const ProcessResult r = run_process("/usr/bin/sqlite3", {(tmp / "roster.db").string(), query});
    REQUIRE(r.exit_status == 0);
    return r.out;
  }
  // The mail of `run` to `address` on `list`.
  json mail(int run, const std::string& address, const std::string& list) const {
    for (const std::string& text : sink.messages()) {
      const json m = json::parse(text);
      if (m["rcpt_tos"] == json::array({address}) &&
          std::string(m["message_id"]).starts_with("<run-" + std::to_string(run) + "." + list))
        return m;
    }
    FAIL("no mail of run " << run << " to " << address << " on " << list);
    return {};
  }
  // The path of a link labelled `label` in a mail's text ("Review and decide: URL").
  std::string link(const json& m, const std::string& label) const {
    const std::string text = m["text"];
    const std::string start =
        label + ": http://127.0.0.1:" + std::to_string(port);  // then /m/ and 64 hex digits
    const std::size_t at = text.find(start + "/m/");
    REQUIRE_MESSAGE(at != std::string::npos, text);
    const std::string path = text.substr(at + start.size(), 3 + 64);
    REQUIRE(hex_key(path.substr(3)));
    const std::string html = m["html"];
    CHECK(html.find("href=\"http://127.0.0.1:" + std::to_string(port) + path + "\"") !=
          std::string::npos);
    return path;
  }
  HttpAnswer get(const std::string& path) const { return http_request(port, "GET", path); }
  HttpAnswer post(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& fields,
                  const std::string& origin = "") const {
    std::vector<std::pair<std::string, std::string>> headers{
        {"Content-Type", "application/x-www-form-urlencoded"}};
    if (!origin.empty()) headers.emplace_back("Origin", origin);
    return http_request(port, "POST", path, headers, form_body(fields));
  }
  std::string run_state(int run) const {
    std::string s = sql("SELECT decision FROM runs WHERE id = " + std::to_string(run));
    if (!s.empty()) s.pop_back();
    return s;
  }
};

// The form token in a link's page.
std::string form_token(const std::string& page) {
  const std::string field = "name=\"csrf\" value=\"";
  const std::size_t at = page.find(field);
  REQUIRE(at != std::string::npos);
  const std::string token = page.substr(at + field.size(), 64);
  REQUIRE(hex_key(token));
  return token;
}

}  // namespace

TEST_CASE("mail links: each recipient has their own; opening changes nothing; one decision") {
  LinkWorld w;
  const json held = w.mail(2, kApprover, "held");
  CHECK(std::string(held["text"])
            .starts_with("Held: this file was not committed: it would deactivate 4 of 20 students "
                         "(20%); the file "
                         "has 20% fewer rows than the last committed one, so it was probably cut "
                         "short. Nothing "
                         "was changed. Review it and decide.\n"));
  // Who it would change: in the body, and all of them in a CSV.
  CHECK(held["structure"] == json::array({"multipart/mixed", "multipart/alternative", "text/plain",
                                          "text/html", "text/csv"}));
  CHECK(held["attachments"][0]["filename"] == "rosterd-gen-run-2-affected.csv");
  const std::string affected = held["attachments"][0]["content"];
  CHECK(affected.starts_with(
      "\xEF\xBB\xBF"
      "change,state_id,new_state_id,local_id,school_code,school_name,grade\r\n"
      "deactivate,1000000017,,L17,101,Lincoln Elementary,\"=\"\"05\"\"\"\r\n"));
  CHECK(std::count(affected.begin(), affected.end(), '\n') == 5);
  CHECK(std::string(held["text"])
            .find("  - Change: deactivate · State ID: 1000000020 · Local ID: "
                  "L20 · School: 101 Lincoln Elementary · Grade: 05\n") != std::string::npos);
  const std::string review = w.link(held, "Review and decide");
  const std::string coordinator_review =
      w.link(w.mail(2, kCoordinator, "qa_report"), "Review and decide");
  CHECK(review != coordinator_review);
  CHECK(w.sql("SELECT count(*) FROM mail_links WHERE run = 2") == "2\n");
  CHECK(w.sql("SELECT count(DISTINCT recipient) FROM mail_links WHERE run = 2") == "2\n");

  // Opening it (twice, as a mail scanner and then the person) changes nothing.
  for (int i = 0; i < 2; ++i) {
    const HttpAnswer page = w.get(review);
    CHECK(page.status == 200);
    CHECK(page.body.find("Approve run 2") != std::string::npos);
    CHECK(page.body.find("Reject run 2") != std::string::npos);
    CHECK(page.body.find("This link is for approver@district.example") != std::string::npos);
  }
  const HttpAnswer head = http_request(w.port, "HEAD", review);
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.header("content-length") == std::to_string(w.get(review).body.size()));
  CHECK(w.run_state(2) == "held");
  CHECK(w.sql("SELECT used FROM mail_links WHERE recipient = 'approver@district.example'") ==
        "0\n");
  const std::string token = form_token(w.get(review).body);

  // A form without the page's token, or from another site, decides nothing.
  CHECK(w.post(review, {{"decision", "approve"}, {"reason", "ok"}}).status == 403);
  CHECK(w.post(review, {{"csrf", std::string(64, '0')}, {"decision", "approve"}, {"reason", "ok"}})
            .status == 403);
  CHECK(w.post(review, {{"csrf", token}, {"decision", "approve"}, {"reason", "ok"}},
               "https://evil.example")
            .status == 403);
  CHECK(w.post(review, {{"csrf", token}, {"decision", "approve"}, {"reason", " "}}).status == 400);
  CHECK(w.run_state(2) == "held");

  const HttpAnswer approved =
      w.post(review, {{"csrf", token}, {"decision", "approve"}, {"reason", "4 moved away"}});
  INFO(approved.body);
  CHECK(approved.status == 200);
  CHECK(approved.body.find("Run 2 approved and committed: 0 added, 0 updated, 4 deactivated.") !=
        std::string::npos);
  CHECK(w.run_state(2) == "committed");
  // Recorded as the recipient's decision, through a mail link, with the reason.
  CHECK(w.sql("SELECT who, via, action, reason FROM actions WHERE run = 2") ==
        "approver@district.example|mail link|approve|4 moved away\n");

  // Once: the same form again is refused, and the page says the link was used.
  const HttpAnswer again =
      w.post(review, {{"csrf", token}, {"decision", "reject"}, {"reason", "again"}});
  CHECK(again.status == 409);
  CHECK(again.body.find("used already") != std::string::npos);
  CHECK(w.run_state(2) == "committed");
  const HttpAnswer used = w.get(review);
  CHECK(used.body.find("This link was used on") != std::string::npos);
  CHECK(used.body.find("Sign in to the console") != std::string::npos);
  CHECK(used.body.find("Approve run 2") == std::string::npos);

  // The keys are in the mail alone: not in the store's copy of the sent mail, not in the log.
  for (const std::string& link : {review, coordinator_review}) {
    const std::string key = link.substr(3);
    CHECK(w.sql("SELECT count(*) FROM outbox WHERE instr(text_body, '" + key +
                "') > 0 OR instr(html_body, '" + key + "') > 0") == "0\n");
    CHECK(read_file(w.tmp / "service.log").find(key.substr(0, 16)) == std::string::npos);
  }
  CHECK(w.sql("SELECT count(*) FROM outbox WHERE instr(text_body, '/m/(sent: the key is kept "
              "only in the mail)') > 0") != "0\n");

  // Used, then expired: it shows the run no longer.
  w.clock.advance(73 * 3600);
  const HttpAnswer later = w.get(review);
  CHECK(later.status == 410);
  CHECK(later.body.find("4 deactivated") == std::string::npos);
}

TEST_CASE("mail links: no approver sees but cannot decide; superseded, expired, forged say so") {
  LinkWorld w;
  // The coordinator is on the QA report list only: the run, but no decision.
  const std::string mine = w.link(w.mail(2, kCoordinator, "qa_report"), "Review and decide");
  const HttpAnswer page = w.get(mine);
  CHECK(page.status == 200);
  CHECK(page.body.find("coordinator@district.example is not an approver of feed gen") !=
        std::string::npos);
  CHECK(page.body.find("Approve run 2") == std::string::npos);
  CHECK(page.body.find("name=\"csrf\"") == std::string::npos);  // no form at all
  // Whoever holds the link can make its form token (a digest of the key), so the refusal is the
  // server's: the recipient is no approver.
  const std::string key = mine.substr(3);
  const HttpAnswer refused =
      w.post(mine, {{"csrf", rosterd::key_digest("rosterd mail link form " + key)},
                    {"decision", "approve"},
                    {"reason", "looks fine"}});
  CHECK(refused.status == 409);
  CHECK(refused.body.find("is not an approver") != std::string::npos);
  CHECK(w.run_state(2) == "held");

  // Decided elsewhere (the command line): the approver's link shows it, and decides nothing.
  const std::string review = w.link(w.mail(2, kApprover, "held"), "Review and decide");
  const std::string approver_token = form_token(w.get(review).body);
  const ProcessResult rejected = w.rosterd({"reject", "2", "--reason", "wrong file"});
  INFO(rejected.out << rejected.err);
  REQUIRE(rejected.exit_status == 0);
  const HttpAnswer superseded = w.get(review);
  CHECK(superseded.body.find("Run 2 is not waiting for a decision: it is rejected.") !=
        std::string::npos);
  CHECK(superseded.body.find("wrong file") != std::string::npos);  // who decided, and why
  const HttpAnswer late =
      w.post(review, {{"csrf", approver_token}, {"decision", "approve"}, {"reason", "ok"}});
  CHECK(late.status == 409);
  CHECK(w.run_state(2) == "rejected");
  CHECK(w.sql("SELECT used FROM mail_links WHERE recipient = 'approver@district.example'") ==
        "0\n");  // a refused decision does not use the link up

  // Forged, or cut short: not a link rosterd sent.
  for (const std::string& forged :
       {"/m/" + std::string(64, 'a'), std::string("/m/abc"),
        // the last hex digit changed (to one it is not)
        review.substr(0, review.size() - 1) + (review.back() == '0' ? "1" : "0")}) {
    const HttpAnswer a = w.get(forged);
    CHECK(a.status == 404);
    CHECK(a.body.find("This is not a link rosterd sent") != std::string::npos);
    CHECK(a.body.find("Run 2") == std::string::npos);
  }

  // Expired: past report.links_valid_for (72 hours by default).
  w.clock.advance(73 * 3600);
  const HttpAnswer expired = w.get(mine);
  CHECK(expired.status == 410);
  CHECK(expired.body.find("This link expired on") != std::string::npos);
  CHECK(expired.body.find("/login?next=%2Fruns%2F2") != std::string::npos);
}

TEST_CASE("mail links: a console approver resolves a possible match from the QA report") {
  LinkWorld w;
  std::ofstream(w.tmp / "pw") << "correct horse 1\n";
  const ProcessResult added =
      w.rosterd({"user", "add", kCoordinator, "--name", "Coordinator", "--role", "approver",
                 "--feed", "gen", "--password-file", (w.tmp / "pw").string()});
  REQUIRE(added.exit_status == 0);
  // A page elsewhere making the browser fetch bad links locks nobody out of signing in.
  for (int i = 0; i < 30; ++i)
    CHECK(w.get("/m/" + std::string(63, 'a') + std::to_string(i % 10)).status == 404);
  CHECK(BrowserSession(w.port, kCoordinator, "correct horse 1").ok());
  REQUIRE(w.rosterd({"reject", "2", "--reason", "not tonight"}).exit_status == 0);
  // Night 3: twenty again, student 3 under a new state ID (typed another way): not added.
  std::vector<Row> night = students(20);
  night[2][0] = "1000000503";
  night[2][2] = "KID";
  w.ingest(night, "night-3.txt");
  const json m = w.mail(3, kCoordinator, "qa_report");
  CHECK(std::string(m["text"]).find("1 student was not added because they look like a student "
                                    "the platform already has") != std::string::npos);
  const std::string resolve = w.link(m, "Resolve 1 possible match");
  const HttpAnswer page = w.get(resolve);
  CHECK(page.status == 200);
  CHECK(page.body.find("1000000503") != std::string::npos);
  CHECK(page.body.find("1000000003") != std::string::npos);
  CHECK(page.body.find("Family3") == std::string::npos);  // report.pii minimal: no names
  CHECK(page.body.find("They are the same students") != std::string::npos);
  CHECK(w.sql("SELECT status FROM alerts") == "open\n");
  // Each link does what its label says, nothing else.
  const std::string token = form_token(page.body);
  const HttpAnswer wrong =
      w.post(resolve, {{"csrf", token}, {"decision", "approve"}, {"reason", "sneaky"}});
  CHECK(wrong.status == 409);
  CHECK(wrong.body.find("Review and decide") != std::string::npos);
  const std::string review = w.link(m, "See the run");
  const std::string review_key = review.substr(3);
  const HttpAnswer also_wrong =
      w.post(review, {{"csrf", rosterd::key_digest("rosterd mail link form " + review_key)},
                      {"decision", "match"},
                      {"reason", "sneaky"}});
  CHECK(also_wrong.status == 409);
  CHECK(also_wrong.body.find("does not decide alerts") != std::string::npos);
  CHECK(w.sql("SELECT status FROM alerts") == "open\n");
  const HttpAnswer done = w.post(
      resolve, {{"csrf", form_token(page.body)}, {"decision", "match"}, {"reason", "same kid"}});
  INFO(done.body);
  CHECK(done.status == 200);
  CHECK(done.body.find("1 alerts decided") != std::string::npos);
  CHECK(w.sql("SELECT status, decided_by FROM alerts") == "match|coordinator@district.example\n");
}
