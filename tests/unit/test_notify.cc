// The district's mail as composed (notify/): one sentence first for every kind of mail, links
// in both parts, the text part saying what the HTML part says, the district's terms, PII
// withheld without losing the facts, and the CSV a spreadsheet opens. What arrives over SMTP
// is tests/integration/test_mail.cc's.
#include <doctest/doctest.h>

#include <functional>

#include "core/html_text.h"
#include "core/utf8.h"
#include "notify/csv_cell.h"
#include "notify/qa_report_mail.h"
#include "notify/smtp_sender.h"

using namespace rosterd;

namespace {

// A student's values in field order.
std::vector<std::string> student(const std::string& id, const std::string& local,
                                 const std::string& last, const std::string& campus) {
  std::vector<std::string> v(kFieldCount);
  v[field_index(Field::state_id)] = id;
  v[field_index(Field::local_id)] = local;
  v[field_index(Field::first_name)] = "Zoë";
  v[field_index(Field::last_name)] = last;
  v[field_index(Field::birth_date)] = "2014-07-02";
  v[field_index(Field::grade)] = "05";
  v[field_index(Field::campus)] = campus;
  return v;
}

// Line 4's new state ID looks like committed student 1000000003.
IdentityAlert possible_match(int score) {
  IdentityAlert a;
  a.kind = AlertKind::possible_match;
  a.state_id = "1000000503";
  a.line = 4;
  a.row = student("1000000503", "L3", "Núñez", "201");
  a.candidates.push_back({"1000000003", score, student("1000000003", "L3", "Nunez", "201")});
  return a;
}

// A run of 49 active students with what each test sets.
struct Run {
  RunReport r;
  std::vector<Discrepancy> ds;
  std::vector<Change> changes;
  std::vector<IdentityAlert> alerts;
  DistrictTerms terms;

  Run() {
    r.feed = "demo-isd";
    r.run_id = 5;
    r.file_name = "roster.csv";
    r.bytes = 2048;
    r.state = RunState::committed;
    r.counts.rows_read = 49;
    r.plan = PlanCounts{};
    r.plan->active_before = 49;
    r.plan->added = 5;
    r.plan->updated = 8;
    r.plan->deactivated = 7;
    terms.columns = {"STU_ID", "LOCAL",  "FNAME", "MNAME",  "LNAME",  "DOB",
                     "GRADE",  "SCHOOL", "DIAG",  "STATUS", "ELA_SS", "MATH_SS"};
    terms.school_names = {{"201", "Lincoln Elementary"}, {"202", "Adams Middle"}};
  }
  // The report with its lists pointed at.
  const RunReport& report() {
    r.discrepancies = &ds;
    r.changes = &changes;
    r.alerts = &alerts;
    return r;
  }
  void reject(std::uint32_t line, DiscrepancyCode code, Field f, std::string id, std::string value,
              std::string detail = "") {
    ds.push_back({line, code, f, std::move(id), std::move(value), std::move(detail), {}, {}});
    ++r.counts.rows_rejected;
  }
  void hold(const std::string& trip, double limit, double value) {
    r.state = RunState::held;
    r.trips.push_back({trip, limit, value, "(the planner's own words)"});
  }
  void deactivate(int n) {
    r.plan->deactivated = static_cast<std::uint32_t>(n);
    for (int i = 0; i < n; ++i) {
      Change c;
      c.kind = ChangeKind::deactivated;
      c.state_id = "00000" + std::to_string(1000 + i);
      c.before = student(c.state_id, "L" + std::to_string(i), "Núñez", i % 2 ? "201" : "202");
      changes.push_back(std::move(c));
    }
  }
};

QaMailOptions options(const DistrictTerms* terms = nullptr, bool links = true) {
  QaMailOptions o;
  o.to = {"coordinator@demo-isd.example"};
  o.date = "2026-11-22";
  o.terms = terms;
  if (links) {
    o.links.review = "https://rosterd.example/m/REVIEWKEY";
    o.links.discrepancies = "https://rosterd.example/m/DISCKEY";
    o.links.alerts = "https://rosterd.example/m/ALERTKEY";
    o.links.console = "https://rosterd.example/";
    o.links.valid_for = "72 hours";
  }
  return o;
}

std::string banner(const RunReport& r, const QaMailOptions& o) {
  const MailDocument d = qa_report_document(r, o);
  return d.headline + ": " + d.sentence;
}

// Every text the document holds is in both bodies: the text part as is, the HTML escaped.
void check_parts_equivalent(const MailDocument& d, const MailMessage& m) {
  std::vector<std::string> texts{d.headline, d.sentence};
  for (const MailLink& l : d.actions) {
    texts.push_back(l.label);
    texts.push_back(l.url);
  }
  for (const MailSection& s : d.sections) {
    texts.push_back(s.title);
    for (const auto* list : {&s.paragraphs, &s.after})
      texts.insert(texts.end(), list->begin(), list->end());
    const bool blocks = s.table.header.size() > 3;  // "Header: value" for each filled cell
    if (!blocks) texts.insert(texts.end(), s.table.header.begin(), s.table.header.end());
    for (const auto& row : s.table.rows) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (row[i].empty()) continue;
        texts.push_back(blocks ? s.table.header[i] + ": " + row[i] : row[i]);
      }
    }
    for (const MailLink& l : s.links) {
      texts.push_back(l.label);
      texts.push_back(l.url);
    }
  }
  texts.insert(texts.end(), d.footer.begin(), d.footer.end());
  for (const std::string& t : texts) {
    if (t.empty()) continue;
    INFO(t);
    CHECK(m.text.find(t) != std::string::npos);
    CHECK(m.html.find(html_escape(t)) != std::string::npos);
  }
  // The text part starts with the sentence; the HTML's first text after <body> is the banner.
  CHECK(m.text.starts_with(d.headline + ": " + d.sentence));
  CHECK(m.html.find(html_escape(d.sentence)) < m.html.find("<h2"));
}

}  // namespace

TEST_CASE("CSV cells: quoted when needed, an apostrophe only where a spreadsheet would run it") {
  CHECK(csv_cell("plain") == "plain");
  CHECK(csv_cell("") == "");
  CHECK(csv_cell("a,b") == "\"a,b\"");
  CHECK(csv_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_cell("=1+2") == "'=1+2");
  CHECK(csv_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_cell("+A1") == "'+A1");
  CHECK(csv_cell("-2+3") == "'-2+3");
  CHECK(csv_cell("\tx") == "'\\x09x");
  CHECK(csv_cell("=HYPERLINK(\"http://x\",\"y\")") ==
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  // Numbers a spreadsheet reads as numbers are not formulas: no stray apostrophe.
  CHECK(csv_cell("-5") == "-5");
  CHECK(csv_cell("+1") == "+1");
  CHECK(csv_cell("-5.25") == "-5.25");
  CHECK(csv_cell("a=b") == "a=b");  // only a leading sign is dangerous
  // Excel with ';' as its separator would split here and run the rest: quoted, one cell.
  CHECK(csv_cell("x;=1+2") == "\"x;=1+2\"");
  // Only valid UTF-8 goes out: other bytes are shown, not passed on.
  CHECK(csv_cell("Jos\xE9") == "Jos\\xE9");
  CHECK(is_valid_utf8(csv_cell("Jos\xE9")));
  CHECK(csv_cell("Zoë") == "Zoë");
  // IDs stay text: a leading zero or a long number would be changed by a spreadsheet.
  CHECK(csv_id_cell("00123") == "\"=\"\"00123\"\"\"");
  CHECK(csv_id_cell("1234567890123456") == "\"=\"\"1234567890123456\"\"\"");
  CHECK(csv_id_cell("1000000001") == "1000000001");
  CHECK(csv_id_cell("L0001") == "L0001");
  CHECK(csv_id_cell("=1+2") == "'=1+2");
}

TEST_CASE("pii minimal withholds names and birth dates, never the rest of the sentence") {
  Discrepancy dob{7,
                  DiscrepancyCode::implausible_birth_date,
                  Field::birth_date,
                  "1000000005",
                  "2022-03-04",
                  "age 4 on 2026-09-01, while grade 09 students are usually 13 to 16",
                  {},
                  {}};
  const Discrepancy r = redact_pii(dob);
  CHECK(r.value == "[withheld]");
  CHECK(r.student_id == "1000000005");
  const std::string m = discrepancy_message(r, {nullptr, true});
  CHECK(m.find("2022-03-04") == std::string::npos);
  CHECK(m ==
        "The birth date gives age 4 on 2026-09-01, while grade 09 students are usually 13 to "
        "16. Check the birth date and the grade (the row is still accepted).");
  Discrepancy bad{6,
                  DiscrepancyCode::invalid_date,
                  Field::birth_date,
                  "1000000005",
                  "2015-02-30",
                  "YYYY-MM-DD",
                  {},
                  {}};
  const std::array<std::string, kFieldCount> cols{"ID", "L", "F", "M",  "LNAME", "DOB",
                                                  "G",  "S", "D", "ST", "E",     "MA"};
  CHECK(discrepancy_message(redact_pii(bad), {&cols, true}) ==
        "Column DOB (birth date) has a value (withheld from this report) that is not a real "
        "date in the format YYYY-MM-DD. Correct the date, or the feed's format.date_format.");
  Discrepancy longname{
      3, DiscrepancyCode::field_too_long, Field::last_name, "1", "X", "300 bytes", {}, {}};
  CHECK(discrepancy_message(redact_pii(longname), {&cols, true}) ==
        "Column LNAME (last name) is too long (300 bytes). Check for a missing line break or "
        "delimiter.");
  for (Field f : {Field::first_name, Field::middle_name, Field::last_name})
    CHECK(redact_pii(Discrepancy{0, DiscrepancyCode::encoding, f, "1", "Zoë", "", {}, {}}).value ==
          "[withheld]");
  Discrepancy grade;
  grade.field = Field::grade;
  grade.value = "13";
  CHECK(redact_pii(grade).value == "13");
}

TEST_CASE("a refused file always says why; its header line is withheld, not its reason") {
  Discrepancy d;
  d.code = DiscrepancyCode::missing_column;
  d.field = Field::state_id;
  d.value = "StudentStateID";
  d.detail = "; the header row reads \"1000000001|L0001|Ava|Marie|Johnson|2016-03-14\"";
  const Discrepancy r = redact_pii(d);
  CHECK(r.value == "StudentStateID");  // a column name, not a student's data
  const std::string m = discrepancy_message(r);
  CHECK(m.find("Johnson") == std::string::npos);
  CHECK(m.find("2016-03-14") == std::string::npos);
  CHECK(m.find("The header has no column \"StudentStateID\"") != std::string::npos);
  CHECK(m.find("the header row is withheld") != std::string::npos);
  Discrepancy unreadable{0,  DiscrepancyCode::unreadable, std::nullopt, "",
                         "", "it is a ZIP archive",       {},           {}};
  CHECK(discrepancy_message(redact_pii(unreadable)) ==
        "The file cannot be read as a roster: it is a ZIP archive. Export it again as delimited "
        "plain text (UTF-8 or windows-1252).");

  Run run;
  run.r.state = RunState::refused;
  run.r.refusal = d;
  const MailMessage m2 = qa_report_mail(run.report(), options(&run.terms));
  CHECK(m2.subject == "[rosterd] demo-isd 2026-11-22: REFUSED — A column is missing");
  CHECK(
      m2.text.starts_with("Refused: nothing in the file was used and the platform keeps the "
                          "last committed roster. The header has no column \"StudentStateID\""));
  CHECK(m2.text.find("Johnson") == std::string::npos);
  CHECK(m2.html.find("Johnson") == std::string::npos);
  check_parts_equivalent(qa_report_document(run.report(), options(&run.terms)), m2);
}

TEST_CASE("subjects stay true: a report sent before its commit never says COMMITTED") {
  Run run;
  QaMailOptions o = options();
  CHECK(qa_subject(run.report(), o) ==
        "[rosterd] demo-isd 2026-11-22: PASSED — 5 added, 8 updated, 7 deactivated, 0 rejected");
  o.awaiting_delivery = true;
  CHECK(qa_subject(run.report(), o) ==
        "[rosterd] demo-isd 2026-11-22: HELD until this report is delivered — 5 added, 8 "
        "updated, 7 deactivated, 0 rejected");
  o.awaiting_delivery = false;
  o.kind = QaMailKind::committed;
  CHECK(qa_subject(run.report(), o).starts_with("[rosterd] demo-isd 2026-11-22: COMMITTED — "));
  o.kind = QaMailKind::report;
  run.deactivate(16);
  run.hold("max_deactivate_pct", 5, 100.0 * 16 / 49);
  run.hold("max_row_drop_pct", 10, 31.3725);
  CHECK(qa_subject(run.report(), o) ==
        "[rosterd] demo-isd 2026-11-22: HELD — would deactivate 16 of 49 students (33%); the "
        "file has 31% fewer rows than the last committed one, so it was probably cut short");
  o.kind = QaMailKind::reminder;
  o.waiting_since = "2 days";
  CHECK(qa_subject(run.report(), o)
            .starts_with(
                "[rosterd] demo-isd 2026-11-22: STILL HELD (2 days) — would deactivate 16 of 49"));
  run.r.state = RunState::dry_run;
  run.r.trips.clear();
  o.kind = QaMailKind::report;
  CHECK(qa_subject(run.report(), o).starts_with("[rosterd] demo-isd 2026-11-22: TEST RUN — "));
}

TEST_CASE("percentages are rounded as people read them") {
  CHECK(rounded_pct(31.3725) == "31%");
  CHECK(rounded_pct(32.65) == "33%");
  CHECK(rounded_pct(0.42) == "0.4%");
  CHECK(rounded_pct(0) == "0%");
  CHECK(rounded_pct(100) == "100%");
}

TEST_CASE("headers are one line, and non-ASCII subjects are encoded words") {
  CHECK(encode_header("plain subject") == "plain subject");
  CHECK(encode_header("HELD — 5%") == "=?UTF-8?B?SEVMRCDigJQgNSU=?=");
  CHECK(encode_header("a\r\nBcc: evil@example.org") == "a  Bcc: evil@example.org");
  CHECK(bare_address("rosterd <rosterd@example.org>") == "rosterd@example.org");
  CHECK(bare_address("rosterd@example.org") == "rosterd@example.org");
  CHECK(rfc5322_now().size() == 31);
}

TEST_CASE("the banner: one sentence for each kind of run mail") {
  SUBCASE("committed clean") {
    Run run;
    const MailDocument d = qa_report_document(run.report(), options());
    CHECK(d.tone == MailTone::good);
    CHECK(banner(run.report(), options()) ==
          "Passed: run 5 adds 5 students, updates 8 and deactivates 7; it is committed as this "
          "report goes out. Nothing for you to do.");
    CHECK(d.actions.size() == 1);
    CHECK(d.actions[0].label == "See the run");
  }
  SUBCASE("committed with rejects") {
    Run run;
    run.reject(12, DiscrepancyCode::unknown_grade, Field::grade, "1000000012", "KG-A");
    run.reject(14, DiscrepancyCode::missing_required, Field::last_name, "1000000014", "");
    const MailDocument d = qa_report_document(run.report(), options());
    CHECK(d.tone == MailTone::attention);
    CHECK(banner(run.report(), options()) ==
          "Passed with 2 rejected rows: run 5 adds 5 students, updates 8 and deactivates 7; it is "
          "committed as this report goes out. 2 rejected rows changed nothing: fix them in the "
          "SIS so that the next file brings them.");
    REQUIRE(d.actions.size() == 2);
    CHECK(d.actions[1].label == "See every discrepancy");
    CHECK(d.actions[1].url == "https://rosterd.example/m/DISCKEY");
  }
  SUBCASE("held: deactivations and a short file") {
    Run run;
    run.deactivate(16);
    run.hold("max_deactivate_pct", 5, 100.0 * 16 / 49);
    run.hold("max_row_drop_pct", 10, 31.3725);
    CHECK(banner(run.report(), options()) ==
          "Held: this file was not committed: it would deactivate 16 of 49 students (33%); the "
          "file has 31% fewer rows than the last committed one, so it was probably cut short. "
          "Nothing was changed. Review it and decide.");
    const MailDocument d = qa_report_document(run.report(), options());
    CHECK(d.tone == MailTone::stop);
    CHECK(d.actions.at(0).label == "Review and decide");
    CHECK(d.actions.at(0).url == "https://rosterd.example/m/REVIEWKEY");
  }
  SUBCASE("held: too many rejected rows") {
    Run run;
    for (std::uint32_t i = 0; i < 20; ++i)
      run.reject(2 + i, DiscrepancyCode::unknown_campus, Field::campus, "1", "999");
    run.hold("max_reject_pct", 10, 100.0 * 20 / 49);
    CHECK(banner(run.report(), options()) ==
          "Held: this file was not committed: 20 of 49 rows (41%) were rejected, more than the "
          "10% the feed allows. Nothing was changed. Review it and decide.");
  }
  SUBCASE("held: a column swap, in the district's column names") {
    Run run;
    run.hold("max_field_change_pct.birth_date", 2, 100);
    run.hold("max_update_pct", 75, 100);
    CHECK(banner(run.report(), options(&run.terms)) ==
          "Held: this file was not committed: the DOB column would change for 100% of the "
          "students, as if the file's columns were out of order; it would update 8 of 49 "
          "students (100%). Nothing was changed. Review it and decide.");
  }
  SUBCASE("held: a re-key") {
    Run run;
    run.hold("rekey_min_students", 10, 12);
    CHECK(banner(run.report(), options()) ==
          "Held: this file was not committed: 12 students' state IDs changed in the SIS (each "
          "new ID has a committed student's name and birth date). Nothing was changed. Review "
          "it and decide.");
  }
  SUBCASE("held: a scope change") {
    Run run;
    run.r.plan->left_scope = 30;
    run.hold("scope_change", 5, 100.0 * 30 / 49);
    CHECK(banner(run.report(), options()) ==
          "Held: this file was not committed: 30 of 49 students (61%) would leave the feed's "
          "scope after a change to its rules. Nothing was changed. Review it and decide.");
  }
  SUBCASE("held: one school's limit, named by the school") {
    Run run;
    run.r.campuses = {{"201", 10, 0, 0, 0, 0, 8, 2, 0}};
    run.hold("per_campus.201.max_deactivate_pct", 20, 80);
    CHECK(banner(run.report(), options(&run.terms)) ==
          "Held: this file was not committed: at 201 Lincoln Elementary, 8 of 12 students (80%) "
          "would be deactivated. Nothing was changed. Review it and decide.");
  }
  SUBCASE("held waiting for its report") {
    Run run;
    QaMailOptions o = options();
    o.awaiting_delivery = true;
    o.deliver_within = "30 minutes";
    run.r.state = RunState::held;
    CHECK(banner(run.report(), o) ==
          "Held until this report is delivered: run 5 adds 5 students, updates 8 and deactivates "
          "7 and passed every safeguard; it is committed if the mail server took this report "
          "within 30 minutes of the run, and otherwise waits for someone to approve it. A notice "
          "follows when it is committed.");
    CHECK(qa_report_document(run.report(), o).actions.at(0).label == "See the run");
  }
  SUBCASE("identity alerts") {
    Run run;
    run.alerts.push_back(possible_match(92));
    run.r.plan->held_for_review = 1;
    CHECK(banner(run.report(), options()) ==
          "Passed: run 5 adds 5 students, updates 8 and deactivates 7; it is committed as this "
          "report goes out. 1 student was not added because they look like a student the "
          "platform already has: decide whether they are the same.");
    const MailDocument d = qa_report_document(run.report(), options());
    CHECK(d.actions.back().label == "Resolve 1 possible match");
    CHECK(d.actions.back().url == "https://rosterd.example/m/ALERTKEY");
  }
  SUBCASE("reminder") {
    Run run;
    run.deactivate(16);
    run.hold("max_deactivate_pct", 5, 100.0 * 16 / 49);
    QaMailOptions o = options();
    o.kind = QaMailKind::reminder;
    o.waiting_since = "2 days";
    CHECK(banner(run.report(), o) ==
          "Still held: run 5 has waited 2 days for a decision: it would deactivate 16 of 49 "
          "students (33%). Nothing changes until someone approves or rejects it.");
  }
  SUBCASE("committed after its report went out") {
    Run run;
    QaMailOptions o = options();
    o.kind = QaMailKind::committed;
    CHECK(banner(run.report(), o) ==
          "Committed: run 5 adds 5 students, updates 8 and deactivates 7, and it was committed "
          "once its QA report (sent earlier) had gone out.");
  }
}

TEST_CASE("without a console the mail names whom to ask, and never a shell command") {
  Run run;
  run.deactivate(3);
  run.hold("max_deactivate_pct", 5, 6.1);
  QaMailOptions o = options(nullptr, /*links=*/false);
  o.contact = "Jo Park <jo@vendor.example>";
  const MailMessage m = qa_report_mail(run.report(), o);
  CHECK(
      m.text.starts_with("Held: this file was not committed: it would deactivate 3 of 49 "
                         "students (6%). Nothing was changed. Ask Jo Park <jo@vendor.example> "
                         "to approve or reject it."));
  CHECK(m.html.find("href") == std::string::npos);
  for (const MailMessage& any : {m, qa_report_mail(run.report(), options())}) {
    CHECK(any.text.find("rosterd approve") == std::string::npos);
    CHECK(any.text.find("--config") == std::string::npos);
    CHECK(any.html.find("rosterd approve") == std::string::npos);
  }
  o.contact.clear();
  CHECK(qa_report_mail(run.report(), o)
            .text.find("Ask your platform vendor to approve or reject "
                       "it.") != std::string::npos);
}

TEST_CASE("a held mail names who it would change: the first 20 in the body, all in a CSV") {
  Run run;
  run.deactivate(25);
  run.hold("max_deactivate_pct", 5, 51);
  const QaMailOptions o = options(&run.terms);
  const MailMessage m = qa_report_mail(run.report(), o);
  const MailDocument d = qa_report_document(run.report(), o);
  const MailSection* who = nullptr;
  for (const MailSection& s : d.sections)
    if (s.title == "Who it would change") who = &s;
  REQUIRE(who != nullptr);
  CHECK(who->table.rows.size() == 20);
  CHECK(who->table.rows[0] ==
        std::vector<std::string>{"deactivate", "000001000", "", "L0", "202 Adams Middle", "05"});
  CHECK(who->after.at(0) == "... and 5 more in the attached CSV and on the console.");
  REQUIRE(m.attachments.size() == 1);  // no discrepancies: only who it would change
  CHECK(m.attachments[0].name == "rosterd-demo-isd-run-5-affected.csv");
  const std::string& csv = m.attachments[0].bytes;
  CHECK(csv.starts_with(
      std::string(kCsvBom) +
      "change,state_id,new_state_id,local_id,school_code,school_name,grade\r\n"
      "deactivate,\"=\"\"000001000\"\"\",,L0,202,Adams Middle,\"=\"\"05\"\"\"\r\n"));
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 26);
  CHECK(csv.find("Núñez") == std::string::npos);  // pii minimal
  QaMailOptions full = o;
  full.pii = PiiLevel::full;
  CHECK(qa_report_mail(run.report(), full).attachments[0].bytes.find(",Núñez,Zoë,2014-07-02\r\n") !=
        std::string::npos);
  check_parts_equivalent(d, m);
}

TEST_CASE("the discrepancy CSV: BOM, severity, IDs, school, the district's column, how to fix") {
  Run run;
  StudentTable rows;
  StudentValues v{};
  v[field_index(Field::state_id)] = "0012";
  v[field_index(Field::local_id)] = "00077";
  v[field_index(Field::campus)] = "201";
  rows.append(v, 3);
  run.r.rows = &rows;
  run.reject(3, DiscrepancyCode::unknown_grade, Field::grade, "0012", "=KG-A");
  run.ds.push_back({5,
                    DiscrepancyCode::invalid_score,
                    Field::ela_score,
                    "1000000005",
                    "-5",
                    "0 to 100",
                    {},
                    {}});
  run.alerts.push_back(possible_match(92));
  const MailMessage m = qa_report_mail(run.report(), options(&run.terms));
  REQUIRE(m.attachments.size() == 1);
  CHECK(m.attachments[0].name == "rosterd-demo-isd-run-5-discrepancies.csv");
  const std::string& csv = m.attachments[0].bytes;
  CHECK(is_valid_utf8(csv));
  CHECK(csv.starts_with(std::string(kCsvBom) +
                        "severity,line,state_id,local_id,school_code,school_name,column,value,"
                        "message,how_to_fix\r\n"
                        "rejected,3,\"=\"\"0012\"\"\",\"=\"\"00077\"\"\",201,Lincoln Elementary,"
                        "GRADE,'=KG-A,"));
  CHECK(csv.find("accepted with a warning,5,1000000005,,,,ELA_SS,-5,") != std::string::npos);
  CHECK(csv.find("not added (possible match),4,1000000503,L3,201,Lincoln Elementary,,,Looks like "
                 "committed student 1000000003 (score 92)") != std::string::npos);
  CHECK(csv.find("Use a grade the platform knows in the SIS") != std::string::npos);
}

TEST_CASE("identity alerts are in every part: text, HTML and CSV; names only at pii full") {
  Run run;
  run.alerts.push_back(possible_match(90));
  const QaMailOptions o = options(&run.terms);
  const MailMessage m = qa_report_mail(run.report(), o);
  for (const std::string* part : {&m.text, &m.html, &m.attachments.at(0).bytes}) {
    CHECK(part->find("1000000503") != std::string::npos);
    CHECK(part->find("1000000003") != std::string::npos);
    CHECK(part->find("Núñez") == std::string::npos);
    CHECK(part->find("2014-07-02") == std::string::npos);
  }
  CHECK(m.html.find("Students not added: possible matches") != std::string::npos);
  check_parts_equivalent(qa_report_document(run.report(), o), m);
  QaMailOptions full = o;
  full.pii = PiiLevel::full;
  CHECK(qa_report_mail(run.report(), full).html.find("Núñez, Zoë") != std::string::npos);
}

TEST_CASE("discrepancies in the district's terms: its columns, school names, how to fix") {
  Run run;
  StudentTable rows;
  StudentValues v{};
  v[field_index(Field::state_id)] = "1000000012";
  v[field_index(Field::local_id)] = "L12";
  v[field_index(Field::campus)] = "202";
  rows.append(v, 12);
  run.r.rows = &rows;
  run.reject(12, DiscrepancyCode::missing_required, Field::last_name, "1000000012", "");
  const MailDocument d = qa_report_document(run.report(), options(&run.terms));
  const MailSection* s = nullptr;
  for (const MailSection& x : d.sections)
    if (x.title.starts_with("Required values missing")) s = &x;
  REQUIRE(s != nullptr);
  CHECK(s->title == "Required values missing — 1 row rejected");
  CHECK(s->paragraphs.at(0) ==
        "How to fix: Enter the missing value on the student's record in the SIS; the next file "
        "brings it.");
  CHECK(s->table.rows.at(0) ==
        std::vector<std::string>{"12", "1000000012", "L12", "202 Adams Middle", "LNAME",
                                 "Column LNAME (last name) is required but empty. Fill it in the "
                                 "student information system."});
  check_parts_equivalent(d, qa_report_mail(run.report(), options(&run.terms)));
}

TEST_CASE("the HTML part is mail-client HTML: tables, inline styles, every value escaped") {
  Run run;
  run.r.file_name = "<script>alert(1)</script>.csv";
  run.reject(3, DiscrepancyCode::unknown_grade, Field::grade, "1<b>", "<img src=x>");
  const MailMessage m = qa_report_mail(run.report(), options());
  CHECK(m.html.find("<script>") == std::string::npos);
  CHECK(m.html.find("<img") == std::string::npos);
  CHECK(m.html.find("&lt;script&gt;") != std::string::npos);
  CHECK(m.html.find("<style") == std::string::npos);  // Gmail and Outlook drop style blocks
  CHECK(m.html.find("class=") == std::string::npos);
  CHECK(m.html.find("role=\"presentation\"") != std::string::npos);
  CHECK(m.html.find("name=\"viewport\"") != std::string::npos);
  CHECK(m.message_id == "<run-5.qa_report.demo-isd@rosterd>");
}

TEST_CASE("every kind of mail: the text part says what the HTML part says, links in both") {
  struct Kind {
    const char* name;
    std::function<void(Run&, QaMailOptions&)> make;
  };
  const std::vector<Kind> kinds = {
      {"committed clean", [](Run&, QaMailOptions&) {}},
      {"committed with rejects",
       [](Run& run, QaMailOptions&) {
         run.reject(3, DiscrepancyCode::unknown_grade, Field::grade, "1000000003", "KG-A");
       }},
      {"held: deactivations",
       [](Run& run, QaMailOptions&) {
         run.deactivate(16);
         run.hold("max_deactivate_pct", 5, 33);
       }},
      {"held: rejects",
       [](Run& run, QaMailOptions&) {
         run.reject(3, DiscrepancyCode::unknown_campus, Field::campus, "1", "999");
         run.hold("max_reject_pct", 1, 2);
       }},
      {"held: short file", [](Run& run, QaMailOptions&) { run.hold("max_row_drop_pct", 10, 31); }},
      {"held: re-key", [](Run& run, QaMailOptions&) { run.hold("rekey_min_students", 10, 12); }},
      {"held: scope", [](Run& run, QaMailOptions&) { run.hold("scope_change", 5, 60); }},
      {"held: one school",
       [](Run& run, QaMailOptions&) { run.hold("per_campus.201.max_reject_pct", 5, 50); }},
      {"held waiting for delivery",
       [](Run& run, QaMailOptions& o) {
         run.r.state = RunState::held;
         o.awaiting_delivery = true;
       }},
      {"identity alerts",
       [](Run& run, QaMailOptions&) { run.alerts.push_back(possible_match(92)); }},
      {"refused",
       [](Run& run, QaMailOptions&) {
         run.r.state = RunState::refused;
         run.r.refusal =
             Discrepancy{0, DiscrepancyCode::empty_file, std::nullopt, "", "", "", {}, {}};
       }},
      {"reminder",
       [](Run& run, QaMailOptions& o) {
         run.deactivate(4);
         run.hold("max_deactivate_pct", 5, 8);
         o.kind = QaMailKind::reminder;
         o.waiting_since = "2 days";
       }},
      {"committed notice", [](Run&, QaMailOptions& o) { o.kind = QaMailKind::committed; }},
  };
  for (const Kind& k : kinds) {
    CAPTURE(k.name);
    Run run;
    QaMailOptions o = options(&run.terms);
    k.make(run, o);
    const MailDocument d = qa_report_document(run.report(), o);
    const MailMessage m = qa_report_mail(run.report(), o);
    check_parts_equivalent(d, m);
    CHECK(!d.sentence.empty());
    CHECK(m.subject.starts_with("[rosterd] demo-isd 2026-11-22: "));
    const bool says_committed = m.subject.find("COMMITTED") != std::string::npos;
    CHECK(says_committed ==
          (o.kind ==
           QaMailKind::committed));  // only once it has happened  // only once it has happened
    // The reader's own link to the run, in both parts; never a shell command.
    CHECK(m.text.find("https://rosterd.example/m/REVIEWKEY") != std::string::npos);
    CHECK(m.html.find("href=\"https://rosterd.example/m/REVIEWKEY\"") != std::string::npos);
    for (const std::string* part : {&m.text, &m.html}) {
      CHECK(part->find("rosterd approve") == std::string::npos);
      CHECK(part->find("--config") == std::string::npos);
    }
  }
}

TEST_CASE("alert mails (missing file, stale feed) carry their sentence in both parts") {
  MailDocument d;
  d.tone = MailTone::stop;
  d.headline = "Missing";
  d.sentence = "no roster file of feed gen had arrived by 06:00 UTC on 2026-11-22.";
  d.sections.push_back({"Where rosterd looks", {"sftp://sis.example/outbox"}, {}, {}, {}});
  const MailMessage m = alert_mail({"ops@example.org"}, "[rosterd] gen: MISSING", d, "<x@rosterd>");
  check_parts_equivalent(d, m);
  CHECK(m.attachments.empty());
  CHECK(m.to == std::vector<std::string>{"ops@example.org"});
}

TEST_CASE("a held re-key names its proposed mapping: old ID to new, in the body and the CSV") {
  Run run;
  for (int i = 0; i < 12; ++i) {
    IdentityAlert a;
    a.kind = AlertKind::rekey;
    a.state_id = "20000000" + std::to_string(10 + i);
    a.line = static_cast<std::uint32_t>(2 + i);
    a.row = student(a.state_id, "L" + std::to_string(i), "Núñez", "201");
    a.candidates.push_back({"10000000" + std::to_string(10 + i), 100, {}});
    run.alerts.push_back(a);
  }
  run.hold("rekey_min_students", 10, 12);
  const QaMailOptions o = options(&run.terms);
  const MailDocument d = qa_report_document(run.report(), o);
  const MailSection* who = nullptr;
  for (const MailSection& s : d.sections)
    if (s.title == "Who it would change") who = &s;
  REQUIRE(who != nullptr);
  CHECK(who->table.rows.size() == 12);
  CHECK(who->table.rows[0] == std::vector<std::string>{"new state ID", "1000000010", "2000000010",
                                                       "L0", "201 Lincoln Elementary", "05"});
  // Re-key pairs are the mapping, not possible matches: no "not added" section for them.
  for (const MailSection& s : d.sections)
    CHECK(s.title != "Students not added: possible matches");
  const MailMessage m = qa_report_mail(run.report(), o);
  REQUIRE(m.attachments.size() == 1);
  CHECK(m.attachments[0].bytes.find(
            "new state ID,1000000010,2000000010,L0,201,Lincoln Elementary,\"=\"\"05\"\"\"\r\n") !=
        std::string::npos);
  check_parts_equivalent(d, m);
}
