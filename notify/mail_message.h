// One outgoing email, fully composed: what the outbox stores and the SMTP sender sends. Plain
// strings so that it survives a restart in the store unchanged.
#pragma once

#include <string>
#include <vector>

namespace rosterd {

// A file sent with the message: always a CSV (text/csv; charset=utf-8) for now.
struct MailAttachment {
  std::string name;   // a plain file name: letters, digits, '-', '_' and '.'
  std::string bytes;  // its content
};

struct MailMessage {
  std::vector<std::string> to;  // bare addresses
  std::string subject;          // UTF-8
  std::string text;             // the plain-text body
  std::string html;             // the HTML body (may be empty)
  std::vector<MailAttachment> attachments;
  // Stable for the run, list and recipient ("<run-12.qa_report.3fa1.demo-isd@rosterd>"), so
  // that a mail system can recognise a duplicate, should a crash ever resend one.
  std::string message_id;
};

}  // namespace rosterd
