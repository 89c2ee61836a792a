// One outgoing email, fully composed: what the outbox stores and the SMTP sender sends. Plain
// strings so that it survives a restart in the store unchanged.
#pragma once

#include <string>
#include <vector>

namespace rosterd {

struct MailMessage {
  std::vector<std::string> to;  // bare addresses
  std::string subject;          // UTF-8
  std::string text;             // the plain-text body
  std::string html;             // the HTML body (may be empty)
  std::string attachment_name;  // empty when there is none
  std::string attachment;       // its bytes (text/csv)
  // Stable for the run and list ("<run-12.qa_report.demo-isd@rosterd>"), so that a mail system
  // can recognise a duplicate, should a crash ever resend one.
  std::string message_id;
};

}  // namespace rosterd
