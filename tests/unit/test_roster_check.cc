#include <doctest/doctest.h>

#include "tests/support/check_text.h"

#include <fstream>

#include "core/utf8.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"
#include "validators/roster_check.h"

using namespace rosterd;

namespace {

const std::string kHeader = std::string(testing::kDefaultHeader) + "\n";

}  // namespace

TEST_CASE("every row sharing a state ID is rejected, not just the second") {
  const CheckResult r = testing::check_text(kHeader +
                                            "1|L1|Ava||Lee|2016-01-01|05|101||A||\n"
                                            "2|L2|Bo||Li|2016-01-01|05|101||A||\n"
                                            "1|L3|Cy||Wu|2016-01-01|05|101||A||\n"
                                            "1|L4|Di||Xu|2016-01-01|05|101||A||\n");
  CHECK(r.counts.rows_read == 4);
  CHECK(r.counts.rows_rejected == 3);
  CHECK(r.by_code[static_cast<std::size_t>(DiscrepancyCode::duplicate_id)] == 3);
  REQUIRE(r.discrepancies.size() == 3);
  CHECK(r.discrepancies[0].line == 2);
  CHECK(r.discrepancies[0].detail == "lines 2, 4 and 5");
  CHECK(r.discrepancies[2].line == 5);
  REQUIRE(r.students.size() == 4);
  CHECK(r.students.rejected(0));
  CHECK_FALSE(r.students.rejected(1));
}

TEST_CASE("counts: rejected rows, warned rows, and rows kept by ID") {
  const CheckResult r =
      testing::check_text(kHeader +
                          "1|L1|Ava||Lee|2016-01-01|05|101||A|abc|\n"  // warning
                          "2|L2|||Li|2016-01-01|05|101||A||\n"         // error: first name
                          "|L3|Cy||Wu|2016-01-01|05|101||A||\n"        // error: no ID
                          "4|L4|Di||Xu|bad|05|101||A|abc|\n"           // error and warning
                          "5|L5|Ed||Yu|2016-01-01|05|101||A||\n");     // clean
  CHECK(r.counts.rows_read == 5);
  CHECK(r.counts.rows_rejected == 3);
  CHECK(r.counts.rows_warned == 1);
  // Rows with an ID are kept; rejected ones by their ID alone.
  REQUIRE(r.students.size() == 4);
  CHECK(r.students.rejected(1));
  CHECK(r.students.get(1, Field::state_id) == "2");
  CHECK(r.students.get(1, Field::last_name).empty());
  CHECK(r.students.get(3, Field::last_name) == "Yu");
  for (std::size_t i = 1; i < r.discrepancies.size(); ++i) {
    CHECK(r.discrepancies[i - 1].line <= r.discrepancies[i].line);
  }
}

TEST_CASE("a refused file keeps nothing") {
  const CheckResult r = testing::check_text(kHeader + "1|L1|Ava||Lee|2016-01-01|05|101||A||\n" +
                                            std::string("\0", 1));
  CHECK(r.refused());
  CHECK(r.students.empty());
  CHECK(r.discrepancies.empty());
  CHECK(r.counts.rows_read == 0);
  CHECK(r.by_code[static_cast<std::size_t>(DiscrepancyCode::unreadable)] == 1);
}

TEST_CASE("a file read in two parts gives exactly the result of one part") {
  testing::TempDir dir;
  testing::GeneratorOptions o;
  o.clean_rows = 150000;  // ~10 MB: above RosterReader::kMinBytesPerPart a part
  o.inject = testing::every_row_code(20);
  o.inject.erase(DiscrepancyCode::bad_quote);  // this feed does not quote
  const testing::GeneratedRoster g = testing::generate_roster(o);
  std::ofstream(dir / "big.txt", std::ios::binary) << g.text;
  REQUIRE(g.text.size() > 2 * RosterReader::kMinBytesPerPart);

  RosterFormat format = RosterFormat::default_layout();
  CheckOptions options;
  options.state_id = IdRule{10, 10, IdCharset::digits};
  ReferenceSet reference;
  const RosterReader reader(format);
  const RowChecker checker(format, options, reference, CivilDate{2026, 11, 23});
  const CheckResult one = check_roster_file(reader, checker, dir / "big.txt", CheckRun{1, true});
  const CheckResult two = check_roster_file(reader, checker, dir / "big.txt", CheckRun{2, true});

  CHECK(one.file.sha256 == two.file.sha256);
  CHECK(one.file.rows == g.rows);
  CHECK(two.file.rows == g.rows);
  CHECK(one.counts.rows_rejected == two.counts.rows_rejected);
  CHECK(one.counts.rows_warned == two.counts.rows_warned);
  CHECK(two.by_code[static_cast<std::size_t>(DiscrepancyCode::duplicate_id)] == 40);
  REQUIRE(one.discrepancies.size() == two.discrepancies.size());
  std::size_t different = 0;
  for (std::size_t i = 0; i < one.discrepancies.size(); ++i) {
    const Discrepancy& a = one.discrepancies[i];
    const Discrepancy& b = two.discrepancies[i];
    different += a.line != b.line || a.code != b.code || a.student_id != b.student_id;
  }
  CHECK(different == 0);
  REQUIRE(one.students.size() == two.students.size());
  for (StudentTable::Index i = 0; i < one.students.size(); ++i) {
    different += one.students.line(i) != two.students.line(i) ||
                 one.students.values(i) != two.students.values(i) ||
                 one.students.rejected(i) != two.students.rejected(i);
  }
  CHECK(different == 0);
  // Line numbers are the file's: the last row is on the last line.
  CHECK(two.students.line(static_cast<StudentTable::Index>(two.students.size() - 1)) == g.rows + 1);
}

TEST_CASE("a student listed once a contact is one student; listed with other values, a duplicate") {
  testing::TempDir dir;
  testing::GeneratorOptions o;
  o.clean_rows = 150000;  // two parts: a repeat far from its first row is read by the other part
  const testing::GeneratedRoster g = testing::generate_roster(o);
  // The first ten students again at the end (their contacts, in Clever's file, would differ),
  // and the eleventh again with another birth date.
  std::string text = g.text;
  std::size_t at = text.find('\n') + 1;
  const std::size_t first = at;
  for (int i = 0; i < 10; ++i)
    at = text.find('\n', at) + 1;
  const std::string ten = text.substr(first, at - first);
  const std::string eleventh = text.substr(at, text.find('\n', at) + 1 - at);
  text += ten;
  const std::size_t birth = eleventh.find("|20");
  REQUIRE(birth != std::string::npos);
  std::string other = eleventh;
  other[birth + 4] = other[birth + 4] == '0' ? '1' : '0';  // another birth year
  text += other;
  std::ofstream(dir / "big.txt", std::ios::binary) << text;

  RosterFormat format = RosterFormat::default_layout();
  format.student_repeats_per_contact = true;
  CheckOptions options;
  options.state_id = IdRule{10, 10, IdCharset::digits};
  ReferenceSet reference;
  const RosterReader reader(format);
  const RowChecker checker(format, options, reference, CivilDate{2026, 11, 23});
  for (const bool keep_rows : {true, false}) {
    for (const std::size_t threads : {std::size_t{1}, std::size_t{2}}) {
      CAPTURE(keep_rows);
      CAPTURE(threads);
      const CheckResult r =
          check_roster_file(reader, checker, dir / "big.txt", CheckRun{threads, keep_rows});
      CHECK(r.rows_repeated == 10);
      CHECK(r.file.rows == g.rows + 1);  // the repeats are no rows of their own
      CHECK(r.counts.rows_read == g.rows + 1);
      CHECK(r.students.size() == g.rows + 1);
      CHECK(r.counts.rows_rejected == 2);
      REQUIRE(r.discrepancies.size() == 2);
      CHECK(r.discrepancies[0].code == DiscrepancyCode::duplicate_id);
      CHECK(r.discrepancies[0].line == 12);
      CHECK(r.discrepancies[1].line == g.rows + 12);
      // The students kept are the file's first rows, in file order.
      CHECK(r.students.line(0) == 2);
      CHECK(r.students.line(static_cast<StudentTable::Index>(g.rows)) == g.rows + 12);
    }
  }
  // Without the layout's leave, a repeat is a duplicate as any.
  format.student_repeats_per_contact = false;
  const RowChecker strict(format, options, reference, CivilDate{2026, 11, 23});
  const CheckResult r =
      check_roster_file(RosterReader(format), strict, dir / "big.txt", CheckRun{});
  CHECK(r.rows_repeated == 0);
  CHECK(r.counts.rows_rejected == 22);
}

TEST_CASE("a repeated student's warnings are told once; opted out or out of scope, counted once") {
  RosterFormat format = RosterFormat::default_layout();
  format.student_repeats_per_contact = true;
  CheckOptions options;
  ReferenceSet reference;
  const RosterReader reader(format);
  const RowChecker checker(format, options, reference, CivilDate{2026, 11, 23});
  FeedScope scope;
  scope.exclude_campuses = {"102"};
  scope.exclude_students = {"3"};
  CheckRun run;
  run.scope = &scope;
  const std::string ava = "1|L1|Ava||Lee|2016-01-01|05|101||A|abc|\n";  // a score warning
  const std::string bo = "2|L2|Bo||Li|2016-01-01|05|102||A||\n";        // out of scope
  const std::string cy = "3|L3|Cy||Wu|2016-01-01|05|101||A||\n";        // opted out
  const CheckResult r = check_roster_bytes(reader, checker, "r.txt",
                                           kHeader + ava + bo + cy + ava + bo + cy + ava, run);
  CHECK(r.rows_repeated == 3);  // Ava twice, Bo once; an opted-out student's rows are not looked at
  CHECK(r.counts.rows_read == 4);
  CHECK(r.counts.rows_warned == 1);
  CHECK(r.counts.rows_rejected == 0);  // Cy's rows: opted out, never reported
  REQUIRE(r.discrepancies.size() == 1);
  CHECK(r.discrepancies[0].code == DiscrepancyCode::invalid_score);
  CHECK(r.discrepancies[0].line == 2);
  CHECK(r.rows_out_of_scope == 1);
  CHECK(r.rows_opted_out == 2);
  CHECK(r.by_code[static_cast<std::size_t>(DiscrepancyCode::duplicate_id)] == 0);
}

TEST_CASE("a rejected row keeps its IDs and campus as written only when they are printable") {
  // Each row is rejected (no first name), so it is kept by its state ID, local ID and campus.
  const CheckResult r = testing::check_text(kHeader +
                                            "1\t1|L\t1|||Lee|2016-01-01|05|C\tD||A||\n"
                                            "2\x7f|L\x7f|||Li|2016-01-01|05|1\x7f||A||\n"
                                            "3\x01|L\x1f|||Wu|2016-01-01|05|\x01||A||\n"
                                            "4~|L~|||Xu|2016-01-01|05|~1||A||\n"
                                            "5\xff|L\xc3\xa9|||Yu|2016-01-01|05|\xc3\xa9||A||\n");
  REQUIRE(r.students.size() == 5);
  const auto kept = [&](StudentTable::Index i, Field f) {
    return std::string(r.students.get(i, f));
  };
  for (StudentTable::Index i = 0; i < 5; ++i)
    CHECK(r.students.rejected(i));
  // A tab and '~' are printable enough: as written.
  CHECK(kept(0, Field::state_id) == "1\t1");
  CHECK(kept(0, Field::local_id) == "L\t1");
  CHECK(kept(0, Field::campus) == "C\tD");
  CHECK(kept(3, Field::state_id) == "4~");
  CHECK(kept(3, Field::local_id) == "L~");
  CHECK(kept(3, Field::campus) == "~1");
  // DEL, another control byte or a byte above ASCII: the ID in its display-safe form, the
  // local ID and campus not at all.
  CHECK(kept(1, Field::state_id) == display_safe("2\x7f"));
  CHECK(kept(1, Field::state_id) != "2\x7f");
  CHECK(kept(2, Field::state_id) == display_safe("3\x01"));
  CHECK(kept(2, Field::state_id) != "3\x01");
  CHECK(kept(4, Field::state_id) == display_safe("5\xff"));
  CHECK(kept(4, Field::state_id) != "5\xff");
  for (StudentTable::Index i : {1u, 2u, 4u}) {
    CHECK(kept(i, Field::local_id).empty());
    CHECK(kept(i, Field::campus).empty());
  }
}
