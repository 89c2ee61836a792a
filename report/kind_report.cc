#include "report/kind_report.h"

#include <array>
#include <cstdio>
#include <iomanip>

#include "core/text.h"
#include "core/utf8.h"
#include "report/run_report.h"

namespace rosterd {
namespace {

std::string_view field_of(const Discrepancy& d) {
  if (d.kind && d.kind_field && *d.kind_field < kind_info(*d.kind).fields.size())
    return kind_info(*d.kind).fields[*d.kind_field].name;
  return {};
}

// The discrepancies of `kind` in `list` of one severity, by code, with a few example lines.
void write_kind_groups(std::ostream& out, EntityKind kind, const std::vector<Discrepancy>& list,
                       Severity severity) {
  std::array<std::uint32_t, kDiscrepancyCodeCount> counts{};
  std::array<std::vector<const Discrepancy*>, kDiscrepancyCodeCount> examples{};
  bool any = false;
  for (const Discrepancy& d : list) {
    if (d.severity() != severity || d.kind != kind) continue;
    const auto c = static_cast<std::size_t>(d.code);
    ++counts[c];
    if (examples[c].size() < kExamplesPerCode) examples[c].push_back(&d);
    any = true;
  }
  if (!any) return;
  out << "\n  " << kind_info(kind).name
      << (severity == Severity::error ? ": errors (the row is rejected)"
                                      : ": warnings (the row is accepted)")
      << ":\n";
  for (std::size_t c = 0; c < kDiscrepancyCodeCount; ++c) {
    if (counts[c] == 0) continue;
    out << "  " << std::left << std::setw(24) << code_name(static_cast<DiscrepancyCode>(c))
        << std::right << std::setw(9) << group_thousands(counts[c]) << '\n';
    for (const Discrepancy* d : examples[c]) {
      out << "      line " << d->line;
      if (!d->student_id.empty()) out << " (" << display_safe(d->student_id) << ")";
      out << ": " << discrepancy_message(*d) << '\n';
    }
    if (counts[c] > examples[c].size())
      out << "      ... and " << group_thousands(counts[c] - examples[c].size()) << " more\n";
  }
}

// A kind's `discrepancies` (how many of each code) and `rows` (each one) in `list`.
void write_json_kind_discrepancies(JsonWriter& w, EntityKind kind,
                                   const std::vector<Discrepancy>& list) {
  std::array<std::uint32_t, kDiscrepancyCodeCount> by_code{};
  for (const Discrepancy& d : list)
    if (d.kind == kind) ++by_code[static_cast<std::size_t>(d.code)];
  w.key("discrepancies");
  w.begin_object();
  for (std::size_t c = 0; c < kDiscrepancyCodeCount; ++c) {
    if (by_code[c] == 0) continue;
    w.key(code_name(static_cast<DiscrepancyCode>(c)));
    w.value(by_code[c]);
  }
  w.end_object();
  w.key("rows");
  w.begin_array(/*one_item_per_line=*/true);
  for (const Discrepancy& d : list)
    if (d.kind == kind) write_json_discrepancy(w, d, "key", field_of(d));
  w.end_array();
}

void write_plan_line(std::ostream& out, const KindPlanCounts& p) {
  out << "                  " << group_thousands(p.added) << " added, "
      << group_thousands(p.updated) << " updated, " << group_thousands(p.deactivated)
      << " deactivated, " << group_thousands(p.reactivated) << " reactivated, "
      << group_thousands(p.unchanged) << " unchanged";
  if (p.kept_rejected != 0)
    out << ", " << group_thousands(p.kept_rejected) << " kept as they were (row rejected)";
  if (p.kept_for_student != 0)
    out << ", " << group_thousands(p.kept_for_student)
        << " kept as they were (their student waits)";
  out << '\n';
}

void write_plan_members(JsonWriter& w, const KindPlanCounts& p) {
  w.member("added", p.added);
  w.member("updated", p.updated);
  w.member("deactivated", p.deactivated);
  w.member("reactivated", p.reactivated);
  w.member("unchanged", p.unchanged);
  w.member("kept_rejected", p.kept_rejected);
  w.member("kept_for_student", p.kept_for_student);
  w.member("left_with_student", p.left_with_student);
  w.member("active_before", p.active_before);
}

std::string counts_line(const KindCheckResult* k, EntityKind kind, const CheckCounts& c) {
  char line[200];
  std::snprintf(line, sizeof line, "  %-15s %7s %9s %8s  ",
                std::string(kind_info(kind).name).c_str(), group_thousands(c.rows_read).c_str(),
                group_thousands(c.rows_rejected).c_str(), group_thousands(c.rows_warned).c_str());
  return std::string(line) + (k != nullptr ? display_safe(k->file.name) : std::string());
}

}  // namespace

void write_text_kind_counts(std::ostream& out, const std::vector<KindRunCounts>& counts,
                            const std::vector<Discrepancy>& discrepancies) {
  if (counts.empty()) return;
  out << "\n  Other kinds        rows  rejected   warned\n";
  for (const KindRunCounts& c : counts) {
    out << counts_line(nullptr, c.kind, c.check) << '\n';
    write_plan_line(out, c.plan);
  }
  for (const KindRunCounts& c : counts) {
    write_kind_groups(out, c.kind, discrepancies, Severity::error);
    write_kind_groups(out, c.kind, discrepancies, Severity::warning);
  }
}

void write_json_kind_counts(JsonWriter& w, const std::vector<KindRunCounts>& counts,
                            const std::vector<Discrepancy>& discrepancies) {
  w.begin_array();
  for (const KindRunCounts& c : counts) {
    w.begin_object();
    w.member("kind", kind_info(c.kind).name);
    w.key("counts");
    w.begin_object();
    w.member("rows_read", c.check.rows_read);
    w.member("rows_rejected", c.check.rows_rejected);
    w.member("rows_warned", c.check.rows_warned);
    write_plan_members(w, c.plan);
    w.end_object();
    write_json_kind_discrepancies(w, c.kind, discrepancies);
    w.end_object();
  }
  w.end_array();
}

void write_text_kinds(std::ostream& out, const std::vector<KindCheckResult>& kinds,
                      const std::vector<KindPlan>* plans) {
  if (kinds.empty()) return;
  out << "\n  Other kinds        rows  rejected   warned  file\n";
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const KindCheckResult& k = kinds[i];
    out << counts_line(&k, k.kind, k.counts) << '\n';
    if (k.rows_out_of_scope != 0) {
      out << "                  " << group_thousands(k.rows_out_of_scope)
          << " rows of students the feed does not take (opted out, or out of its scope): left "
             "out\n";
    }
    if (plans != nullptr && i < plans->size()) write_plan_line(out, (*plans)[i].counts);
  }
  for (const KindCheckResult& k : kinds) {
    write_kind_groups(out, k.kind, k.discrepancies, Severity::error);
    write_kind_groups(out, k.kind, k.discrepancies, Severity::warning);
  }
}

void write_json_kinds(JsonWriter& w, const std::vector<KindCheckResult>& kinds,
                      const std::vector<KindPlan>* plans) {
  w.begin_array();
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const KindCheckResult& k = kinds[i];
    w.begin_object();
    w.key("kind");
    w.value(kind_info(k.kind).name);
    w.key("file");
    w.begin_object();
    w.member("name", k.file.name);
    w.member("sha256", k.file.sha256);
    w.member("bytes", static_cast<std::uint64_t>(k.file.bytes));
    w.end_object();
    w.key("counts");
    w.begin_object();
    w.member("rows_read", k.counts.rows_read);
    w.member("rows_rejected", k.counts.rows_rejected);
    w.member("rows_warned", k.counts.rows_warned);
    w.member("rows_out_of_scope", k.rows_out_of_scope);
    if (plans != nullptr && i < plans->size()) write_plan_members(w, (*plans)[i].counts);
    w.end_object();
    write_json_kind_discrepancies(w, k.kind, k.discrepancies);
    w.end_object();
  }
  w.end_array();
}

}  // namespace rosterd
