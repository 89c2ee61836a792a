#include "notify/qa_report_mail.h"

#include <array>
#include <cstdio>
#include <sstream>

#include "core/html_text.h"
#include "core/text.h"
#include "core/utf8.h"
#include "notify/csv_cell.h"

namespace rosterd {
namespace {

bool is_pii(const std::optional<Field>& f) {
  return f && (*f == Field::first_name || *f == Field::middle_name || *f == Field::last_name ||
               *f == Field::birth_date);
}

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g%%", v);
  return buf;
}

std::string upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == '-') c = ' ';
  }
  return s;
}

std::string trip_summary(const RunReport& r, const SafeguardTrip& t) {
  if (t.name == "max_deactivate_pct" && r.plan)
    return group_thousands(r.plan->deactivated) + " deactivations exceed " + pct(t.limit);
  if (t.name == "max_reject_pct")
    return group_thousands(r.counts.rows_rejected) + " rejected rows exceed " + pct(t.limit);
  if (t.name == "max_row_drop_pct")
    return "the file has " + pct(t.value) + " fewer rows (limit " + pct(t.limit) + ")";
  if (t.name == "rekey_min_students")
    return group_thousands(static_cast<unsigned long long>(t.value)) +
           " state IDs changed (re-key)";
  return t.explanation;
}

void html_row(std::ostringstream& h, const std::string& label, const std::string& value) {
  h << "<tr><th align=\"left\">" << html_escape(label) << "</th><td>" << html_escape(value)
    << "</td></tr>\n";
}

std::string csv_of(const std::vector<Discrepancy>& ds) {
  std::string out = "line,student_id,field,code,value,message\r\n";
  for (const Discrepancy& d : ds) {
    out += std::to_string(d.line) + "," + csv_cell(d.student_id) + "," +
           csv_cell(d.field ? std::string(field_name(*d.field)) : "") + "," +
           csv_cell(code_name(d.code)) + "," + csv_cell(d.value) + "," +
           csv_cell(discrepancy_message(d)) + "\r\n";
  }
  return out;
}

}  // namespace

Discrepancy redact_pii(const Discrepancy& d) {
  if (is_file_level(d.code)) {
    // A refusal may quote the first line of the file ("the header row reads ..."), which is a
    // student's row when the export forgot its header.
    Discrepancy r = d;
    r.detail.clear();
    return r;
  }
  if (!is_pii(d.field)) return d;
  Discrepancy r = d;
  r.value = d.value.empty() ? "" : "[withheld]";
  r.detail.clear();
  return r;
}

std::string qa_subject(const RunReport& r, const std::string& date) {
  std::string s =
      "[rosterd] " + r.feed + " " + date + ": " + upper(std::string(run_state_name(r.state)));
  if (r.refusal) return s + " — " + std::string(code_name(r.refusal->code));
  if (!r.trips.empty()) {
    s += " — ";
    for (std::size_t i = 0; i < r.trips.size(); ++i)
      s += (i ? "; " : "") + trip_summary(r, r.trips[i]);
    return s;
  }
  if (r.state == RunState::held)
    return s + " — " + (r.reason.empty() ? "approval needed" : r.reason);
  std::string counts;
  if (r.plan) {
    counts = group_thousands(r.plan->added) + " added, " + group_thousands(r.plan->updated) +
             " updated, " + group_thousands(r.plan->deactivated) + " deactivated";
  }
  counts += (counts.empty() ? "" : ", ") + group_thousands(r.counts.rows_rejected) + " rejected";
  return s + " — " + counts;
}

MailMessage qa_report_mail(const RunReport& report, const QaMailOptions& o) {
  std::vector<Discrepancy> shown;
  if (report.discrepancies != nullptr) {
    shown.reserve(report.discrepancies->size());
    for (const Discrepancy& d : *report.discrepancies)
      shown.push_back(o.pii == PiiLevel::full ? d : redact_pii(d));
  }
  RunReport r = report;
  r.discrepancies = &shown;
  r.changes = nullptr;
  r.withhold_pii = o.pii != PiiLevel::full;
  std::optional<Discrepancy> refusal;
  if (report.refusal)
    r.refusal = o.pii == PiiLevel::full ? *report.refusal : redact_pii(*report.refusal);

  MailMessage m;
  m.to = o.to;
  m.subject = qa_subject(r, o.date);
  m.message_id =
      "<run-" + std::to_string(r.run_id.value_or(0)) + "." + o.list + "." + r.feed + "@rosterd>";

  std::ostringstream text;
  text << "This is the QA report of a roster file rosterd received for feed " << r.feed
       << ". It was sent before anything was committed";
  if (o.list == "qa_report" && r.state == RunState::committed)
    text << ": the run commits once the mail server has taken this report";
  text << ".\n\n";
  write_text_report(text, r);
  if (o.pii == PiiLevel::minimal)
    text << "\nNames and birth dates are withheld from this message (report.pii: minimal).\n";
  text << "\nEvery discrepancy is in the attached CSV (line, student ID, field, code, value, "
          "message).\n";
  m.text = text.str();

  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html><body>\n<h2>rosterd QA report: " << html_escape(r.feed) << ", run "
    << r.run_id.value_or(0) << "</h2>\n<table>\n";
  html_row(h, "File", display_safe(r.file_name) + " (" + group_thousands(r.bytes) + " bytes)");
  html_row(h, "Decision",
           upper(std::string(run_state_name(r.state))) + (r.reason.empty() ? "" : ": " + r.reason));
  html_row(h, "Rows read", group_thousands(r.counts.rows_read));
  html_row(h, "Rows rejected", group_thousands(r.counts.rows_rejected));
  html_row(h, "Rows with warnings", group_thousands(r.counts.rows_warned));
  if (r.plan) {
    html_row(h, "Added", group_thousands(r.plan->added));
    html_row(h, "Updated", group_thousands(r.plan->updated));
    html_row(h, "Deactivated", group_thousands(r.plan->deactivated));
    html_row(h, "Reactivated", group_thousands(r.plan->reactivated));
  }
  h << "</table>\n";
  if (r.campuses.size() > 1) {
    h << "<h3>By campus</h3>\n<table border=\"1\" cellpadding=\"3\">\n<tr><th>Campus</th>"
         "<th>Rows</th><th>Rejected</th><th>Warned</th><th>Added</th><th>Updated</th>"
         "<th>Deactivated</th><th>Alerts</th></tr>\n";
    for (const CampusCounts& c : r.campuses) {
      h << "<tr><td>" << html_escape(c.campus.empty() ? "(none)" : c.campus) << "</td><td>"
        << c.rows << "</td><td>" << c.rejected << "</td><td>" << c.warned << "</td><td>" << c.added
        << "</td><td>" << c.updated << "</td><td>" << c.deactivated << "</td><td>" << c.alerts
        << "</td></tr>\n";
    }
    h << "</table>\n";
  }
  if (r.refusal) {
    h << "<p><b>The whole file was refused:</b> " << html_escape(discrepancy_message(*r.refusal))
      << "</p>\n";
  }
  if (!r.trips.empty()) {
    h << "<h3>Safeguards tripped</h3>\n<ul>\n";
    for (const SafeguardTrip& t : r.trips)
      h << "<li>" << html_escape(t.name) << " (limit "
        << (t.name == "rekey_min_students"
                ? std::to_string(static_cast<long>(t.limit)) + " students"
                : pct(t.limit))
        << "): " << html_escape(t.explanation) << "</li>\n";
    h << "</ul>\n";
  }
  std::array<std::vector<const Discrepancy*>, kDiscrepancyCodeCount> by_code{};
  std::array<std::size_t, kDiscrepancyCodeCount> counts{};
  for (const Discrepancy& d : shown) {
    const auto c = static_cast<std::size_t>(d.code);
    ++counts[c];
    if (by_code[c].size() < kExamplesPerCode) by_code[c].push_back(&d);
  }
  for (Severity sev : {Severity::error, Severity::warning}) {
    bool any = false;
    for (std::size_t c = 0; c < kDiscrepancyCodeCount; ++c) {
      if (counts[c] == 0 || code_severity(static_cast<DiscrepancyCode>(c)) != sev) continue;
      if (!any) {
        h << (sev == Severity::error ? "<h3>Rejected rows, by code</h3>\n"
                                     : "<h3>Warnings (the row is accepted)</h3>\n")
          << "<table border=\"1\" cellpadding=\"3\">\n<tr><th>Code</th><th>Rows</th><th>"
             "Examples</th></tr>\n";
        any = true;
      }
      h << "<tr><td>" << code_name(static_cast<DiscrepancyCode>(c)) << "</td><td>"
        << group_thousands(counts[c]) << "</td><td>";
      for (const Discrepancy* d : by_code[c]) {
        h << "line " << d->line;
        if (!d->student_id.empty()) h << " (ID " << html_escape(display_safe(d->student_id)) << ")";
        h << ": " << html_escape(discrepancy_message(*d)) << "<br>\n";
      }
      h << "</td></tr>\n";
    }
    if (any) h << "</table>\n";
  }
  if (!r.next_steps.empty()) {
    h << "<h3>What to do next</h3>\n<ul>\n";
    for (const std::string& step : r.next_steps)
      h << "<li>" << html_escape(step) << "</li>\n";
    h << "</ul>\n";
  }
  h << "<p>Every discrepancy is in the attached CSV.</p>\n</body></html>\n";
  m.html = h.str();

  m.attachment_name =
      "rosterd-" + r.feed + "-run-" + std::to_string(r.run_id.value_or(0)) + "-discrepancies.csv";
  m.attachment = csv_of(shown);
  return m;
}

MailMessage plain_mail(std::vector<std::string> to, std::string subject, std::string text,
                       std::string message_id) {
  MailMessage m;
  m.to = std::move(to);
  m.subject = std::move(subject);
  m.text = std::move(text);
  m.message_id = std::move(message_id);
  return m;
}

}  // namespace rosterd
