// The QA report's sections about the roster's other kinds (notify/kind_mail_sections.h): each
// kind's counts and discrepancies in the district's mail, the advice in the kind's words, and
// names, emails and phones withheld at report.pii minimal.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "notify/qa_report_mail.h"
#include "validators/kind_check.h"

using namespace rosterd;

namespace {

std::vector<KindCheckResult> staff_with_problems() {
  std::vector<KindCheckResult> kinds;
  kinds.push_back(check_kind_bytes(
      EntityKind::staff, KindFormat::default_layout(EntityKind::staff), "staff.txt",
      "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status\n"
      "T1||Jo|Park|jo.park@not-an-address||teacher|101|A\n"
      "T2||Al|Bo|||teacher|101|A\n"
      "T2||Al|Bo|||teacher|101|A\n"));
  REQUIRE_FALSE(kinds[0].refused());
  return kinds;
}

// Run 7 of feed demo, checked only, with `kinds` (which must outlive it).
RunReport dry_run_of(const std::vector<KindCheckResult>& kinds) {
  RunReport r;
  r.feed = "demo";
  r.run_id = 7;
  r.state = RunState::dry_run;
  r.kinds = &kinds;
  return r;
}

QaMailOptions coordinator() {
  QaMailOptions o;
  o.to = {"coordinator@demo-isd.example"};
  o.date = "2026-12-05";
  return o;
}

const MailSection* section(const MailDocument& d, const std::string& title) {
  for (const MailSection& s : d.sections)
    if (s.title == title) return &s;
  return nullptr;
}

}  // namespace

TEST_CASE("kind mail: each kind's counts and discrepancies, values withheld at pii minimal") {
  const std::vector<KindCheckResult> kinds = staff_with_problems();
  const RunReport r = dry_run_of(kinds);
  QaMailOptions o = coordinator();

  const MailDocument minimal = qa_report_document(r, o);
  const MailSection* files = section(minimal, "The set's other files");
  REQUIRE(files != nullptr);
  REQUIRE(files->table.rows.size() == 1);
  CHECK(files->table.rows[0] == std::vector<std::string>{"Staff: staff.txt", "3", "2", "1"});

  const MailSection* dup = section(minimal, "Staff: A key on more than one row — 2 rows rejected");
  REQUIRE(dup != nullptr);
  CHECK(dup->paragraphs[0] ==
        "How to fix: Keep one record per staff member in the SIS: merge or correct the duplicate.");
  CHECK(dup->table.rows.size() == 2);

  const MailSection* email = section(
      minimal, "Staff: Email addresses that are not addresses — 1 row accepted with a warning");
  REQUIRE(email != nullptr);
  REQUIRE(email->table.rows.size() == 1);
  CHECK(email->table.rows[0][0] == "2");
  CHECK(email->table.rows[0][1] == "T1");
  CHECK(email->table.rows[0][2] == "email");
  CHECK(email->table.rows[0][3].find("not-an-address") == std::string::npos);
  CHECK(email->table.rows[0][3].find("withheld") != std::string::npos);

  o.pii = PiiLevel::full;
  const MailDocument full = qa_report_document(r, o);
  const MailSection* shown = section(
      full, "Staff: Email addresses that are not addresses — 1 row accepted with a warning");
  REQUIRE(shown != nullptr);
  CHECK(shown->table.rows[0][3].find("jo.park@not-an-address") != std::string::npos);

  // A school's copy keeps to its own students' rows.
  o.campus = "101";
  CHECK(section(qa_report_document(r, o), "The set's other files") == nullptr);
}

TEST_CASE("kind mail: redact_pii withholds a kind's personal field, not its other values") {
  Discrepancy d;
  d.code = DiscrepancyCode::invalid_phone;
  d.kind = EntityKind::guardians;
  d.kind_field =
      static_cast<std::uint8_t>(*entity_field(kind_info(EntityKind::guardians), "phone"));
  d.value = "12";
  CHECK(redact_pii(d).value == "[withheld]");
  d.kind = EntityKind::sections;
  d.kind_field = static_cast<std::uint8_t>(*entity_field(kind_info(EntityKind::sections), "name"));
  d.value = "Algebra I";
  CHECK(redact_pii(d).value == "Algebra I");
}

TEST_CASE("kind mail: every discrepancy of the other files in a CSV, values withheld at minimal") {
  const std::vector<KindCheckResult> kinds = staff_with_problems();
  const RunReport r = dry_run_of(kinds);
  QaMailOptions o = coordinator();
  const auto attachment = [](const MailMessage& m, const std::string& name) -> const std::string* {
    for (const MailAttachment& a : m.attachments)
      if (a.name == name) return &a.bytes;
    return nullptr;
  };

  const MailMessage minimal = qa_report_mail(r, o);
  const std::string* csv = attachment(minimal, "rosterd-demo-run-7-other-files.csv");
  REQUIRE(csv != nullptr);
  CHECK(csv->find("kind,file,severity,line,key,field,value,message,how_to_fix\r\n") !=
        std::string::npos);
  CHECK(csv->find("staff,staff.txt,accepted with a warning,2,T1,email,[withheld],") !=
        std::string::npos);
  CHECK(csv->find("staff,staff.txt,rejected,3,T2,staff_id,T2,") != std::string::npos);
  CHECK(csv->find("staff,staff.txt,rejected,4,T2,staff_id,T2,") != std::string::npos);
  CHECK(csv->find("not-an-address") == std::string::npos);
  CHECK(minimal.text.find("rosterd-demo-run-7-other-files.csv") != std::string::npos);

  o.pii = PiiLevel::full;
  const MailMessage full = qa_report_mail(r, o);  // kept: the attachment points into it
  const std::string* shown = attachment(full, "rosterd-demo-run-7-other-files.csv");
  REQUIRE(shown != nullptr);
  CHECK(shown->find("jo.park@not-an-address") != std::string::npos);

  // A school's copy keeps to its students; a committed run's mail attaches no discrepancies.
  o.campus = "101";
  CHECK(attachment(qa_report_mail(r, o), "rosterd-demo-run-7-other-files.csv") == nullptr);
  o.campus.clear();
  o.kind = QaMailKind::committed;
  CHECK(attachment(qa_report_mail(r, o), "rosterd-demo-run-7-other-files.csv") == nullptr);
}
