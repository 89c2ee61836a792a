#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/sha256.h"
#include "parsers/roster_reader.h"
#include "tests/support/roster_generator.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

const std::string kHeader = std::string(testing::kDefaultHeader);

struct Collected {
  std::uint32_t line;
  std::array<std::string, kFieldCount> values;
  bool broken;
  std::vector<Discrepancy> problems;
  const std::string& operator[](Field f) const { return values[field_index(f)]; }
};

class Collector : public RowSink {
 public:
  void on_row(const RawRow& row) override {
    Collected c{row.line, {}, row.broken, row.problems};
    for (std::size_t i = 0; i < kFieldCount; ++i)
      c.values[i] = std::string(row.values[i]);
    rows.push_back(std::move(c));
  }
  std::vector<Collected> rows;
};

struct Read {
  FileSummary summary;
  std::vector<Collected> rows;
};

Read read(const std::string& bytes, RosterFormat format = RosterFormat::default_layout()) {
  Collector c;
  Read r;
  r.summary = RosterReader(format).read_bytes("roster.txt", bytes, c);
  r.rows = std::move(c.rows);
  return r;
}

}  // namespace

TEST_CASE("reads the default layout") {
  const std::string text = kHeader + "\n1|L1|Ava|M|Lee|2015-01-02|05|101|AU;SI|A|80|90\n";
  const Read r = read(text);
  REQUIRE_FALSE(r.summary.refusal);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.summary.rows == 1);
  CHECK(r.rows[0].line == 2);
  CHECK(r.rows[0][Field::state_id] == "1");
  CHECK(r.rows[0][Field::diagnoses] == "AU;SI");
  CHECK(r.rows[0][Field::math_score] == "90");
  CHECK_FALSE(r.rows[0].broken);
  CHECK(r.summary.sha256 == sha256_hex(text));
  CHECK(r.summary.bytes == text.size());
}

TEST_CASE("BOM, CRLF, surrounding blanks and blank trailing lines are handled") {
  const std::string text =
      "\xEF\xBB\xBF" + kHeader + "\r\n 1 | L1 |Ava||Lee|2015-01-02|05|101||A||\r\n\r\n  \n\n";
  const Read r = read(text);
  REQUIRE_FALSE(r.summary.refusal);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0][Field::state_id] == "1");
  CHECK(r.rows[0][Field::local_id] == "L1");
  CHECK(r.rows[0][Field::math_score].empty());  // no stray '\r'
  CHECK(r.rows[0].problems.empty());
}

TEST_CASE("columns may come in any order, with extra ones, matched case-insensitively") {
  const Read r = read(
      "Extra|statusx|MathScore|ELAScore|STATUS|Diagnoses|CampusID|Grade|DateOfBirth|LegalLastName|"
      "LegalMiddleName|"
      "LegalFirstName|LocalStudentID|studentstateid\n"
      "e|s|1|2|I|AU|101|05|2015-01-02|Lee||Ava|L9|42\n");
  REQUIRE_FALSE(r.summary.refusal);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0][Field::state_id] == "42");
  CHECK(r.rows[0][Field::status] == "I");
  CHECK(r.rows[0][Field::math_score] == "1");
  CHECK(r.rows[0][Field::ela_score] == "2");
}

TEST_CASE("renamed columns, another delimiter and optional columns") {
  RosterFormat f = RosterFormat::default_layout();
  f.delimiter = ',';
  f.columns[field_index(Field::state_id)] = "SSID";
  f.optional_columns.set(field_index(Field::middle_name));
  f.optional_columns.set(field_index(Field::ela_score));
  f.optional_columns.set(field_index(Field::math_score));
  const Read r = read(
      "SSID,LocalStudentID,LegalFirstName,LegalLastName,DateOfBirth,Grade,CampusID,Diagnoses,"
      "Status\n"
      "7,L7,Ava,Lee,2015-01-02,05,101,,A\n",
      f);
  REQUIRE_FALSE(r.summary.refusal);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0][Field::state_id] == "7");
  CHECK(r.rows[0][Field::middle_name].empty());
}

TEST_CASE("file-level refusals") {
  SUBCASE("zero bytes") {
    const Read r = read("");
    REQUIRE(r.summary.refusal);
    CHECK(r.summary.refusal->code == DiscrepancyCode::empty_file);
  }
  SUBCASE("only blank lines") {
    CHECK(read("\n\n  \r\n").summary.refusal->code == DiscrepancyCode::empty_file);
  }
  SUBCASE("a header but no students") {
    const Read r = read(kHeader + "\n\n");
    REQUIRE(r.summary.refusal);
    CHECK(r.summary.refusal->code == DiscrepancyCode::empty_file);
    CHECK(discrepancy_message(*r.summary.refusal).find("no student rows") != std::string::npos);
  }
  SUBCASE("a missing column names the field and the header") {
    const Read r = read("StudentStateID|LegalFirstName\n1|Ava\n");
    REQUIRE(r.summary.refusal);
    CHECK(r.summary.refusal->code == DiscrepancyCode::missing_column);
    CHECK(r.summary.refusal->field == Field::local_id);
    CHECK(r.summary.refusal->value == "LocalStudentID");
    CHECK(r.summary.refusal->detail.find("also missing") != std::string::npos);
    CHECK(r.rows.empty());
  }
  SUBCASE("a duplicate column") {
    const Read r = read(kHeader + "|Grade\n");
    REQUIRE(r.summary.refusal);
    CHECK(r.summary.refusal->code == DiscrepancyCode::duplicate_column);
    CHECK(r.summary.refusal->field == Field::grade);
  }
  SUBCASE("binary data") {
    std::string text = kHeader + "\n1|L1|Ava||Lee|2015-01-02|05|101||A||\n";
    text += std::string("\x00\x01\x02garbage", 10);
    const Read r = read(text);
    REQUIRE(r.summary.refusal);
    CHECK(r.summary.refusal->code == DiscrepancyCode::unreadable);
    CHECK(r.summary.refusal->detail.find("NUL") != std::string::npos);
  }
  SUBCASE("UTF-16") {
    const Read r = read(std::string("\xFF\xFES\0t\0", 6));
    REQUIRE(r.summary.refusal);
    CHECK(r.summary.refusal->code == DiscrepancyCode::unreadable);
  }
}

TEST_CASE("a header missing every column says what most likely happened to the file") {
  const std::string row = "1000000001|L1|Ava||Lee|2015-01-02|05|101||A||";
  const auto with = [](std::string text, char from, char to) {
    for (char& c : text)
      if (c == from) c = to;
    return text;
  };
  SUBCASE("lines ended by a carriage return alone") {
    const Read r = read(kHeader + "\r" + row + "\r" + row + "\r");
    REQUIRE(r.summary.refusal);
    const std::string m = discrepancy_message(*r.summary.refusal);
    CAPTURE(m);
    CHECK(r.summary.refusal->code == DiscrepancyCode::missing_column);
    CHECK(m.find("Most likely, the file's lines end with a carriage return alone") !=
          std::string::npos);
    CHECK(m.find("Save or export it with LF or CRLF line ends.") != std::string::npos);
    // The header is shown up to its line end: no student's row is quoted.
    CHECK(m.find("Ava") == std::string::npos);
    CHECK(m.find("Add the column to the export") == std::string::npos);
  }
  for (const char delimiter : {',', ';', '\t'}) {
    CAPTURE(delimiter);
    const Read r = read(with(kHeader + "\n" + row + "\n", '|', delimiter));
    REQUIRE(r.summary.refusal);
    const std::string m = discrepancy_message(*r.summary.refusal);
    CAPTURE(m);
    CHECK(m.find("Most likely, the file is delimited by ") != std::string::npos);
    CHECK(m.find("not by the feed's '|', so its header reads as one column. Set "
                 "format.delimiter to ") != std::string::npos);
    CHECK(m.find(delimiter == '\t'  ? "by tab"
                 : delimiter == ',' ? "by ',' (comma)"
                                    : "by ';' (semicolon)") != std::string::npos);
  }
  SUBCASE("CR line ends in a file whose first line is then longer than 1 MiB") {
    std::string text = kHeader + "\r";
    while (text.size() < (std::size_t{1} << 21))
      text += row + "\r";
    const Read r = read(text);
    REQUIRE(r.summary.refusal);
    CHECK(r.summary.refusal->code == DiscrepancyCode::unreadable);
    CHECK(discrepancy_message(*r.summary.refusal).find("carriage return alone") !=
          std::string::npos);
  }
  SUBCASE("a column really missing keeps the usual advice") {
    const Read r = read("StudentStateID|LegalFirstName\n1|Ava\n");
    const std::string m = discrepancy_message(*r.summary.refusal);
    CHECK(m.find("Most likely") == std::string::npos);
    CHECK(m.find("Add the column to the export") != std::string::npos);
  }
}

TEST_CASE("short and long rows are column_count problems, and reading goes on") {
  const Read r =
      read(kHeader +
           "\n1|L1|Ava||Lee|2015-01-02|05|101||A|\n2|L2|Bo||Li|2015-01-02|05|101||A|||x\n"
           "3|L3|Cy||Wu|2015-01-02|05|101||A||\n");
  REQUIRE(r.rows.size() == 3);
  REQUIRE(r.rows[0].problems.size() == 1);
  CHECK(r.rows[0].problems[0].code == DiscrepancyCode::column_count);
  CHECK(r.rows[0].problems[0].detail == "11 fields where the header has 12");
  CHECK(r.rows[0].problems[0].student_id == "1");
  CHECK(r.rows[0].broken);
  CHECK(r.rows[1].problems[0].detail == "13 fields where the header has 12");
  CHECK(r.rows[2].problems.empty());
}

TEST_CASE("invalid UTF-8 and control characters are encoding problems of their field") {
  const Read r = read(kHeader +
                      "\n1|L1|Ava||Mart\xEDnez|2015-01-02|05|101||A||\n2|L2|B\x1b[2Jo||Li|2015-01-"
                      "02|05|101||A||\n");
  REQUIRE(r.rows.size() == 2);
  REQUIRE(r.rows[0].problems.size() == 1);
  CHECK(r.rows[0].problems[0].code == DiscrepancyCode::encoding);
  CHECK(r.rows[0].problems[0].field == Field::last_name);
  CHECK(r.rows[0].problems[0].line == 2);
  REQUIRE(r.rows[1].problems.size() == 1);
  CHECK(r.rows[1].problems[0].field == Field::first_name);
}

TEST_CASE("windows-1252 files are transcoded") {
  RosterFormat f = RosterFormat::default_layout();
  f.encoding = Encoding::windows1252;
  const Read r = read(kHeader + "\n1|L1|Andr\xE9s||Mu\xF1oz|2015-01-02|05|101||A||\n", f);
  REQUIRE(r.rows.size() == 1);
  CHECK(r.rows[0].problems.empty());
  CHECK(r.rows[0][Field::first_name] == "Andr\xC3\xA9s");
  CHECK(r.rows[0][Field::last_name] == "Mu\xC3\xB1oz");
}

TEST_CASE("double-quoted fields") {
  RosterFormat f = RosterFormat::default_layout();
  f.quote = QuoteMode::double_quote;
  const Read r = read(kHeader +
                          "\n1|L1|\"Ava|Marie\"||\"O\"\"Brien\"|2015-01-02|05|101||A||\n"
                          "2|L2|\"Bo\"x||Li|2015-01-02|05|101||A||\n",
                      f);
  REQUIRE(r.rows.size() == 2);
  CHECK(r.rows[0].problems.empty());
  CHECK(r.rows[0][Field::first_name] == "Ava|Marie");
  CHECK(r.rows[0][Field::last_name] == "O\"Brien");
  REQUIRE(r.rows[1].problems.size() == 1);
  CHECK(r.rows[1].problems[0].code == DiscrepancyCode::bad_quote);
  CHECK(r.rows[1].problems[0].field == Field::first_name);
}

TEST_CASE("read_file hashes the file and refuses what is not a regular file") {
  testing::TempDir dir;
  const std::string text = kHeader + "\n1|L1|Ava||Lee|2015-01-02|05|101||A||";  // no final newline
  std::ofstream(dir / "r.txt", std::ios::binary) << text;
  Collector c;
  const FileSummary s = RosterReader(RosterFormat::default_layout()).read_file(dir / "r.txt", c);
  CHECK_FALSE(s.refusal);
  CHECK(s.rows == 1);
  CHECK(s.bytes == text.size());
  CHECK(s.sha256 == sha256_hex(text));
  CHECK(s.name == "r.txt");
  CHECK_THROWS_AS(RosterReader(RosterFormat::default_layout()).read_file(dir / "missing.txt", c),
                  Error);
  CHECK_THROWS_AS(RosterReader(RosterFormat::default_layout()).read_file(dir.path(), c), Error);
}

TEST_CASE("a refused header still yields the whole file's hash") {
  testing::TempDir dir;
  const std::string text = "Nope|Header\n1|2\n";
  std::ofstream(dir / "r.txt", std::ios::binary) << text;
  Collector c;
  const FileSummary s = RosterReader(RosterFormat::default_layout()).read_file(dir / "r.txt", c);
  REQUIRE(s.refusal);
  CHECK(s.sha256 == sha256_hex(text));
  CHECK(s.bytes == text.size());
}
