#include <doctest/doctest.h>

#include "tests/support/check_text.h"
#include "tests/support/roster_generator.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "core/utf8.h"
#include "report/json_writer.h"
#include "report/run_report.h"

using namespace rosterd;

namespace {

const std::string kHeader = std::string(testing::kDefaultHeader) + "\n";

}  // namespace

TEST_CASE("JSON strings stay valid whatever the bytes") {
  std::string s;
  append_json_string(s, "a\"b\\c\n\x01 Andr\xC3\xA9s");
  CHECK(s == "\"a\\\"b\\\\c\\u000a\\u0001 Andr\xC3\xA9s\"");
  std::string bad;
  append_json_string(bad, "Mart\xEDnez \xC3\xA9");
  CHECK(nlohmann::json::parse(bad).get<std::string>() == "Mart\\xEDnez \xC3\xA9");
}

TEST_CASE("the JSON report parses back to the same discrepancies") {
  const CheckResult r = testing::check_text(
      kHeader +
      "1|L1|Ava||Mart\xEDnez|2016-01-01|05|101||A|abc|\n2|L2|Bo||Li|2016-02-30|05|101||A||\n");
  std::ostringstream out;
  write_json_report(out, report_from_check("demo", RunState::dry_run, r));
  const auto j = nlohmann::json::parse(out.str());
  CHECK(j["feed"] == "demo");
  CHECK(j["decision"] == "dry-run");
  CHECK(j["refusal"].is_null());
  CHECK(j["file"]["name"] == "r.txt");
  CHECK(j["file"]["sha256"].get<std::string>().size() == 64);
  CHECK(j["counts"]["rows_read"] == 2);
  CHECK(j["counts"]["rows_rejected"] == 2);
  CHECK(j["counts"]["rows_warned"] == 0);
  CHECK(j["discrepancies"]["encoding"] == 1);
  CHECK(j["discrepancies"]["invalid_score"] == 1);
  CHECK(j["discrepancies"]["invalid_date"] == 1);
  REQUIRE(j["rows"].size() == r.discrepancies.size());
  for (std::size_t i = 0; i < r.discrepancies.size(); ++i) {
    const Discrepancy& d = r.discrepancies[i];
    const auto& row = j["rows"][i];
    CHECK(row["line"] == d.line);
    CHECK(row["code"] == std::string(code_name(d.code)));
    CHECK(row["severity"] == std::string(severity_name(d.severity())));
    CHECK(row["field"] == std::string(d.field ? field_name(*d.field) : ""));
    CHECK(row["student_id"] == d.student_id);
    CHECK(row["message"] == discrepancy_message(d));
  }
}

TEST_CASE("a refused file's JSON report carries the refusal") {
  const CheckResult r = testing::check_text("Wrong|Header\n1|2\n");
  std::ostringstream out;
  write_json_report(out, report_from_check("demo", RunState::dry_run, r));
  const auto j = nlohmann::json::parse(out.str());
  CHECK(j["decision"] == "refused");
  CHECK(j["refusal"]["code"] == "missing_column");
  CHECK(j["refusal"]["field"] == "state_id");
  CHECK(j["rows"].empty());
}

TEST_CASE("the text report summarises counts and shows a few examples per code") {
  std::string text = kHeader;
  for (int i = 0; i < 5; ++i)
    text += std::to_string(i) + "|L|A||B|2016-01-01|05|101||X||\n";
  const CheckResult r = testing::check_text(text);
  std::ostringstream out;
  write_text_report(out, report_from_check("demo", RunState::dry_run, r));
  const std::string s = out.str();
  CHECK(s.find("Rows read 5, accepted 0 (0 with warnings), rejected 5") != std::string::npos);
  CHECK(s.find("invalid_status") != std::string::npos);
  CHECK(s.find("... and 2 more") != std::string::npos);
  CHECK(s.find("dry-run (nothing was written)") != std::string::npos);
}

TEST_CASE("JSON strings stay JSON whatever bytes a value holds (fuzz finding reports-1)") {
  // An invalid byte, then a quote, a backslash and a control character: the quote once ended
  // the string early (fuzz/findings/reports-1).
  for (const std::string& value :
       {std::string("O\xff\"Brien"), std::string("\xff\"\t\x00`\x00\t", 7),
        std::string("a\xc3\x28\"b\\c\nd"), std::string("Zo\xc3\xab \"ok\"")}) {
    std::string out;
    append_json_string(out, value);
    INFO(out);
    const auto parsed = nlohmann::json::parse(out, nullptr, false);
    REQUIRE_FALSE(parsed.is_discarded());
    REQUIRE(parsed.is_string());
    if (is_valid_utf8(value)) CHECK(parsed.get<std::string>() == value);
  }
}
