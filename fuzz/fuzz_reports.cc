// Every discrepancy reaches the district twice: in the JSON report (docs/report-json.md) and in
// the QA mail's CSV attachment. Their values come from the roster, so any bytes: quotes, commas,
// line breaks, NUL, invalid UTF-8, "=cmd". Both documents must parse back to the same fields,
// changed only as documented:
//   JSON (report/json_writer.h): a string that is not valid UTF-8 is written as is up to its
//     first byte >= 0x80, and from there as display_safe() gives it (\xHH for bytes that are
//     not UTF-8 and for control characters); valid UTF-8 comes back unchanged.
//   CSV (notify/csv_cell.h): a cell starting with = + - @ tab or CR gets a leading apostrophe;
//     RFC 4180 quoting is undone by the reader.
// A mismatch, or a document that does not parse, aborts.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/discrepancy.h"
#include "core/utf8.h"
#include "notify/qa_report_mail.h"
#include "report/run_report.h"

namespace {

using namespace rosterd;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "report round trip: %s\n", what.c_str());
  std::abort();
}

// What a JSON string holding `s` decodes to (see the file comment).
std::string json_expected(std::string_view s) {
  if (is_valid_utf8(s)) return std::string(s);
  const auto high = std::find_if(s.begin(), s.end(),
                                 [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
  const auto at = static_cast<std::size_t>(high - s.begin());
  return std::string(s.substr(0, at)) + display_safe(s.substr(at));
}

// What a CSV cell holding `s` reads back as.
// What a cell reads back as: valid UTF-8 (display_safe), and an apostrophe before what a
// spreadsheet would run (notify/csv_cell.h).
bool plain_number(std::string_view s) {
  if (s.size() < 2) return false;
  s.remove_prefix(1);
  const std::size_t dot = s.find('.');
  const auto digits = [](std::string_view d) {
    return !d.empty() && d.find_first_not_of("0123456789") == std::string_view::npos;
  };
  return dot == std::string_view::npos ? digits(s)
                                       : digits(s.substr(0, dot)) && digits(s.substr(dot + 1));
}

std::string csv_expected(std::string_view s) {
  bool formula = false;
  if (!s.empty()) {
    const char c = s[0];
    formula = c == '=' || c == '@' || c == '\t' || c == '\r' ||
              ((c == '+' || c == '-') && !plain_number(s));
  }
  return (formula ? "'" : "") + display_safe(s);
}

std::string csv_id_expected(std::string_view s) {
  const bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
  if (digits && (s[0] == '0' || s.size() > 15)) return "=\"" + std::string(s) + "\"";
  return csv_expected(s);
}

using CsvRecord = std::vector<std::string>;

// RFC 4180 as csv_of writes it: every record ends in CRLF, a quote appears only in a quoted
// field, "" in a quoted field is one quote. nullopt for anything else.
std::optional<std::vector<CsvRecord>> read_csv(std::string_view text) {
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    std::string cell;
    if (text[i] == '"') {
      ++i;
      for (;;) {
        if (i >= n) return std::nullopt;  // unclosed quote
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            cell.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell.push_back(text[i++]);
      }
    } else {
      while (i < n && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
        if (text[i] == '"') return std::nullopt;
        cell.push_back(text[i++]);
      }
    }
    record.push_back(std::move(cell));
    if (i < n && text[i] == ',') {
      ++i;
      continue;
    }
    if (text.substr(i, 2) != "\r\n") return std::nullopt;
    i += 2;
    records.push_back(std::move(record));
    record.clear();
  }
  if (!record.empty()) return std::nullopt;  // text after the last CRLF
  return records;
}

Discrepancy consume_discrepancy(FuzzedDataProvider& in, bool file_level) {
  Discrepancy d;
  d.line = in.ConsumeIntegral<std::uint32_t>();
  const auto code = file_level
                        ? in.ConsumeIntegralInRange<std::size_t>(0, 3)
                        : in.ConsumeIntegralInRange<std::size_t>(0, kDiscrepancyCodeCount - 1);
  d.code = static_cast<DiscrepancyCode>(code);
  const auto field = in.ConsumeIntegralInRange<std::size_t>(0, kFieldCount);
  if (field < kFieldCount) d.field = static_cast<Field>(field);
  d.student_id = in.ConsumeRandomLengthString(256);
  d.value = in.ConsumeRandomLengthString(512);
  d.detail = in.ConsumeRandomLengthString(512);
  return d;
}

std::string field_text(const Discrepancy& d) {
  return d.field ? std::string(field_name(*d.field)) : std::string();
}

void expect_json(const nlohmann::json& j, const char* key, const std::string& want,
                 std::size_t row) {
  const auto it = j.find(key);
  if (it == j.end() || !it->is_string()) fail("JSON row " + std::to_string(row) + ": no " + key);
  if (it->get<std::string>() != want) {
    fail("JSON row " + std::to_string(row) + ": " + key + " reads back as \"" +
         display_safe(it->get<std::string>()) + "\", expected \"" + display_safe(want) + "\"");
  }
}

void check_json(const std::string& text, const RunReport& r) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("the JSON report does not parse: ") + e.what());
  }
  const std::vector<Discrepancy>& ds = *r.discrepancies;
  const nlohmann::json& rows = doc.at("rows");
  if (!rows.is_array() || rows.size() != ds.size()) fail("JSON rows: wrong count");
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const Discrepancy& d = ds[i];
    const nlohmann::json& row = rows[i];
    if (!row.contains("line") || row["line"] != d.line) fail("JSON row line differs");
    expect_json(row, "student_id", json_expected(d.student_id), i);
    expect_json(row, "field", field_text(d), i);
    expect_json(row, "code", std::string(code_name(d.code)), i);
    expect_json(row, "severity", std::string(severity_name(d.severity())), i);
    expect_json(row, "value", json_expected(d.value), i);
    expect_json(row, "message", json_expected(discrepancy_message(d)), i);
  }
  for (std::size_t c = 0; c < kDiscrepancyCodeCount; ++c) {
    const std::string name(code_name(static_cast<DiscrepancyCode>(c)));
    const nlohmann::json& counts = doc.at("discrepancies");
    const std::uint32_t got = counts.contains(name) ? counts[name].get<std::uint32_t>() : 0;
    if (got != r.by_code[c]) fail("JSON discrepancies." + name + " differs");
  }
  if (r.refusal) {
    const nlohmann::json& ref = doc.at("refusal");
    expect_json(ref, "value", json_expected(r.refusal->value), 0);
    expect_json(ref, "message", json_expected(discrepancy_message(*r.refusal)), 0);
  } else if (!doc.at("refusal").is_null()) {
    fail("JSON refusal is not null");
  }
}

void check_csv(const std::string& text, const std::vector<Discrepancy>& ds) {
  const auto records = read_csv(text);
  if (!records) fail("the CSV attachment is not RFC 4180");
  if (records->size() != ds.size() + 1) {
    fail("the CSV has " + std::to_string(records->size()) + " records for " +
         std::to_string(ds.size()) + " discrepancies");
  }
  if ((*records)[0] != CsvRecord{"\xEF\xBB\xBFseverity", "line", "state_id", "local_id",
                                 "school_code", "school_name", "column", "value", "message",
                                 "how_to_fix"})
    fail("the CSV header differs");
  for (std::size_t i = 0; i < ds.size(); ++i) {
    const Discrepancy& d = ds[i];
    const CsvRecord& got = (*records)[i + 1];
    const CsvRecord want{d.severity() == Severity::error ? "rejected" : "accepted with a warning",
                         std::to_string(d.line),
                         csv_id_expected(d.student_id),
                         "",
                         "",
                         "",
                         csv_expected(field_text(d)),
                         csv_expected(d.value),
                         csv_expected(discrepancy_message(d)),
                         csv_expected(how_to_fix(d.code))};
    if (got.size() != want.size()) fail("CSV record " + std::to_string(i + 1) + ": cell count");
    for (std::size_t c = 0; c < want.size(); ++c) {
      if (got[c] != want[c]) {
        fail("CSV record " + std::to_string(i + 1) + " cell " + std::to_string(c) +
             " reads back as \"" + display_safe(got[c]) + "\", expected \"" +
             display_safe(want[c]) + "\"");
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const bool refused = in.ConsumeBool();
  std::optional<Discrepancy> refusal;
  if (refused) refusal = consume_discrepancy(in, /*file_level=*/true);
  std::vector<Discrepancy> ds;
  while (in.remaining_bytes() > 0 && ds.size() < 64)
    ds.push_back(consume_discrepancy(in, /*file_level=*/false));
  // RunReport::discrepancies is sorted by line.
  std::stable_sort(ds.begin(), ds.end(),
                   [](const Discrepancy& a, const Discrepancy& b) { return a.line < b.line; });

  RunReport r;
  r.feed = "fuzz";
  r.run_id = 1;
  r.file_name = "roster.txt";
  r.state = refused ? RunState::refused : RunState::dry_run;
  r.refusal = refusal;
  r.discrepancies = &ds;
  for (const Discrepancy& d : ds)
    ++r.by_code[static_cast<std::size_t>(d.code)];

  // The CSV first: a JSON finding then does not hide a CSV one behind it for the same input.
  QaMailOptions options;
  options.to = {"qa@district.example"};
  options.pii = PiiLevel::full;  // every value as found, so that each can be compared
  options.date = "2026-11-23";
  const MailMessage mail = qa_report_mail(r, options);
  if (ds.empty()) {
    if (!mail.attachments.empty()) fail("a CSV attachment without discrepancies");
  } else {
    if (mail.attachments.empty()) fail("no CSV attachment");
    check_csv(mail.attachments[0].bytes, ds);
  }

  std::ostringstream json;
  write_json_report(json, r);
  check_json(json.str(), r);
  return 0;
}
