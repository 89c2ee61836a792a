#include "notify/kind_mail_sections.h"

#include <array>
#include <string>
#include <vector>

#include "core/text.h"
#include "core/utf8.h"
#include "notify/mail_words.h"

namespace rosterd {
namespace {

std::string capitalized(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '_') c = ' ';
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z')
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string column_of(const Discrepancy& d) {
  if (!d.kind || !d.kind_field || *d.kind_field >= kind_info(*d.kind).fields.size()) return "";
  return std::string(kind_info(*d.kind).fields[*d.kind_field].name);
}

// The heading of a code's discrepancies in a kind's file: the students' heading, but where it
// speaks of students' state IDs or enrollment status.
std::string kind_code_title(DiscrepancyCode code) {
  switch (code) {
    case DiscrepancyCode::duplicate_id:
      return "A key on more than one row";
    case DiscrepancyCode::invalid_status:
      return "Status not recognised";
    default:
      return code_title(code);
  }
}

}  // namespace

void add_kind_sections(MailDocument& doc, const RunReport& r, const MessageTerms& terms) {
  if (r.kinds == nullptr || r.kinds->empty() || r.refusal) return;
  MailSection files;
  files.title = "The set's other files";
  files.table.header = {"File", "Rows", "Rejected (changed nothing)", "With a warning"};
  for (const KindCheckResult& k : *r.kinds) {
    files.table.rows.push_back(
        {capitalized(kind_info(k.kind).name) + ": " + display_safe(k.file.name),
         group_thousands(k.counts.rows_read), group_thousands(k.counts.rows_rejected),
         group_thousands(k.counts.rows_warned)});
  }
  doc.sections.push_back(std::move(files));

  for (const KindCheckResult& k : *r.kinds) {
    std::array<std::vector<const Discrepancy*>, kDiscrepancyCodeCount> examples{};
    std::array<std::size_t, kDiscrepancyCodeCount> counts{};
    for (const Discrepancy& d : k.discrepancies) {
      const auto c = static_cast<std::size_t>(d.code);
      ++counts[c];
      if (examples[c].size() < kExamplesPerCode) examples[c].push_back(&d);
    }
    for (Severity sev : {Severity::error, Severity::warning}) {
      for (std::size_t c = 0; c < kDiscrepancyCodeCount; ++c) {
        const auto code = static_cast<DiscrepancyCode>(c);
        if (counts[c] == 0 || code_severity(code) != sev) continue;
        MailSection s;
        s.title = capitalized(kind_info(k.kind).name) + ": " + kind_code_title(code) + " — " +
                  count(counts[c], "row", "rows") +
                  (sev == Severity::error ? " rejected" : " accepted with a warning");
        s.paragraphs.push_back("How to fix: " + how_to_fix(code, k.kind));
        s.table.header = {"Line", "ID", "Column", "What is wrong"};
        for (const Discrepancy* d : examples[c]) {
          s.table.rows.push_back({std::to_string(d->line), display_safe(d->student_id),
                                  column_of(*d), discrepancy_message(*d, terms)});
        }
        if (counts[c] > examples[c].size()) {
          s.after.push_back("... and " + group_thousands(counts[c] - examples[c].size()) +
                            " more: rosterd's JSON report lists every one.");
        }
        doc.sections.push_back(std::move(s));
      }
    }
  }
}

}  // namespace rosterd
