// QA report mail against a real SMTP server on loopback (tests/support/smtp_sink.py, aiosmtpd):
// what arrives (headers, both bodies, the CSV), PII levels, STARTTLS, the outbox when the server
// is down, no duplicates, and that the report arrives before its run commits.
// Run alone: ctest -R integration_mail.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "core/civil_date.h"
#include "tests/support/district_year.h"
#include "tests/support/files.h"
#include "tests/support/process.h"
#include "tests/support/roster_generator.h"
#include "tests/support/smtp_sink.h"
#include "tests/support/temp_dir.h"
#include "tests/support/test_clock.h"

using namespace rosterd;
using namespace rosterd::testing;
using nlohmann::json;

namespace {

ProcessResult run_rosterd(const std::vector<std::string>& args) {
  return run_process(ROSTERD_BIN, args);
}

// Five students: one clean, and discrepancies whose values a spreadsheet would run as formulas
// (grade "=1+2", campus "@SUM(A1)", math score "-5") or that are PII (a birth date).
std::string roster() {
  return roster_text({
      {"1000000001", "L1", "Ada", "", "Lovelace", "2015-03-04", "05", "LES", "", "A", "80", "90"},
      {"1000000002", "L2", "Bob", "", "Smith", "2015-05-06", "=1+2", "LES", "", "A", "", ""},
      {"1000000003", "L3", "Cy", "", "Jones", "2015-05-06", "05", "@SUM(A1)", "", "A", "", ""},
      {"1000000004", "L4", "Di", "", "Brown", "2015-05-06", "05", "LES", "", "A", "70", "-5"},
      {"1000000005", "L5", "Carol", "", "White", "2015-02-30", "05", "LES", "", "A", "", ""},
  });
}

struct MailFixture {
  TempDir tmp;
  SmtpSink sink{tmp / "mail", tmp / "roster.db"};
  TestClockFile clock{tmp / "clock"};  // the time of every rosterd this fixture runs
  std::filesystem::path config;
  std::filesystem::path file = tmp / "roster.txt";

  explicit MailFixture(const std::string& feed_extra = "",
                       const std::string& smtp_extra = "  starttls: off\n") {
    write_config(feed_extra, smtp_extra);
    std::ofstream(file, std::ios::binary) << roster();
  }
  void write_config(const std::string& feed_extra, const std::string& smtp_extra) {
    config = write_test_feed(tmp.path(),
                             "    policy: {max_reject_pct: 100}\n"
                             "    notify:\n"
                             "      qa_report: [qa@district.example]\n"
                             "      held: [approver@district.example]\n"
                             "      failures: [ops@platform.example]\n" +
                                 feed_extra + "smtp:\n  url: " + sink.url() +
                                 "\n  from: \"rosterd <rosterd@platform.example>\"\n"
                                 "  connect_timeout: 5s\n" +
                                 smtp_extra,
                             "live");
  }
  // Replaces `what` in the configuration file with `with`.
  void edit_config(const std::string& what, const std::string& with) {
    std::ifstream in(config);
    std::ostringstream text;
    text << in.rdbuf();
    std::string cfg = text.str();
    REQUIRE(cfg.find(what) != std::string::npos);
    cfg.replace(cfg.find(what), what.size(), with);
    std::ofstream(config) << cfg;
  }
  ProcessResult ingest() {
    return rosterd(
        {"ingest", "--config", config.string(), "--as-of", kGeneratorAsOf, file.string()});
  }
  // rosterd ARGS on the fixture's clock.
  ProcessResult rosterd(const std::vector<std::string>& args) const {
    return run_process(ROSTERD_BIN, args, {clock.env()});
  }
  std::vector<json> received() const {
    std::vector<json> out;
    for (const auto& m : sink.messages())
      out.push_back(json::parse(m));
    return out;
  }
  std::string history() { return rosterd({"history", "--config", config.string()}).out; }
};

std::string today() {
  return to_iso(today_utc());
}

}  // namespace

TEST_CASE(
    "integration: the QA report arrives with both bodies and a neutralised CSV, before the "
    "commit") {
  MailFixture f;
  const ProcessResult r = f.ingest();
  INFO(r.out, r.err);
  REQUIRE(r.exit_status == 1);  // committed, with discrepancies
  const auto mails = f.received();
  REQUIRE(mails.size() == 1);
  const json& m = mails[0];
  CHECK(m["mail_from"] == "rosterd@platform.example");
  CHECK(m["rcpt_tos"] == json::array({"qa@district.example"}));
  CHECK(m["from"] == "rosterd <rosterd@platform.example>");
  CHECK(std::string(m["message_id"]).starts_with("<run-1.qa_report."));
  // Sent before the commit: it never claims one.
  CHECK(m["subject"] ==
        "[rosterd] gen " + today() + ": PASSED — 2 added, 0 updated, 0 deactivated, 3 rejected");
  const std::string text = m["text"];
  CHECK(
      text.starts_with("Passed with 3 rejected rows: run 1 adds 2 students; it is committed as "
                       "this report goes out. 3 rejected rows changed nothing: fix them in the "
                       "SIS so that the next file brings them.\n"));
  CHECK(text.find("Grades the platform does not know — 1 row rejected") != std::string::npos);
  // The district's own column headers and the platform's school names.
  CHECK(text.find("  - Line: 3 · State ID: 1000000002 · Local ID: L2 · School: 101 Lincoln "
                  "Elementary · Column: Grade\n    What is wrong: The grade \"=1+2\"") !=
        std::string::npos);
  CHECK(text.find("rosterd rollback") == std::string::npos);  // no shell commands to a district
  const std::string html = m["html"];
  CHECK(html.find("Passed with 3 rejected rows:</strong>") != std::string::npos);
  CHECK(html.find("Schools the platform does not know") != std::string::npos);
  CHECK(html.find("&quot;@SUM(A1)&quot;") != std::string::npos);  // escaped, not markup
  REQUIRE(m["attachments"].size() == 1);
  CHECK(m["attachments"][0]["filename"] == "rosterd-gen-run-1-discrepancies.csv");
  CHECK(m["attachments"][0]["content_type"] == "text/csv");
  const std::string csv = m["attachments"][0]["content"];
  CHECK(
      csv.starts_with("\xEF\xBB\xBFseverity,line,state_id,local_id,school_code,school_name,"
                      "column,value,message,how_to_fix\r\n"));
  CHECK(csv.find("rejected,3,1000000002,L2,101,Lincoln Elementary,Grade,'=1+2,") !=
        std::string::npos);
  CHECK(csv.find("rejected,4,1000000003,L3,'@SUM(A1),,CampusID,'@SUM(A1),") != std::string::npos);
  // -5 is a number, not a formula: no apostrophe.
  CHECK(csv.find("accepted with a warning,5,1000000004,L4,101,Lincoln Elementary,MathScore,-5,") !=
        std::string::npos);
  // report.pii defaults to minimal: the bad birth date is reported without its value.
  CHECK(csv.find("rejected,6,1000000005,L5,101,Lincoln Elementary,DateOfBirth,[withheld],\"Column "
                 "DateOfBirth (birth date) has a value (withheld from this report) that is not a "
                 "real date") != std::string::npos);
  CHECK(csv.find("2015-02-30") == std::string::npos);
  CHECK(text.find("2015-02-30") == std::string::npos);
  CHECK(html.find("2015-02-30") == std::string::npos);
  // The report reached the server while the run was still uncommitted.
  CHECK(m["runs_at_receipt"]["1"] == "running");
  CHECK(f.history().find("committed") != std::string::npos);
}

TEST_CASE("integration: report.pii full shows names and birth dates") {
  MailFixture f("    report: {pii: full}\n");
  REQUIRE(f.ingest().exit_status == 1);
  const auto mails = f.received();
  REQUIRE(mails.size() == 1);
  const std::string csv = mails[0]["attachments"][0]["content"];
  CHECK(csv.find("rejected,6,1000000005,L5,101,Lincoln Elementary,DateOfBirth,2015-02-30,") !=
        std::string::npos);
  CHECK(std::string(mails[0]["text"]).find("2015-02-30") != std::string::npos);
}

TEST_CASE("integration: a held run is also sent to the held list, naming whom to ask") {
  MailFixture f("    report: {pii: minimal, contact: \"Jo Park <jo@vendor.example>\"}\n");
  // max_reject_pct back to its default (5%): 3 rejected rows of 5 hold the run.
  f.edit_config("max_reject_pct: 100", "max_reject_pct: 5");
  const ProcessResult r = f.ingest();
  CHECK(r.exit_status == 4);
  const auto mails = f.received();
  REQUIRE(mails.size() == 2);
  CHECK(mails[0]["rcpt_tos"] == json::array({"qa@district.example"}));
  CHECK(mails[1]["rcpt_tos"] == json::array({"approver@district.example"}));
  CHECK(mails[1]["subject"] == "[rosterd] gen " + today() +
                                   ": HELD — 3 of 5 rows (60%) were rejected, more than the 5% "
                                   "the feed allows");
  const std::string text = mails[1]["text"];
  // No console in this configuration: the mail names the contact, never a shell command.
  CHECK(
      text.starts_with("Held: this file was not committed: 3 of 5 rows (60%) were rejected, "
                       "more than the 5% the feed allows. Nothing was changed. Ask Jo Park "
                       "<jo@vendor.example> to approve or reject it.\n"));
  CHECK(text.find("rosterd approve") == std::string::npos);
  CHECK(std::string(mails[1]["html"]).find("href=") == std::string::npos);
  // Both bodies as alternatives, then the discrepancies and who the run would change... here
  // nobody: 3 rejected rows deactivate no one, so one CSV.
  CHECK(mails[1]["structure"] == json::array({"multipart/mixed", "multipart/alternative",
                                              "text/plain", "text/html", "text/csv"}));
  CHECK(mails[1]["attachments"][0]["filename"] == "rosterd-gen-run-1-discrepancies.csv");
}

TEST_CASE("integration: a school's own thresholds hold the run, and its lists get their copy") {
  MailFixture f(
      "    per_campus:\n"
      "      \"101\":\n"
      "        policy: {max_reject_pct: 10}\n"
      "        notify: {qa_report: [lincoln@district.example], held: [head@lincoln.example]}\n",
      "  starttls: off\nconsole:\n  listen: 127.0.0.1:8470\n");
  const ProcessResult r = f.ingest();
  INFO(r.out << r.err);
  CHECK(r.exit_status == 4);  // 2 of campus 101's 4 rows are rejected: over its 10%
  CHECK(r.out.find("per_campus.101.max_reject_pct") != std::string::npos);
  const auto mails = f.received();
  REQUIRE(mails.size() == 4);
  CHECK(mails[0]["rcpt_tos"] == json::array({"qa@district.example"}));
  CHECK(mails[1]["rcpt_tos"] == json::array({"lincoln@district.example"}));
  const std::string campus_copy = mails[1]["text"];
  CHECK(campus_copy.find("This copy is for 101 Lincoln Elementary") != std::string::npos);
  CHECK(campus_copy.find("at 101 Lincoln Elementary, 2 of 4 rows (50%) were rejected") !=
        std::string::npos);
  // Its campus leads the per-school table.
  const std::size_t by_school = campus_copy.find("By school");
  CHECK(by_school < campus_copy.find("  - School: 101 Lincoln Elementary · Rows: 4", by_school));
  CHECK(campus_copy.find("  - School: 101 Lincoln Elementary · Rows: 4", by_school) <
        campus_copy.find("  - School: @SUM(A1) · Rows: 1", by_school));
  // Its discrepancies only: the row of the unknown campus is not in its CSV.
  const std::string csv = mails[1]["attachments"][0]["content"];
  CHECK(csv.find("1000000002") != std::string::npos);
  CHECK(csv.find("1000000003") == std::string::npos);
  CHECK(std::string(mails[0]["attachments"][0]["content"]).find("1000000003") != std::string::npos);
  // Links: the district's copy to the run and its discrepancies; the school's to the run only
  // (the console's list of discrepancies is the district's).
  CHECK(std::string(mails[0]["text"]).find("See every discrepancy: http://127.0.0.1:8470/m/") !=
        std::string::npos);
  CHECK(campus_copy.find("Review and decide: http://127.0.0.1:8470/m/") != std::string::npos);
  CHECK(campus_copy.find("See every discrepancy") == std::string::npos);
  CHECK(mails[2]["rcpt_tos"] == json::array({"approver@district.example"}));
  CHECK(mails[3]["rcpt_tos"] == json::array({"head@lincoln.example"}));
}

TEST_CASE("integration: STARTTLS required against a server without it is refused") {
  MailFixture f("", "  starttls: required\n");
  const ProcessResult r =
      run_rosterd({"mail-test", "--config", f.config.string(), "--to", "qa@district.example"});
  CHECK(r.exit_status == 5);
  CHECK(r.out.find("FAILED") != std::string::npos);
  CHECK(r.out.find("STARTTLS") != std::string::npos);
  CHECK(r.out.find("< 250") != std::string::npos);  // the conversation is shown
  // As lines, not as one line of \x0A escapes.
  CHECK(r.out.find("\\x0A") == std::string::npos);
  CHECK(r.out.find("\n< 250") != std::string::npos);
  CHECK(f.received().empty());

  // And with it off, the same server takes the test message.
  f.write_config("", "  starttls: off\n");
  const ProcessResult ok =
      run_rosterd({"mail-test", "--config", f.config.string(), "--to", "qa@district.example"});
  INFO(ok.out);
  CHECK(ok.exit_status == 0);
  CHECK(ok.out.find("OK: the server accepted the message.") != std::string::npos);
  CHECK(f.received().size() == 1);
}

TEST_CASE(
    "integration: the mail server down holds the run; when it is back the report goes out, "
    "then the run commits, once") {
  MailFixture f;
  f.sink.stop();
  const ProcessResult held = f.ingest();
  INFO(held.out, held.err);
  CHECK(held.exit_status == 4);
  CHECK(held.out.find("waiting for its QA report to be delivered") != std::string::npos);
  CHECK(run_rosterd({"export", "--config", f.config.string()}).out.find("1000000001") ==
        std::string::npos);  // nothing committed
  const ProcessResult backlog = run_rosterd({"outbox", "--config", f.config.string()});
  CHECK(backlog.out.find("qa_report  1 attempt(s)") != std::string::npos);

  f.sink.start();
  const ProcessResult flushed = run_rosterd({"outbox", "--config", f.config.string(), "--deliver"});
  CHECK(flushed.out.find("Delivered 1 message(s).") != std::string::npos);
  const auto mails = f.received();
  REQUIRE(mails.size() == 2);
  CHECK(mails[0]["runs_at_receipt"]["1"] == "held");  // still not committed when it arrived
  // Queued while its run waited for it, it says so: it never claimed a commit.
  CHECK(mails[0]["subject"] == "[rosterd] gen " + today() +
                                   ": HELD until this report is delivered — 2 added, 0 updated, "
                                   "0 deactivated, 3 rejected");
  CHECK(std::string(mails[0]["text"])
            .starts_with("Held until this report is delivered: run 1 "
                         "adds 2 students and passed every safeguard"));
  // Then, committed, the list is told so.
  CHECK(mails[1]["rcpt_tos"] == json::array({"qa@district.example"}));
  CHECK(mails[1]["runs_at_receipt"]["1"] == "committed");
  CHECK(mails[1]["subject"] ==
        "[rosterd] gen " + today() + ": COMMITTED — 2 added, 0 updated, 0 deactivated, 3 rejected");
  CHECK(std::string(mails[1]["text"])
            .starts_with("Committed: run 1 adds 2 students, and it was committed once its QA "
                         "report (sent earlier) "
                         "had gone out.\n"));
  CHECK(f.history().find("committed") != std::string::npos);
  CHECK(run_rosterd({"export", "--config", f.config.string()}).out.find("1000000001") !=
        std::string::npos);

  // Restarted, delivering again: nothing is sent twice.
  run_rosterd({"outbox", "--config", f.config.string(), "--deliver"});
  f.ingest();  // the same file again: its own run, its own report
  const auto after = f.received();
  REQUIRE(after.size() == 3);
  CHECK(std::string(after[2]["message_id"]).starts_with("<run-2.qa_report."));
}

TEST_CASE(
    "integration: a held run whose report went out is committed only by a process that holds its "
    "feed") {
  MailFixture f;
  f.sink.stop();
  REQUIRE(f.ingest().exit_status == 4);  // held, waiting for its report
  f.sink.start();
  {
    // Another rosterd process (a service's poll) is working on the feed: committing the held
    // run under it would change the base its run is planned against.
    const auto locks = f.tmp / "state/locks";
    std::filesystem::create_directories(locks);
    const int fd = ::open((locks / "gen.lock").c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    const ProcessResult busy = run_rosterd({"outbox", "--config", f.config.string(), "--deliver"});
    INFO(busy.out, busy.err);
    CHECK(busy.out.find("Delivered 1 message(s).") != std::string::npos);
    CHECK(busy.out.find("gen: busy: another rosterd process is working on this feed; the runs "
                        "waiting for their report are settled by the process that holds the "
                        "feed, at its next poll") != std::string::npos);
    CHECK(f.received().size() == 1);
    CHECK(f.history().find("committed") == std::string::npos);  // still held
    ::close(fd);
  }
  // The feed is free: the next delivery round (here by hand) commits the run.
  const ProcessResult free = run_rosterd({"outbox", "--config", f.config.string(), "--deliver"});
  INFO(free.out, free.err);
  CHECK(free.out.find("Delivered 0 message(s).") != std::string::npos);
  CHECK(free.out.find("working on this feed") == std::string::npos);
  CHECK(f.history().find("committed") != std::string::npos);
  CHECK(f.received().size() == 2);  // and the notice that it committed
}

TEST_CASE(
    "integration: a held run of a feed no service polls (runs by `ingest`) is committed by the "
    "next `run --once` once its report went out") {
  MailFixture f(
      "  polled:\n"
      "    reference:\n"
      "      grades: {table: ref/grades.txt, map: ref/grade_map.txt}\n"
      "      campuses: {table: ref/campuses.txt, map: ref/campus_map.txt}\n"
      "      diagnoses: {table: ref/diagnoses.txt, map: ref/diagnosis_map.txt}\n"
      "    source: {local: {dir: drop, stable_for: 0s}}\n");
  std::filesystem::create_directories(f.tmp / "drop");
  f.sink.stop();
  const ProcessResult held = run_rosterd({"ingest", "--config", f.config.string(), "--feed", "gen",
                                          "--as-of", kGeneratorAsOf, f.file.string()});
  INFO(held.out, held.err);
  REQUIRE(held.exit_status == 4);
  f.sink.start();
  const ProcessResult once = run_rosterd({"run", "--once", "--config", f.config.string()});
  INFO(once.out, once.err);
  CHECK(once.exit_status == 0);
  CHECK(f.received().size() == 2);  // the report, then the notice that it committed
  CHECK(f.history().find("committed") != std::string::npos);
}

TEST_CASE(
    "integration: a mail server hanging mid-DATA times out; the run waits, and commits once the "
    "report goes out") {
  MailFixture f("", "  starttls: off\n  timeout: 2s\n");
  f.sink.stop();
  f.sink.set_stall(true);
  f.sink.start();
  const auto started = std::chrono::steady_clock::now();
  const ProcessResult held = f.ingest();
  const auto took = std::chrono::steady_clock::now() - started;
  INFO(held.out, held.err);
  CHECK(held.exit_status == 4);  // held: the report did not go out
  INFO("took " << std::chrono::duration_cast<std::chrono::seconds>(took).count() << " s");
  CHECK(took < std::chrono::seconds(20));  // the timeout, not a hang
  CHECK(held.err.find("SMTP") != std::string::npos);
  CHECK(held.out.find("waiting for its QA report to be delivered") != std::string::npos);
  CHECK(run_rosterd({"export", "--config", f.config.string()}).out.find("1000000001") ==
        std::string::npos);
  f.sink.stop();
  f.sink.set_stall(false);
  f.sink.start();
  run_rosterd({"outbox", "--config", f.config.string(), "--deliver"});
  const auto mails = f.received();
  REQUIRE(mails.size() == 2);  // the report, then the notice that the run committed
  CHECK(std::string(mails[0]["message_id"]).starts_with("<run-1.qa_report."));
  CHECK(std::string(mails[1]["subject"]).find(": COMMITTED — ") != std::string::npos);
  CHECK(f.history().find("committed") != std::string::npos);
}

TEST_CASE(
    "integration: a report delivered after deliver_within leaves the run held and tells the "
    "failures list") {
  MailFixture f("    report: {deliver_within: 1s}\n");
  f.sink.stop();
  CHECK(f.ingest().exit_status == 4);
  f.clock.advance(2);  // past deliver_within
  f.sink.start();
  f.rosterd({"outbox", "--config", f.config.string(), "--deliver"});
  const auto mails = f.received();
  REQUIRE(mails.size() == 3);
  CHECK(std::string(mails[0]["message_id"]).starts_with("<run-1.qa_report."));
  // The approvers hear that the run now waits for them, in the district's words...
  CHECK(mails[1]["rcpt_tos"] == json::array({"approver@district.example"}));
  CHECK(std::string(mails[1]["subject"]).find(": HELD — approval needed") != std::string::npos);
  CHECK(std::string(mails[1]["text"])
            .starts_with("Held: this file was not committed: it waits for a person to approve it "
                         "(its QA report was "
                         "delivered only after 1 second (report.deliver_within))."));
  CHECK(std::string(mails[1]["text"]).find("rosterd approve") == std::string::npos);
  // ... and the operators get the commands.
  CHECK(mails[2]["rcpt_tos"] == json::array({"ops@platform.example"}));
  CHECK(std::string(mails[2]["subject"])
            .find("run 1 HELD — its QA report was not delivered in time") != std::string::npos);
  CHECK(std::string(mails[2]["text"]).find("rosterd approve") != std::string::npos);
  CHECK(f.history().find("held") != std::string::npos);
  CHECK(f.history().find("committed") == std::string::npos);
}

TEST_CASE("integration: with report.required false a run commits while its report waits") {
  MailFixture f("    report: {required: false}\n");
  f.sink.stop();
  CHECK(f.ingest().exit_status == 1);
  CHECK(f.history().find("committed") != std::string::npos);
  f.sink.start();
  run_rosterd({"outbox", "--config", f.config.string(), "--deliver"});
  CHECK(f.received().size() == 1);
}

TEST_CASE(
    "integration: a drop that cannot be read is told to the failures list once, not every poll") {
  MailFixture f("    source:\n      local: {dir: no-such-drop, attempts: 1}\n");
  for (int i = 0; i < 2; ++i) {
    const ProcessResult r = run_rosterd({"run", "--once", "--config", f.config.string()});
    CHECK(r.exit_status == 5);
  }
  const auto mails = f.received();
  REQUIRE(mails.size() == 1);
  CHECK(mails[0]["rcpt_tos"] == json::array({"ops@platform.example"}));
  CHECK(mails[0]["subject"] ==
        "[rosterd] gen " + today() + ": FAILED — the drop could not be read");
  CHECK(std::string(mails[0]["text"]).find("no-such-drop") != std::string::npos);
}

TEST_CASE("integration: a file left in the drop (move_to is a link) is told to the failures list") {
  MailFixture f(
      "    source:\n      local: {dir: drop, stable_for: 0s, after: move, move_to: done}\n");
  std::filesystem::create_directories(f.tmp / "drop");
  std::filesystem::create_directories(f.tmp / "elsewhere");
  std::filesystem::create_directory_symlink(f.tmp / "elsewhere", f.tmp / "drop/done");
  std::filesystem::copy_file(f.file, f.tmp / "drop/roster.txt");
  const ProcessResult r =
      run_rosterd({"run", "--once", "--config", f.config.string(), "--as-of", kGeneratorAsOf});
  INFO(r.out, r.err);
  CHECK(f.history().find("committed  roster.txt") != std::string::npos);
  CHECK(std::filesystem::exists(f.tmp / "drop/roster.txt"));
  CHECK(std::filesystem::is_empty(f.tmp / "elsewhere"));
  std::vector<json> alerts;
  for (const json& m : f.received()) {
    if (m["rcpt_tos"] == json::array({"ops@platform.example"})) alerts.push_back(m);
  }
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0]["subject"] ==
        "[rosterd] gen " + today() + ": ATTENTION — roster.txt was left in the drop");
  const std::string text = alerts[0]["text"];
  CHECK(text.find((f.tmp / "drop/done").string() + " is a symbolic link") != std::string::npos);
  // The next poll neither takes the file again nor tells it again.
  run_rosterd({"run", "--once", "--config", f.config.string(), "--as-of", kGeneratorAsOf});
  std::size_t told = 0;
  for (const json& m : f.received())
    told += std::string(m["subject"]).find("ATTENTION") != std::string::npos ? 1 : 0;
  CHECK(told == 1);
}

TEST_CASE(
    "integration: a report the server refuses holds the run, and the failures list is told "
    "after deliver_within without being blocked by it") {
  MailFixture f;
  f.write_config("    report: {deliver_within: 1s}\n", "  starttls: off\n");
  // The report goes to a mailbox the server refuses (550).
  f.edit_config("qa_report: [qa@district.example]", "qa_report: [bounce@district.example]");
  const ProcessResult r = f.ingest();
  INFO(r.out, r.err);
  CHECK(r.exit_status == 4);
  CHECK(f.received().empty());
  f.clock.advance(2);  // past deliver_within
  f.rosterd({"outbox", "--config", f.config.string(), "--deliver"});
  const auto mails = f.received();
  REQUIRE(mails.size() == 2);  // the held notice and the alert got past the refused report
  CHECK(mails[0]["rcpt_tos"] == json::array({"approver@district.example"}));
  CHECK(mails[1]["rcpt_tos"] == json::array({"ops@platform.example"}));
  CHECK(std::string(mails[1]["text"]).find("could not be delivered within") != std::string::npos);
  CHECK(std::string(mails[1]["text"]).find("550") != std::string::npos);
  CHECK(f.history().find("held") != std::string::npos);
  const ProcessResult backlog = run_rosterd({"outbox", "--config", f.config.string()});
  CHECK(backlog.out.find("qa_report") != std::string::npos);  // still waiting, still tried
}

TEST_CASE("integration: a file refused whole is reported to qa_report and to the failures list") {
  MailFixture f;
  std::ofstream(f.file, std::ios::binary) << "";
  const ProcessResult r = f.ingest();
  CHECK(r.exit_status == 3);
  const auto mails = f.received();
  REQUIRE(mails.size() == 2);
  CHECK(mails[0]["subject"] == "[rosterd] gen " + today() + ": REFUSED — Empty file");
  // Why, always, at pii minimal too.
  CHECK(std::string(mails[0]["text"])
            .starts_with("Refused: nothing in the file was used and the platform keeps the last "
                         "committed roster. "
                         "The file has no header row and no students"));
  CHECK(mails[1]["rcpt_tos"] == json::array({"ops@platform.example"}));
  CHECK(mails[1]["subject"] == "[rosterd] gen " + today() + ": REFUSED — empty_file");
  CHECK(std::string(mails[1]["text"])
            .starts_with("Refused: the file roster.txt (run 1) was "
                         "refused as a whole and nothing in it was "
                         "used"));
  CHECK(std::string(mails[1]["html"]).find("Refused:</strong>") != std::string::npos);
}

TEST_CASE("integration: yesterday's bytes again are told to the failures list as a repeat") {
  MailFixture f("    source:\n      local: {dir: drop, stable_for: 0s}\n");
  std::filesystem::create_directories(f.tmp / "drop");
  std::filesystem::copy_file(f.file, f.tmp / "drop/mon.txt");
  const std::vector<std::string> once = {"run",     "--once",      "--config", f.config.string(),
                                         "--as-of", kGeneratorAsOf};
  run_rosterd(once);
  std::filesystem::copy_file(f.file, f.tmp / "drop/tue.txt");
  run_rosterd(once);
  run_rosterd(once);
  const auto mails = f.received();
  REQUIRE(mails.size() == 2);  // monday's report, then one repeat alert
  CHECK(std::string(mails[0]["message_id"]).starts_with("<run-1.qa_report."));
  CHECK(mails[1]["subject"] == "[rosterd] gen " + today() + ": REPEAT — tue.txt was not ingested");
  CHECK(std::string(mails[1]["text"]).find("the same bytes as mon.txt") != std::string::npos);
}

TEST_CASE("integration: no file by the deadline sends one missing-file alert and a history line") {
  // A deadline of 00:00 UTC every day has always passed: the drop is empty, so the file is late.
  MailFixture f(
      "    source:\n      local: {dir: drop, stable_for: 0s}\n"
      "    schedule: {expect_by: \"00:00\", timezone: UTC}\n");
  std::filesystem::create_directories(f.tmp / "drop");
  const std::vector<std::string> once = {"run", "--once", "--config", f.config.string()};
  const ProcessResult first = run_rosterd(once);
  CHECK(first.out.find("gen: MISSING: no roster file had arrived by 00:00 UTC on " + today()) !=
        std::string::npos);
  run_rosterd(once);  // a second poll the same day tells nobody again
  const auto mails = f.received();
  REQUIRE(mails.size() == 1);
  CHECK(mails[0]["rcpt_tos"] == json::array({"ops@platform.example"}));
  CHECK(mails[0]["subject"] ==
        "[rosterd] gen " + today() + ": MISSING — no roster file by 00:00 UTC");
  CHECK(std::string(mails[0]["text"])
            .starts_with("Missing: no roster file of feed gen had arrived by 00:00 UTC on " +
                         today() + ", so tonight's changes are not on the platform"));
  CHECK(std::string(mails[0]["html"]).find("Missing:</strong>") != std::string::npos);
  const std::string history = f.history();
  CHECK(history.find("missing  no file for " + today() +
                     ": no roster file had arrived by 00:00 UTC") != std::string::npos);
}

TEST_CASE("integration: a file taken today means no missing-file alert") {
  MailFixture f(
      "    source:\n      local: {dir: drop, stable_for: 0s}\n"
      "    schedule: {expect_by: \"00:00\", timezone: UTC}\n");
  std::filesystem::create_directories(f.tmp / "drop");
  std::filesystem::copy_file(f.file, f.tmp / "drop/roster.txt");
  run_rosterd({"run", "--once", "--config", f.config.string(), "--as-of", kGeneratorAsOf});
  const auto mails = f.received();
  REQUIRE(mails.size() == 1);  // the QA report only
  CHECK(std::string(mails[0]["message_id"]).starts_with("<run-1.qa_report."));
  CHECK(f.history().find("missing") == std::string::npos);
}

TEST_CASE("integration: the same roster again and again past stale_after is one stale-feed alert") {
  MailFixture f(
      "    source:\n      local: {dir: drop, stable_for: 0s}\n"
      "    schedule: {stale_after: 1d}\n");
  std::filesystem::create_directories(f.tmp / "drop");
  const std::vector<std::string> once = {"run",     "--once",      "--config", f.config.string(),
                                         "--as-of", kGeneratorAsOf};
  std::filesystem::copy_file(f.file, f.tmp / "drop/mon.txt");
  f.rosterd(once);
  f.clock.advance(2 * 86400);                                  // two days on: past stale_after
  std::filesystem::copy_file(f.file, f.tmp / "drop/tue.txt");  // yesterday's bytes again
  const ProcessResult r = f.rosterd(once);
  CHECK(r.out.find("gen: STALE: every file since ") != std::string::npos);
  f.rosterd(once);
  const auto mails = f.received();
  // Monday's report, Tuesday's repeat alert, one stale alert; nothing more on the third poll.
  REQUIRE(mails.size() == 3);
  CHECK(std::string(mails[2]["subject"]).find(": STALE — the same roster for 2 day(s)") !=
        std::string::npos);
  CHECK(std::string(mails[2]["text"]).starts_with("Stale: every file of feed gen since "));
  CHECK(f.history().find("stale feed: every file since") != std::string::npos);
}

TEST_CASE("integration: STARTTLS and login work, and mail-test never shows the password") {
  TempDir tmp;
  // A certificate for 127.0.0.1 that the client trusts through smtp.ca_file.
  const ProcessResult cert = run_process(
      "/usr/bin/openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                           "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                           (tmp / "key.pem").string(), "-out", (tmp / "cert.pem").string()});
  REQUIRE(cert.exit_status == 0);
  const std::string password = "Tr0ub4dor-and-3";
  SmtpSink sink(tmp / "mail", tmp / "cert.pem", tmp / "key.pem", "rosterd:" + password);
  write_file(tmp / "smtp.password", password + "\n");
  const auto config = write_test_feed(
      tmp.path(),
      "smtp:\n  url: " + sink.url() +
          "\n  from: rosterd@platform.example\n  starttls: required\n"
          "  username: rosterd\n  password_file: smtp.password\n  ca_file: cert.pem\n",
      "live");
  const ProcessResult r =
      run_process(ROSTERD_BIN, {"mail-test", "--config", config.string(), "--to", "qa@d.example"});
  INFO(r.out, r.err);
  CHECK(r.exit_status == 0);
  CHECK(r.out.find("STARTTLS") != std::string::npos);
  CHECK(r.out.find("[authentication withheld]") != std::string::npos);
  // Neither the password nor any base64 form of the login (PLAIN or LOGIN) appears.
  for (const std::string& secret :
       {password, std::string("VHIwdWI0ZG9yLWFuZC0z"), std::string("AHJvc3RlcmQAVHIwdWI0ZG9y")}) {
    CHECK(r.out.find(secret) == std::string::npos);
    CHECK(r.err.find(secret) == std::string::npos);
  }
  CHECK(read_file(tmp / "mail/auth.log").find(" ok") != std::string::npos);
  CHECK(sink.messages().size() == 1);

  write_file(tmp / "smtp.password", "wrong\n");
  const ProcessResult bad =
      run_process(ROSTERD_BIN, {"mail-test", "--config", config.string(), "--to", "qa@d.example"});
  CHECK(bad.exit_status == 5);
  CHECK(bad.out.find("wrong") == std::string::npos);
}

TEST_CASE("integration: a run still held after remind_after reminds its approvers once a day") {
  MailFixture f(
      "    source:\n      local: {dir: drop, stable_for: 0s}\n"
      "    report: {remind_after: 24h}\n");
  f.edit_config("max_reject_pct: 100", "max_reject_pct: 5");  // 3 rejected rows of 5: held
  std::filesystem::create_directories(f.tmp / "drop");
  REQUIRE(f.ingest().exit_status == 4);
  const std::vector<std::string> once = {"run", "--once", "--config", f.config.string()};
  const auto reminders = [&] {
    std::vector<json> out;
    for (const json& m : f.received())
      if (std::string(m["message_id"]).starts_with("<run-1.reminder.")) out.push_back(m);
    return out;
  };
  f.rosterd(once);
  CHECK(reminders().empty());  // not yet a day
  f.clock.advance(25 * 3600);
  f.rosterd(once);
  f.rosterd(once);  // the same day: no second reminder
  auto sent = reminders();
  REQUIRE(sent.size() == 1);
  CHECK(sent[0]["rcpt_tos"] == json::array({"approver@district.example"}));
  CHECK(sent[0]["subject"] == "[rosterd] gen " + to_iso(utc_date(f.clock.now())) +
                                  ": STILL HELD (25 hours) — 3 of 5 rows (60%) were rejected, "
                                  "more than the 5% the feed allows");
  CHECK(std::string(sent[0]["text"])
            .starts_with("Still held: run 1 has waited 25 hours for a decision: 3 of 5 rows (60%) "
                         "were rejected, "
                         "more than the 5% the feed allows. Nothing changes until someone approves "
                         "or rejects it. "
                         "Ask your platform vendor to approve or reject it.\n"));
  f.clock.advance(24 * 3600);
  f.rosterd(once);
  sent = reminders();
  REQUIRE(sent.size() == 2);
  CHECK(std::string(sent[1]["subject"]).find("STILL HELD (2 days)") != std::string::npos);
  // Decided: no more reminders.
  REQUIRE(f.rosterd({"reject", "--config", f.config.string(), "1", "--reason", "bad file"})
              .exit_status == 0);
  f.clock.advance(24 * 3600);
  f.rosterd(once);
  CHECK(reminders().size() == 2);
}

TEST_CASE("integration: remind_after 0 sends no reminder") {
  MailFixture f(
      "    source:\n      local: {dir: drop, stable_for: 0s}\n"
      "    report: {remind_after: 0s}\n");
  f.edit_config("max_reject_pct: 100", "max_reject_pct: 5");
  std::filesystem::create_directories(f.tmp / "drop");
  REQUIRE(f.ingest().exit_status == 4);
  f.clock.advance(3 * 86400);
  f.rosterd({"run", "--once", "--config", f.config.string()});
  CHECK(f.received().size() == 2);  // the report and the held notice only
}

namespace {

// Under policy.on_trip hold_unsafe, a district of 100 committed; then, in f.file, a night that
// adds 20 students and withdraws 30: cut in two when ingested.
void write_night_to_cut(MailFixture& f) {
  f.edit_config("max_reject_pct: 100", "max_reject_pct: 5, on_trip: hold_unsafe");
  DistrictYear district(100, 5);
  std::ofstream(f.file, std::ios::binary) << district.file();
  REQUIRE(f.ingest().exit_status == 0);
  district.enrol_and_withdraw(20, 30);
  std::ofstream(f.file, std::ios::binary) << district.file();
}

}  // namespace

TEST_CASE(
    "integration: a run cut in two reports the committed part, then mails the held part to its "
    "approvers") {
  MailFixture f("    report: {pii: minimal, contact: \"Jo Park <jo@vendor.example>\"}\n");
  write_night_to_cut(f);
  const ProcessResult r = f.ingest();
  INFO(r.out, r.err);
  CHECK(r.exit_status == 4);  // a part waits for a person
  const auto mails = f.received();
  REQUIRE(mails.size() == 3);
  // The QA report, before anything commits: what commits now and what waits.
  const json& qa = mails[1];
  CHECK(qa["rcpt_tos"] == json::array({"qa@district.example"}));
  CHECK(qa["runs_at_receipt"]["2"] == "running");
  const std::string subject = qa["subject"];
  CHECK(subject.starts_with("[rosterd] gen " + today() +
                            ": COMMITTED IN PART — 20 added, 0 updated, 0 deactivated, 0 "
                            "rejected; held: "));
  const std::string qa_text = qa["text"];
  CHECK(
      qa_text.starts_with("Committed in part: run 2 adds 20 students; it is committed as this "
                          "report goes out. 30 deactivations are held for a person to approve: "
                          "it would deactivate 30 of 100 students (30%). Ask Jo Park "
                          "<jo@vendor.example> to approve or reject them.\n"));
  // The held part, once recorded, to its approvers: its own run, and whom it would withdraw.
  const json& held = mails[2];
  CHECK(held["rcpt_tos"] == json::array({"approver@district.example"}));
  CHECK(std::string(held["message_id"]).starts_with("<run-3.held."));
  CHECK(held["runs_at_receipt"]["2"] == "committed");
  CHECK(held["runs_at_receipt"]["3"] == "held");
  CHECK(std::string(held["subject"])
            .starts_with("[rosterd] gen " + today() + ": HELD IN PART — 30 deactivations: "));
  const std::string text = held["text"];
  CHECK(
      text.starts_with("Held in part: run 3 holds 30 deactivations of this file: it would "
                       "deactivate 30 of 100 students (30%). "));
  CHECK(text.find("The rest of the file was committed by run 2; these changes are made only if "
                  "someone approves them. Ask Jo Park <jo@vendor.example> to approve or reject "
                  "them.") != std::string::npos);
  CHECK(text.find("rosterd approve") == std::string::npos);
  bool affected = false;
  for (const json& a : held["attachments"])
    affected = affected || std::string(a["filename"]).find("run-3") != std::string::npos;
  CHECK(affected);
}

TEST_CASE(
    "integration: a run to be cut in two whose report cannot go out is held whole, and its "
    "report says so") {
  MailFixture f("    report: {deliver_within: 1h}\n");
  write_night_to_cut(f);
  f.sink.stop();
  const ProcessResult r = f.ingest();
  INFO(r.out, r.err);
  CHECK(r.exit_status == 4);
  CHECK(r.out.find("Decision: held: a safeguard tripped, and its QA report could not be "
                   "delivered: the whole run waits for a person") != std::string::npos);
  CHECK(f.history().find("added 20, updated 0, deactivated 30") != std::string::npos);
  f.sink.start();
  f.rosterd({"outbox", "--config", f.config.string(), "--deliver"});
  const auto mails = f.received();
  // The report that waited says what the run became: held whole, not committed in part.
  std::size_t reports = 0;
  for (const json& m : mails) {
    if (!std::string(m["message_id"]).starts_with("<run-2.qa_report.")) continue;
    ++reports;
    CHECK(std::string(m["subject"]).find("HELD — ") != std::string::npos);
    CHECK(std::string(m["subject"]).find("IN PART") == std::string::npos);
  }
  CHECK(reports == 1);
}
