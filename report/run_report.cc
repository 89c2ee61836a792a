#include "report/run_report.h"

#include <array>
#include <cstdio>
#include <iomanip>
#include <vector>

#include "core/text.h"
#include "core/utf8.h"
#include "report/json_writer.h"

namespace rosterd {
namespace {

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

RunReport report_from_check(const std::string& feed, const std::string& decision,
                            const CheckResult& check) {
  RunReport r;
  r.feed = feed;
  r.file_name = check.file.name;
  r.sha256 = check.file.sha256;
  r.bytes = check.file.bytes;
  r.decision = check.refused() ? "refused" : decision;
  r.refusal = check.file.refusal;
  r.counts = check.counts;
  r.by_code = check.by_code;
  r.discrepancies = &check.discrepancies;
  return r;
}

void write_text_report(std::ostream& out, const RunReport& r) {
  out << "rosterd report for feed " << r.feed;
  if (r.run_id) out << ", run " << *r.run_id;
  out << '\n';
  out << "  File:     " << display_safe(r.file_name) << " (" << group_thousands(r.bytes)
      << " bytes, sha256 " << short_hash(r.sha256) << ")\n";
  if (r.refusal) {
    const Discrepancy& d = *r.refusal;
    out << "  Decision: REFUSED: the whole file is refused and nothing in it is used.\n\n";
    out << "  " << code_name(d.code);
    if (d.line != 0) out << " (line " << d.line << ")";
    out << ": " << discrepancy_message(d) << '\n';
    for (const std::string& step : r.next_steps)
      out << "  " << step << '\n';
    return;
  }
  out << "  Decision: " << r.decision;
  if (r.decision == "dry-run") out << " (nothing was written)";
  if (!r.reason.empty()) out << ": " << r.reason;
  out << "\n\n";
  const CheckCounts& c = r.counts;
  out << "  Rows read " << group_thousands(c.rows_read) << ", accepted "
      << group_thousands(c.rows_read - c.rows_rejected) << " (" << group_thousands(c.rows_warned)
      << " with warnings), rejected " << group_thousands(c.rows_rejected) << "\n";
  if (r.plan) {
    const PlanCounts& p = *r.plan;
    out << "  Changes   " << group_thousands(p.added) << " added, " << group_thousands(p.updated)
        << " updated, " << group_thousands(p.deactivated) << " deactivated, "
        << group_thousands(p.reactivated) << " reactivated, " << group_thousands(p.unchanged)
        << " unchanged";
    if (p.kept_rejected != 0)
      out << ", " << group_thousands(p.kept_rejected) << " kept as they were (row rejected)";
    out << '\n';
  }
  if (!r.trips.empty()) {
    out << "\n  Safeguards tripped (the run is held, nothing is committed until someone approves "
           "it):\n";
    for (const SafeguardTrip& t : r.trips) {
      char limit[32];
      std::snprintf(limit, sizeof limit, "%g%%", t.limit);
      out << "  " << t.name << " (limit " << limit << "): " << t.explanation << '\n';
    }
  }

  std::array<CodeGroup, kDiscrepancyCodeCount> groups{};
  std::uint32_t errors = 0, warnings = 0;
  if (r.discrepancies != nullptr) {
    for (const Discrepancy& d : *r.discrepancies) {
      CodeGroup& g = groups[static_cast<std::size_t>(d.code)];
      ++g.count;
      if (g.examples.size() < kExamplesPerCode) g.examples.push_back(&d);
      ++(d.severity() == Severity::error ? errors : warnings);
    }
  }
  if (errors == 0 && warnings == 0) {
    out << "\n  No discrepancies: every row passed every check.\n";
  }
  if (errors != 0) {
    out << "\n  Errors (the row is rejected and changes nothing):\n";
    write_groups(out, groups, Severity::error);
  }
  if (warnings != 0) {
    out << "\n  Warnings (the row is accepted):\n";
    write_groups(out, groups, Severity::warning);
  }
  if (errors != 0 || warnings != 0)
    out << "\n  Every discrepancy, with its line and field: add --format json.\n";
  if (!r.next_steps.empty()) {
    out << '\n';
    for (const std::string& step : r.next_steps)
      out << "  " << step << '\n';
  }
}

void write_json_report(std::ostream& out, const RunReport& r) {
  JsonWriter w(out);
  w.begin_object();
  w.key("feed");
  w.value(r.feed);
  if (r.run_id) {
    w.key("run_id");
    w.value(static_cast<std::int64_t>(*r.run_id));
  }
  w.key("file");
  w.begin_object();
  w.key("name");
  w.value(r.file_name);
  w.key("sha256");
  w.value(r.sha256);
  w.key("bytes");
  w.value(static_cast<std::uint64_t>(r.bytes));
  w.end_object();
  w.key("decision");
  w.value(r.decision);
  w.key("reason");
  w.value(r.reason);
  w.key("refusal");
  if (r.refusal) {
    const Discrepancy& d = *r.refusal;
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
  if (r.plan) {
    w.key("added");
    w.value(r.plan->added);
    w.key("updated");
    w.value(r.plan->updated);
    w.key("deactivated");
    w.value(r.plan->deactivated);
    w.key("reactivated");
    w.value(r.plan->reactivated);
    w.key("unchanged");
    w.value(r.plan->unchanged);
    w.key("kept_rejected");
    w.value(r.plan->kept_rejected);
  }
  w.end_object();
  w.key("safeguards");
  w.begin_array();
  for (const SafeguardTrip& t : r.trips) {
    w.begin_object();
    w.key("name");
    w.value(t.name);
    w.key("limit");
    w.value(t.limit);
    w.key("value");
    w.value(t.value);
    w.key("message");
    w.value(t.explanation);
    w.end_object();
  }
  w.end_array();
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
  if (r.discrepancies != nullptr) {
    for (const Discrepancy& d : *r.discrepancies) {
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
  }
  w.end_array();
  if (r.changes != nullptr) {
    w.key("changes");
    w.begin_array(/*one_item_per_line=*/true);
    for (const Change& c : *r.changes) {
      w.begin_object();
      w.key("student_id");
      w.value(c.state_id);
      w.key("kind");
      w.value(change_kind_name(c.kind));
      w.key("line");
      w.value(c.line);
      if (c.before && c.has_after) {
        w.key("fields");
        w.begin_object();
        for (std::size_t i = 0; i < kFieldCount; ++i) {
          if ((c.changed_fields & (1u << i)) == 0) continue;
          w.key(field_name(static_cast<Field>(i)));
          w.begin_object();
          w.key("old");
          w.value((*c.before)[i]);
          w.key("new");
          w.value(c.after(i));
          w.end_object();
        }
        w.end_object();
      }
      w.end_object();
    }
    w.end_array();
  }
  w.end_object();
  out << '\n';
}

}  // namespace rosterd
