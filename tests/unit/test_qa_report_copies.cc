// The copies of one mail about a run (notify/qa_report_mail.h, QaReportCopies): each the very
// message qa_report_mail makes for its options, whatever the copies before it were.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "notify/qa_report_mail.h"

using namespace rosterd;

namespace {

// A student's values in field order (state ID, local ID, names, birth date, grade, campus...).
std::vector<std::string> student(const std::string& id, const std::string& last,
                                 const std::string& campus) {
  return {id, "L" + id, "Zoë", "", last, "2014-07-02", "05", campus, "", "A", "", ""};
}

QaMailOptions copy_for(const std::string& address, const std::string& key) {
  QaMailOptions o;
  o.to = {address};
  o.recipient_tag = key;
  o.date = "2026-11-22";
  o.links.review = "https://rosterd.example/m/REVIEW" + key;
  o.links.discrepancies = "https://rosterd.example/m/DISC" + key;
  o.links.console = "https://rosterd.example/";
  o.links.valid_for = "72 hours";
  return o;
}

void check_same(const MailMessage& a, const MailMessage& b) {
  CHECK(a.to == b.to);
  CHECK(a.subject == b.subject);
  CHECK(a.message_id == b.message_id);
  CHECK(a.text == b.text);
  CHECK(a.html == b.html);
  REQUIRE(a.attachments.size() == b.attachments.size());
  for (std::size_t i = 0; i < a.attachments.size(); ++i) {
    CHECK(a.attachments[i].name == b.attachments[i].name);
    CHECK(a.attachments[i].bytes == b.attachments[i].bytes);
  }
}

}  // namespace

TEST_CASE("QA report copies: each one is qa_report_mail's message for its own options") {
  // A held run: names in the discrepancies (withheld at pii minimal) and students it would
  // deactivate at two schools.
  RunReport r;
  std::vector<Discrepancy> ds;
  std::vector<Change> changes;
  std::vector<IdentityAlert> alerts;
  r.feed = "demo-isd";
  r.run_id = 5;
  r.file_name = "roster.csv";
  r.state = RunState::held;
  r.trips.push_back({"max_deactivate_pct", 5, 40, "(the planner's own words)"});
  r.counts.rows_read = 10;
  r.plan = PlanCounts{};
  r.plan->active_before = 10;
  r.plan->deactivated = 4;
  for (int i = 0; i < 4; ++i) {
    Change c;
    c.kind = ChangeKind::deactivated;
    c.state_id = "100000000" + std::to_string(i);
    c.before = student(c.state_id, "Núñez", i % 2 ? "201" : "202");
    changes.push_back(std::move(c));
  }
  ds.push_back(
      {3, DiscrepancyCode::missing_required, Field::first_name, "1000000007", "", "", {}, {}});
  ds.push_back({4,
                DiscrepancyCode::invalid_date,
                Field::birth_date,
                "1000000008",
                "2014-13-45",
                "",
                {},
                {}});
  r.counts.rows_rejected = 2;
  r.discrepancies = &ds;
  r.changes = &changes;
  r.alerts = &alerts;

  std::vector<QaMailOptions> options = {copy_for("a@demo-isd.example", "aaaa"),
                                        copy_for("b@demo-isd.example", "bbbb"),
                                        copy_for("c@demo-isd.example", "cccc")};
  options.push_back(options[0]);
  options.back().pii = PiiLevel::full;  // a list at another PII level
  options.push_back(options[1]);
  options.back().campus = "201";  // a school's own copy
  options.push_back(options[2]);  // back to the first list's parts
  // Then copies that differ from the one before in one more option each.
  DistrictTerms terms;
  terms.columns = {"STU_ID", "LOCAL",  "FNAME", "MNAME",  "LNAME",  "DOB",
                   "GRADE",  "SCHOOL", "DIAG",  "STATUS", "ELA_SS", "MATH_SS"};
  options.push_back(options[0]);
  options.back().terms = &terms;  // 6: the district's own column names
  options.push_back(options[0]);  // 7
  options.push_back(options[0]);
  options.back().awaiting_delivery = true;  // 8: held until delivered: no "who it would change"
  options.push_back(options[0]);            // 9
  options.push_back(options[0]);
  options.back().kind = QaMailKind::reminder;  // 10: no discrepancies CSV
  options.push_back(options[0]);
  options.back().kind = QaMailKind::committed;  // 11

  QaReportCopies copies(r);
  std::vector<MailMessage> composed;
  for (const QaMailOptions& o : options) {
    composed.push_back(copies.compose(o));
    INFO("copy " << composed.size());
    check_same(composed.back(), qa_report_mail(r, o));
  }
  // The copies of one list share their attachments and differ in their links.
  REQUIRE(composed[0].attachments.size() == 2);  // the discrepancies and who it would change
  CHECK(composed[0].attachments[0].bytes == composed[1].attachments[0].bytes);
  CHECK(composed[0].text != composed[1].text);
  CHECK(composed[1].text.find("REVIEWbbbb") != std::string::npos);
  // The other lists' parts are their own: names at pii full, one school's students.
  CHECK(composed[0].attachments[1].bytes.find("Núñez") == std::string::npos);
  CHECK(composed[3].attachments[1].bytes.find("Núñez") != std::string::npos);
  CHECK(composed[4].attachments.back().bytes.find("1000000000") == std::string::npos);
  CHECK(composed[4].attachments.back().bytes.find("1000000001") != std::string::npos);
  CHECK(composed[6].attachments[0].bytes.find("FNAME") != std::string::npos);
  CHECK(composed[7].attachments[0].bytes.find("FNAME") == std::string::npos);
  CHECK(composed[8].attachments.size() == 1);  // awaiting delivery: the discrepancies only
  CHECK(composed[8].attachments[0].name.ends_with("-discrepancies.csv"));
  CHECK(composed[9].attachments.size() == 2);
  CHECK(composed[10].attachments.size() == 1);  // a reminder: who it would change only
  CHECK(composed[10].attachments[0].name.ends_with("-affected.csv"));
  for (const MailAttachment& a : composed[11].attachments)  // committed: no discrepancies CSV
    CHECK_FALSE(a.name.ends_with("-discrepancies.csv"));
}
