#include "report/check_report.h"

#include <array>
#include <iomanip>
#include <vector>

#include "core/text.h"
#include "core/utf8.h"
#include "report/json_writer.h"

namespace rosterd {
namespace {

std::string decision_of(const ReportInput& in) {
  return in.check->refused() ? "refused" : in.decision;
}

std::string short_hash(const std::string& sha) {
  return sha.size() < 16 ? sha : sha.substr(0, 12) + "...";
}

// The lines of every discrepancy of one code, and a few to show.
struct CodeGroup {
  std::uint32_t count = 0;
  std::vector<const Discrepancy*> examples;
};

void write_example(std::ostream& out, const Discrepancy& d) {
  out << "      line " << d.line;
  if (!d.student_id.empty()) out << " (ID " << display_safe(d.student_id) << ")";
  out << ": " << discrepancy_message(d) << '\n';
}

void write_groups(std::ostream& out, const std::array<CodeGroup, kDiscrepancyCodeCount>& groups,
                  Severity severity) {
  for (std::size_t c = 0; c < kDiscrepancyCodeCount; ++c) {
    const auto code = static_cast<DiscrepancyCode>(c);
    const CodeGroup& g = groups[c];
    if (g.count == 0 || code_severity(code) != severity) continue;
    out << "  " << std::left << std::setw(24) << code_name(code) << std::right << std::setw(9)
        << group_thousands(g.count) << '\n';
    for (const Discrepancy* d : g.examples)
      write_example(out, *d);
    if (g.count > g.examples.size()) {
      out << "      ... and " << group_thousands(g.count - g.examples.size()) << " more\n";
    }
  }
}

}  // namespace

void write_text_report(std::ostream& out, const ReportInput& in) {
  const CheckResult& r = *in.check;
  out << "rosterd report for feed " << in.feed << '\n';
  out << "  File:     " << display_safe(r.file.name) << " (" << group_thousands(r.file.bytes)
      << " bytes, sha256 " << short_hash(r.file.sha256) << ")\n";
  if (r.refused()) {
    const Discrepancy& d = *r.file.refusal;
    out << "  Decision: REFUSED: the whole file is refused and nothing in it is used.\n\n";
    out << "  " << code_name(d.code);
    if (d.line != 0) out << " (line " << d.line << ")";
    out << ": " << discrepancy_message(d) << '\n';
    return;
  }
  const std::string decision = decision_of(in);
  out << "  Decision: " << decision;
  if (decision == "dry-run") out << " (nothing was written)";
  out << "\n\n";
  const CheckCounts& c = r.counts;
  out << "  Rows read " << group_thousands(c.rows_read) << ", accepted "
      << group_thousands(c.rows_read - c.rows_rejected) << " (" << group_thousands(c.rows_warned)
      << " with warnings), rejected " << group_thousands(c.rows_rejected) << "\n";

  std::array<CodeGroup, kDiscrepancyCodeCount> groups{};
  std::uint32_t errors = 0, warnings = 0;
  for (const Discrepancy& d : r.discrepancies) {
    CodeGroup& g = groups[static_cast<std::size_t>(d.code)];
    ++g.count;
    if (g.examples.size() < kExamplesPerCode) g.examples.push_back(&d);
    ++(d.severity() == Severity::error ? errors : warnings);
  }
  if (errors == 0 && warnings == 0) {
    out << "\n  No discrepancies: every row passed every check.\n";
    return;
  }
  if (errors != 0) {
    out << "\n  Errors (the row is rejected and changes nothing):\n";
    write_groups(out, groups, Severity::error);
  }
  if (warnings != 0) {
    out << "\n  Warnings (the row is accepted):\n";
    write_groups(out, groups, Severity::warning);
  }
  out << "\n  Every discrepancy, with its line and field: add --format json.\n";
}

void write_json_report(std::ostream& out, const ReportInput& in) {
  const CheckResult& r = *in.check;
  JsonWriter w(out);
  w.begin_object();
  w.key("feed");
  w.value(in.feed);
  w.key("file");
  w.begin_object();
  w.key("name");
  w.value(r.file.name);
  w.key("sha256");
  w.value(r.file.sha256);
  w.key("bytes");
  w.value(r.file.bytes);
  w.end_object();
  w.key("decision");
  w.value(decision_of(in));
  w.key("refusal");
  if (r.refused()) {
    const Discrepancy& d = *r.file.refusal;
    w.begin_object();
    w.key("code");
    w.value(code_name(d.code));
    w.key("line");
    w.value(d.line);
    w.key("field");
    w.value(d.field ? field_name(*d.field) : std::string_view());
    w.key("value");
    w.value(d.value);
    w.key("message");
    w.value(discrepancy_message(d));
    w.end_object();
  } else {
    w.null();
  }
  w.key("counts");
  w.begin_object();
  w.key("rows_read");
  w.value(r.counts.rows_read);
  w.key("rows_rejected");
  w.value(r.counts.rows_rejected);
  w.key("rows_warned");
  w.value(r.counts.rows_warned);
  w.end_object();
  w.key("discrepancies");
  w.begin_object();
  for (std::size_t c = 0; c < kDiscrepancyCodeCount; ++c) {
    if (r.by_code[c] == 0) continue;
    w.key(code_name(static_cast<DiscrepancyCode>(c)));
    w.value(r.by_code[c]);
  }
  w.end_object();
  w.key("rows");
  w.begin_array(/*one_item_per_line=*/true);
  for (const Discrepancy& d : r.discrepancies) {
    w.begin_object();
    w.key("line");
    w.value(d.line);
    w.key("student_id");
    w.value(d.student_id);
    w.key("field");
    w.value(d.field ? field_name(*d.field) : std::string_view());
    w.key("code");
    w.value(code_name(d.code));
    w.key("severity");
    w.value(severity_name(d.severity()));
    w.key("value");
    w.value(d.value);
    w.key("message");
    w.value(discrepancy_message(d));
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out << '\n';
}

}  // namespace rosterd
