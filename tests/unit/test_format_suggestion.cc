#include <doctest/doctest.h>

#include "config/config.h"
#include "ops/format_suggestions.h"
#include "parsers/format_suggestion.h"

using namespace rosterd;

namespace {

const CivilDate kAsOf{2026, 11, 23};

bool has(const std::vector<std::string>& lines, std::string_view part) {
  for (const std::string& l : lines)
    if (l.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("suggest_format: the default layout is recognised by its own headers") {
  const FormatSuggestion s = suggest_format(
      "r.txt",
      "StudentStateID|LocalStudentID|LegalFirstName|LegalMiddleName|LegalLastName|DateOfBirth|"
      "Grade|CampusID|Diagnoses|Status|ELAScore|MathScore\n"
      "1000000001|L1|Ava||Lee|2016-03-14|05|LES|AU;SLD|A|78|82\n",
      true, kAsOf);
  CHECK(s.refusal.empty());
  CHECK(s.preset == nullptr);
  CHECK(s.format.delimiter == '|');
  CHECK(s.format.date_format == "%Y-%m-%d");
  for (Field f : kAllFields)
    CHECK(s.format.columns[field_index(f)] ==
          RosterFormat::default_layout().columns[field_index(f)]);
  CHECK(s.unsure.empty());
}

TEST_CASE("suggest_format: day and month that cannot be told apart are said, not hidden") {
  const FormatSuggestion s = suggest_format(
      "r.csv", "SSID,Last,First,DOB,Grade,School\n1,A,B,01/02/2015,5,X\n2,C,D,03/04/2014,6,X\n",
      true, kAsOf);
  CHECK(s.format.date_format == "%m/%d/%Y");
  CHECK(has(s.unsure, "reads both month first and day first"));
}

TEST_CASE("suggest_format: two- and four-digit years in one column give both formats in order") {
  const FormatSuggestion s = suggest_format("r.csv",
                                            "SSID,Last,First,DOB,Grade,School\n1,A,B,11/1/"
                                            "98,5,X\n2,C,D,3/14/2015,6,X\n3,E,F,4/2/15,6,X\n",
                                            true, kAsOf);
  REQUIRE(s.format.other_date_formats.size() == 1);
  CHECK(s.format.date_format == "%m/%d/%y");
  CHECK(s.format.other_date_formats[0] == "%m/%d/%Y");
}

TEST_CASE("suggest_format: a cut last line is left out of a partial sample") {
  const FormatSuggestion s = suggest_format(
      "r.csv", "SSID,Last,First,DOB,Grade,School\n1,A,B,2015-01-02,5,X\n2,C,D,20", false, kAsOf);
  CHECK(s.rows_sampled == 1);
  CHECK(s.format.date_format == "%Y-%m-%d");
}

TEST_CASE("suggest_format: refusals say what the file is") {
  CHECK(suggest_format("r", "", true, kAsOf).refusal == "the file has no header row");
  CHECK(suggest_format("r", "a,b\rc,d\r", true, kAsOf).refusal.find("carriage return alone") !=
        std::string::npos);
  CHECK(suggest_format("r", std::string_view("PK\x03\x04\0\0", 6), true, kAsOf)
            .refusal.find("binary") != std::string::npos);
  CHECK(suggest_format("r", "just one column\nand another line\n", true, kAsOf)
            .refusal.find("no delimiter") != std::string::npos);
}

TEST_CASE("suggest_format: status words become the feed's status values") {
  const FormatSuggestion s =
      suggest_format("r.csv",
                     "SSID,Last,First,DOB,Grade,School,Status\n1,A,B,2015-01-02,5,X,Enrolled\n"
                     "2,C,D,2015-01-02,5,X,Withdrawn\n3,E,F,2015-01-02,5,X,Pending\n",
                     true, kAsOf);
  CHECK(s.format.status.active == std::vector<std::string>{"Enrolled"});
  CHECK(s.format.status.inactive == std::vector<std::string>{"Withdrawn"});
  CHECK(has(s.unsure, "neither active nor inactive: Pending"));
}

TEST_CASE("suggest_format: what it prints always loads as a feed (fuzz findings 1 and 2)") {
  // 1: no column holds a student ID; 2: a header named twice, once placed by its values.
  for (const char* file : {"Name,Born,Grade\nAva Lee,2015-01-01,3\n",
                           "orgSourcedIds,Grade,orgSourcedIds\nX,3,2015-01-01\n"}) {
    CAPTURE(std::string(file));
    const FormatSuggestion s = suggest_format("r.csv", file, true, kAsOf);
    REQUIRE(s.refusal.empty());
    CHECK_FALSE(s.unsure.empty());
    const std::string yaml = suggested_format_yaml(s);
    CHECK_NOTHROW(parse_config("feeds:\n  x:\n" + yaml, "suggested.yaml", "."));
  }
  const FormatSuggestion none =
      suggest_format("r.csv", "Name,Born,Grade\nA,2015-01-01,3\n", true, kAsOf);
  CHECK(has(none.unsure, "no column holds a student ID"));
  const FormatSuggestion twice =
      suggest_format("r.csv", "SSID,Last,First,Grade,Grade\n1,A,B,3,4\n", true, kAsOf);
  CHECK(has(twice.unsure, "column \"Grade\" appears twice in the header"));
}
