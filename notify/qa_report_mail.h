// The QA report of a run as the email a district coordinator acts on: one sentence first (what
// happened and what to do), the reader's own links into the console, then the facts in the
// district's terms (its column headers, school names), the students a held run would change,
// the identity alerts, and every discrepancy as a CSV a spreadsheet opens cleanly.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/field.h"
#include "notify/mail_document.h"
#include "notify/mail_message.h"
#include "notify/mail_words.h"
#include "report/run_report.h"

namespace rosterd {

enum class PiiLevel {
  minimal,  // IDs and fields only: values of names and birth dates are withheld
  full,     // every value as found in the file
};

// One recipient's links into the console (docs/mail.md). All empty when there is no console.
struct RecipientLinks {
  std::string review;         // the run; its decision when it is held
  std::string discrepancies;  // every discrepancy of the run
  std::string alerts;         // the run's identity alerts, to resolve
  std::string console;        // the console's front page, for everything else
  std::string valid_for;      // how long the links work ("72 hours")
};

// Which mail about a run.
enum class QaMailKind {
  report,     // the QA report, sent before the run commits
  held,       // to the approvers of a run held by a safeguard
  reminder,   // a held run nobody has decided yet
  committed,  // a run held only until its report went out, now committed
};

struct QaMailOptions {
  std::vector<std::string> to;
  QaMailKind kind = QaMailKind::report;
  std::string list = "qa_report";  // names the Message-ID ("held", "qa_report.campus-201")
  std::string recipient_tag;       // tells each recipient's copy apart in the Message-ID
  PiiLevel pii = PiiLevel::minimal;
  std::string date;                      // the run's date (YYYY-MM-DD), in the subject
  const DistrictTerms* terms = nullptr;  // null: rosterd's own field names and codes
  RecipientLinks links;
  // Whom the district asks when there is no console ("Jo Park <jo@vendor.example>").
  std::string contact;
  // The run is held until this report is delivered, within `deliver_within` ("30 minutes").
  bool awaiting_delivery = false;
  std::string deliver_within;
  std::string campus;         // a school's own copy: its platform code
  std::string waiting_since;  // a reminder: how long the run has been held ("2 days")
};

// REQUIRES: report.run_id is set.
MailMessage qa_report_mail(const RunReport& report, const QaMailOptions& options);

// The copies of one mail about a run, one a recipient, each as qa_report_mail makes it. What
// every copy of a list shares (the report as shown, at its PII level, and the CSV attachments)
// is made once, not for each copy: at 1M rows with 19,000 discrepancies, ~0.075 s a copy.
class QaReportCopies {
 public:
  // REQUIRES: `report` outlives this and does not change; report.run_id is set.
  explicit QaReportCopies(const RunReport& report);
  QaReportCopies(RunReport&&) = delete;  // a temporary would not outlive the copies
  ~QaReportCopies();
  QaReportCopies(const QaReportCopies&) = delete;
  QaReportCopies& operator=(const QaReportCopies&) = delete;

  // The same message as qa_report_mail(report, options).
  MailMessage compose(const QaMailOptions& options);

 private:
  struct Shared;
  const RunReport& report_;
  std::unique_ptr<Shared> shared_;  // for the last options composed
};

// The document both bodies of qa_report_mail are rendered from (for tests and the console).
MailDocument qa_report_document(const RunReport& report, const QaMailOptions& options);

// A copy of `d` without what report.pii minimal withholds: the value of a name or birth date,
// and the header line a refusal quotes (a student's row when the export lost its header). The
// rest of the sentence stays.
Discrepancy redact_pii(const Discrepancy& d);

// "[rosterd] demo-isd 2026-11-22: HELD — 16 of 49 students would be deactivated (33%)"
std::string qa_subject(const RunReport& report, const QaMailOptions& options);

// A short message to operators (the failures list, set-up tests): plain text only.
MailMessage plain_mail(std::vector<std::string> to, std::string subject, std::string text,
                       std::string message_id);

// An alert with its one sentence first (a missing or stale file, a refused file, a failed
// drop): text and HTML from one document.
MailMessage alert_mail(std::vector<std::string> to, std::string subject, const MailDocument& doc,
                       std::string message_id);

}  // namespace rosterd
