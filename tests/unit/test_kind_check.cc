// One file of a kind beside students (validators/kind_check.h), alone: its rows read and their
// values normalized, each bad row reported with its line and field, duplicate keys rejected, a
// file that is no file of its kind refused whole.
#include <doctest/doctest.h>

#include <string>

#include "core/discrepancy.h"
#include "validators/kind_check.h"

using namespace rosterd;

namespace {

KindCheckResult check(EntityKind kind, const std::string& text) {
  return check_kind_bytes(kind, KindFormat::default_layout(kind), "file.txt", text);
}

const Discrepancy* on_line(const KindCheckResult& r, std::uint32_t line, DiscrepancyCode code) {
  for (const Discrepancy& d : r.discrepancies)
    if (d.line == line && d.code == code) return &d;
  return nullptr;
}

const std::string kStaffHeader =
    "StaffID|LocalID|FirstName|LastName|Email|Phone|Role|CampusIDs|Status\n";

}  // namespace

TEST_CASE("kind check: a clean staff file is read, its values as the store keeps them") {
  const KindCheckResult r =
      check(EntityKind::staff, kStaffHeader +
                                   "T1|L1|Jo|Park|jo.park@district.org|(512) 555-0199|teacher|"
                                   "101;102|A\n"
                                   "T2||Ann|Lee|||aide|101|i\n");
  CHECK_FALSE(r.refused());
  CHECK(r.discrepancies.empty());
  CHECK(r.counts.rows_read == 2);
  CHECK(r.counts.rows_rejected == 0);
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows.get(0, 0) == "T1");
  CHECK(r.rows.get(0, 5) == "5125550199");
  CHECK(r.rows.get(0, 7) == "101;102");
  CHECK(r.rows.get(0, 8) == "A");
  CHECK(r.rows.get(1, 8) == "I");  // status words case-insensitively
  CHECK(r.rows.line(1) == 3);
  CHECK(r.file.rows == 2);
}

TEST_CASE("kind check: each bad value is reported on its line and field") {
  const KindCheckResult r = check(
      EntityKind::staff, kStaffHeader +
                             "T1|L1||Park|jo@|512|teacher|101|A\n"  // 2: name, email, phone
                             "T2|L2|Ann|Lee|ann@district.org||aide|101|retired\n"  // 3: status
                             "T3|L3|Al|Bo|||aide|101\n"                            // 4: columns
                             "T4|L4|Cy|Do|||aide|101|A\n");                        // 5: clean
  CHECK(r.counts.rows_read == 4);
  CHECK(r.counts.rows_rejected == 3);  // lines 2 (no first name), 3 (status), 4 (columns)
  const Discrepancy* name = on_line(r, 2, DiscrepancyCode::missing_required);
  REQUIRE(name != nullptr);
  CHECK(name->kind == EntityKind::staff);
  CHECK(name->kind_field == 2);
  CHECK(name->student_id == "T1");
  CHECK(discrepancy_message(*name) ==
        "Field staff.first_name is required but empty. Fill it in the student information "
        "system.");
  const Discrepancy* email = on_line(r, 2, DiscrepancyCode::invalid_email);
  REQUIRE(email != nullptr);
  CHECK(email->severity() == Severity::warning);
  CHECK(email->value == "jo@");
  CHECK(discrepancy_message(*email).starts_with(
      "Field staff.email has \"jo@\", which is not an email address; the row is kept without "
      "it."));
  CHECK(on_line(r, 2, DiscrepancyCode::invalid_phone) != nullptr);
  const Discrepancy* status = on_line(r, 3, DiscrepancyCode::invalid_status);
  REQUIRE(status != nullptr);
  CHECK(status->detail == "A, I");
  const Discrepancy* columns = on_line(r, 4, DiscrepancyCode::column_count);
  REQUIRE(columns != nullptr);
  CHECK(columns->kind == EntityKind::staff);
  CHECK_FALSE(r.rows.rejected(3));
  for (std::size_t i = 1; i < r.discrepancies.size(); ++i)
    CHECK(r.discrepancies[i - 1].line <= r.discrepancies[i].line);
}

TEST_CASE("kind check: a contact's bad email or phone is a warning, the row kept without it") {
  const KindCheckResult r = check(EntityKind::guardians,
                                  "GuardianID|FirstName|LastName|Email|Phone|Status\n"
                                  "G1|Maria|Núñez|maria at home|call the office|A\n");
  CHECK(r.counts.rows_rejected == 0);
  CHECK(r.counts.rows_warned == 1);
  CHECK_FALSE(r.rows.rejected(0));
  CHECK(r.rows.get(0, 3).empty());
  CHECK(r.rows.get(0, 4).empty());
  CHECK(r.rows.get(0, 2) == "Núñez");
}

TEST_CASE("kind check: dates are read in the feed's format; a span may not end before it starts") {
  KindFormat f = KindFormat::default_layout(EntityKind::terms);
  f.date_format = "%m/%d/%Y";
  const KindCheckResult r = check_kind_bytes(EntityKind::terms, f, "terms.txt",
                                             "TermID|Name|StartDate|EndDate|ParentTermID\n"
                                             "Y26|2026-27|08/15/2026|06/01/2027|\n"
                                             "S1|Fall|08/15/2026|12/19/2026|Y26\n"
                                             "S2|Spring|01/05/2027|12/19/2026|Y26\n"
                                             "S3|Summer|2027-06-10|07/30/2027|Y26\n");
  CHECK(r.rows.get(0, 2) == "2026-08-15");
  CHECK(r.rows.get(1, 3) == "2026-12-19");
  const Discrepancy* backwards = on_line(r, 4, DiscrepancyCode::invalid_date);
  REQUIRE(backwards != nullptr);
  CHECK(backwards->kind_field == 3);
  CHECK(discrepancy_message(*backwards) ==
        "Field terms.end_date has \"2026-12-19\", which is before the start date 2027-01-05: a "
        "span cannot end before it starts. Correct the dates in the SIS.");
  const Discrepancy* format = on_line(r, 5, DiscrepancyCode::invalid_date);
  REQUIRE(format != nullptr);
  CHECK(format->kind_field == 2);
  CHECK(format->detail == "%m/%d/%Y");
  CHECK(r.counts.rows_rejected == 2);
}

TEST_CASE("kind check: a key twice rejects every row with it, composite keys included") {
  const KindCheckResult r = check(EntityKind::enrollments,
                                  "SectionID|PersonID|Role|StartDate|EndDate\n"
                                  "S1|1000000001|student||\n"
                                  "S1|1000000001|aide||\n"  // another role: another row
                                  "S1|1000000002|student||\n"
                                  "S1|1000000001|student||\n"  // line 2 again
                                  "S2|1000000001|student||\n");
  CHECK(r.counts.rows_rejected == 2);
  CHECK(r.rows.rejected(0));
  CHECK(r.rows.rejected(3));
  CHECK_FALSE(r.rows.rejected(1));
  const Discrepancy* d = on_line(r, 5, DiscrepancyCode::duplicate_id);
  REQUIRE(d != nullptr);
  CHECK(d->value == "S1/1000000001/student");
  CHECK(d->detail == "lines 2 and 5");
  CHECK(discrepancy_message(*d) ==
        "The enrollments row \"S1/1000000001/student\" appears on lines 2 and 5; every row with "
        "this key is rejected until the file has one.");
}

TEST_CASE("kind check: yes-or-no values, and optional columns the export leaves out") {
  const KindCheckResult r = check(EntityKind::guardian_links,
                                  "GuardianID|StudentStateID|Primary\n"  // no Relationship
                                  "G1|1000000001|yes\n"
                                  "G2|1000000001|N\n"
                                  "G3|1000000001|maybe\n");
  CHECK_FALSE(r.refused());
  CHECK(r.rows.get(0, 3) == "Y");
  CHECK(r.rows.get(1, 3) == "N");
  CHECK(r.rows.get(0, 2).empty());  // the relationship column is not there
  CHECK(on_line(r, 4, DiscrepancyCode::invalid_flag) != nullptr);
  CHECK(r.counts.rows_rejected == 1);
}

TEST_CASE("kind check: a file without a required column, or with nothing, is refused whole") {
  const KindCheckResult r = check(EntityKind::sections,
                                  "SectionID|CampusID|TermID|Name|Status\n"  // no CourseCode
                                  "S1|101|Y26|Algebra I|A\n");
  REQUIRE(r.refused());
  CHECK(r.file.refusal->code == DiscrepancyCode::missing_column);
  CHECK(r.file.refusal->value == "CourseCode");
  CHECK(r.rows.empty());
  CHECK(r.discrepancies.empty());
  CHECK(r.counts.rows_read == 0);
  CHECK(check(EntityKind::courses, "").file.refusal->code == DiscrepancyCode::empty_file);
  // A header and no rows: refused as a students' file is, since it would end every section.
  const KindCheckResult none = check(EntityKind::sections,
                                     "SectionID|CampusID|CourseCode|TermID|Name|Period|TeacherIDs|"
                                     "Status\n");
  REQUIRE(none.refused());
  CHECK(discrepancy_message(*none.file.refusal) ==
        "The sections file has no rows; read as it is, it would end every one. Check that the "
        "export ran to the end and wrote the whole file.");
}

TEST_CASE("kind check: an optional column the format leaves out is not read, even if present") {
  KindFormat f = KindFormat::default_layout(EntityKind::staff);
  f.columns[5] = "";        // Phone: not read
  f.columns[4] = "E-mail";  // Email under the district's own header
  const KindCheckResult r =
      check_kind_bytes(EntityKind::staff, f, "staff.txt",
                       "StaffID|LocalID|FirstName|LastName|E-mail|Phone|Role|CampusIDs|Status\n"
                       "T1||Jo|Park|jo@district.org|not a number|teacher|101|A\n");
  CHECK(r.discrepancies.empty());
  CHECK(r.rows.get(0, 4) == "jo@district.org");
  CHECK(r.rows.get(0, 5).empty());
  f.columns[0] = "";  // a required field's column cannot be left out: its default is read
  CHECK_FALSE(check_kind_bytes(EntityKind::staff, f, "staff.txt",
                               "StaffID|FirstName|LastName|E-mail|Role|CampusIDs|Status\n"
                               "T1|Jo|Park|jo@district.org|teacher|101|A\n")
                  .refused());
}

TEST_CASE("kind check: a value that is not UTF-8 is rejected naming its line and field") {
  const KindCheckResult r = check(EntityKind::staff, kStaffHeader +
                                                         "T1||Jo|Park|||teacher|101|A\n"
                                                         "T2||Ren\xe9"
                                                         "e|Lee|||teacher|101|A\n");
  CHECK(r.counts.rows_rejected == 1);
  const Discrepancy* d = on_line(r, 3, DiscrepancyCode::encoding);
  REQUIRE(d != nullptr);
  REQUIRE(d->kind_field);
  CHECK(kind_info(EntityKind::staff).fields[*d->kind_field].name == "first_name");
}
