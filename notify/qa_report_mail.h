// The QA discrepancy report of a run as an email: a subject a person can sort by, a plain-text
// and an HTML body with the summary and what to do next, and a CSV of every discrepancy.
#pragma once

#include <string>
#include <vector>

#include "notify/mail_message.h"
#include "report/run_report.h"

namespace rosterd {

enum class PiiLevel {
  minimal,  // IDs and fields only: values of names and birth dates are withheld
  full,     // every value as found in the file
};

struct QaMailOptions {
  std::vector<std::string> to;
  std::string list = "qa_report";  // qa_report or held: names the message id
  PiiLevel pii = PiiLevel::minimal;
  std::string date;  // the run's date (YYYY-MM-DD), shown in the subject
};

// REQUIRES: report.run_id is set.
MailMessage qa_report_mail(const RunReport& report, const QaMailOptions& options);

// A copy of `d` with the value (and detail) withheld when its field is a name or the birth date.
Discrepancy redact_pii(const Discrepancy& d);

// "[rosterd] demo-isd 2026-11-22: HELD — 412 deactivations exceed 5%"
std::string qa_subject(const RunReport& report, const std::string& date);

// A short plain-text message (alerts to the `failures` list, set-up tests).
MailMessage plain_mail(std::vector<std::string> to, std::string subject, std::string text,
                       std::string message_id);

}  // namespace rosterd
