#include <doctest/doctest.h>

#include "notify/csv_cell.h"
#include "notify/qa_report_mail.h"
#include "notify/smtp_sender.h"

using namespace rosterd;

TEST_CASE("CSV cells are quoted when needed and never run as formulas") {
  CHECK(csv_cell("plain") == "plain");
  CHECK(csv_cell("") == "");
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("two\nlines") == "\"two\nlines\"");
  CHECK(csv_cell("=1+2") == "'=1+2");
  CHECK(csv_cell("+1") == "'+1");
  CHECK(csv_cell("-5") == "'-5");
  CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_cell("\tx") == "'\tx");
  CHECK(csv_cell("=HYPERLINK(\"http://x\",\"y\")") ==
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  CHECK(csv_cell("a=b") == "a=b");  // only a leading sign is dangerous
}

TEST_CASE("names and birth dates are withheld at pii minimal, other values kept") {
  Discrepancy dob;
  dob.field = Field::birth_date;
  dob.code = DiscrepancyCode::invalid_date;
  dob.value = "2015-02-30";
  dob.detail = "%Y-%m-%d";
  dob.student_id = "1000000005";
  const Discrepancy r = redact_pii(dob);
  CHECK(r.value == "[withheld]");
  CHECK(r.detail.empty());
  CHECK(r.student_id == "1000000005");
  CHECK(discrepancy_message(r).find("2015-02-30") == std::string::npos);
  for (Field f : {Field::first_name, Field::middle_name, Field::last_name})
    CHECK(redact_pii(Discrepancy{0, DiscrepancyCode::encoding, f, "1", "Zoë", ""}).value ==
          "[withheld]");
  Discrepancy grade;
  grade.field = Field::grade;
  grade.value = "13";
  CHECK(redact_pii(grade).value == "13");
}

TEST_CASE("subjects say feed, date, decision and counts, sortable in a mailbox") {
  RunReport r;
  r.feed = "demo-isd";
  r.state = RunState::held;
  r.plan = PlanCounts{};
  r.plan->deactivated = 412;
  r.trips.push_back({"max_deactivate_pct", 5, 9.1, "412 of 4,500 active students"});
  CHECK(qa_subject(r, "2026-11-22") ==
        "[rosterd] demo-isd 2026-11-22: HELD — 412 deactivations exceed 5%");
  r.trips.clear();
  r.state = RunState::committed;
  r.plan->added = 1204;
  r.counts.rows_rejected = 13;
  CHECK(qa_subject(r, "2026-11-22") ==
        "[rosterd] demo-isd 2026-11-22: COMMITTED — 1,204 added, 0 "
        "updated, 412 deactivated, 13 rejected");
  r.state = RunState::dry_run;
  CHECK(qa_subject(r, "2026-11-22").starts_with("[rosterd] demo-isd 2026-11-22: DRY RUN — "));
}

TEST_CASE("headers are one line, and non-ASCII subjects are encoded words") {
  CHECK(encode_header("plain subject") == "plain subject");
  CHECK(encode_header("HELD — 5%") == "=?UTF-8?B?SEVMRCDigJQgNSU=?=");
  CHECK(encode_header("a\r\nBcc: evil@example.org") == "a  Bcc: evil@example.org");
  CHECK(bare_address("rosterd <rosterd@example.org>") == "rosterd@example.org");
  CHECK(bare_address("rosterd@example.org") == "rosterd@example.org");
  CHECK(rfc5322_now().size() == 31);
}

TEST_CASE("the QA mail carries the run's summary, every discrepancy as CSV, and a stable id") {
  std::vector<Discrepancy> ds = {
      {3, DiscrepancyCode::unknown_grade, Field::grade, "1000000002", "=1+2", ""},
      {6, DiscrepancyCode::invalid_date, Field::birth_date, "1000000005", "2015-02-30",
       "%Y-%m-%d"}};
  RunReport r;
  r.feed = "gen";
  r.run_id = 7;
  r.state = RunState::committed;
  r.counts.rows_read = 5;
  r.counts.rows_rejected = 2;
  r.discrepancies = &ds;
  r.next_steps = {"To undo this run: rosterd rollback --config x 7"};
  QaMailOptions o;
  o.to = {"qa@example.org"};
  o.date = "2026-11-23";
  const MailMessage m = qa_report_mail(r, o);
  CHECK(m.message_id == "<run-7.qa_report.gen@rosterd>");
  CHECK(m.attachment_name == "rosterd-gen-run-7-discrepancies.csv");
  CHECK(m.attachment ==
        "line,student_id,field,code,value,message\r\n"
        "3,1000000002,grade,unknown_grade,'=1+2," +
            csv_cell(discrepancy_message(ds[0])) +
            "\r\n6,1000000005,birth_date,invalid_date,[withheld]," +
            csv_cell(discrepancy_message(redact_pii(ds[1]))) + "\r\n");
  CHECK(m.text.find("To undo this run") != std::string::npos);
  CHECK(m.html.find("<li>To undo this run: rosterd rollback --config x 7</li>") !=
        std::string::npos);
  CHECK(m.html.find("2015-02-30") == std::string::npos);
  o.pii = PiiLevel::full;
  CHECK(qa_report_mail(r, o).attachment.find("2015-02-30") != std::string::npos);
}

TEST_CASE("a refusal never quotes the file's first line at pii minimal") {
  Discrepancy d;
  d.code = DiscrepancyCode::missing_column;
  d.field = Field::state_id;
  d.value = "StudentStateID";
  d.detail = "; the header row reads \"1000000001|L0001|Ava|Marie|Johnson|2016-03-14\"";
  const Discrepancy r = redact_pii(d);
  CHECK(r.value == "StudentStateID");  // a column name, not a student's data
  CHECK(discrepancy_message(r).find("Johnson") == std::string::npos);
  CHECK(discrepancy_message(r).find("2016-03-14") == std::string::npos);
}

TEST_CASE("identity alerts in a QA mail: IDs and scores, names and birth dates only at pii full") {
  std::vector<std::string> row(kFieldCount), old(kFieldCount);
  for (auto* v : {&row, &old}) {
    (*v)[field_index(Field::first_name)] = "José";
    (*v)[field_index(Field::last_name)] = "Núñez";
    (*v)[field_index(Field::birth_date)] = "2014-07-02";
  }
  std::vector<IdentityAlert> alerts(1);
  alerts[0].kind = AlertKind::possible_match;
  alerts[0].state_id = "1000000503";
  alerts[0].line = 4;
  alerts[0].row = row;
  alerts[0].candidates.push_back(MatchCandidate{"1000000003", 90, old});
  RunReport r;
  r.feed = "gen";
  r.run_id = 8;
  r.state = RunState::committed;
  r.alerts = &alerts;
  QaMailOptions o;
  o.to = {"qa@example.org"};
  const MailMessage m = qa_report_mail(r, o);
  CHECK(m.text.find("possible_match: line 4, state ID 1000000503") != std::string::npos);
  CHECK(m.text.find("~ committed 1000000003 (score 90)") != std::string::npos);
  CHECK(m.text.find("Núñez") == std::string::npos);
  CHECK(m.text.find("2014-07-02") == std::string::npos);
  o.pii = PiiLevel::full;
  CHECK(qa_report_mail(r, o).text.find("Núñez, José | born 2014-07-02") != std::string::npos);
}
