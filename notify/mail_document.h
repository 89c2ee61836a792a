// What a mail says, before it is written as text or HTML: one sentence first (the banner) with
// the reader's actions, then sections of paragraphs and tables. Both bodies of a message are
// rendered from one document, so the plain-text part says exactly what the HTML part says.
#pragma once

#include <string>
#include <vector>

namespace rosterd {

// The banner's colour: all is well, something needs a look, or the run stopped.
enum class MailTone { good, attention, stop };

struct MailLink {
  std::string label;  // "Review and decide"
  std::string url;    // absolute, https or http
};

// Up to three columns, a table; more do not fit a phone, so each row is shown as a block of
// "Header: value" pairs (empty cells left out), in the text part as in the HTML part.
struct MailTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // each as long as the header
};

struct MailSection {
  std::string title;
  std::vector<std::string> paragraphs;  // before the table
  MailTable table;                      // none when it has no header
  std::vector<std::string> after;       // after the table ("... and 12 more in the CSV")
  std::vector<MailLink> links;
};

struct MailDocument {
  MailTone tone = MailTone::good;
  std::string headline;           // the banner's first word(s): "Held", "Passed", "Refused"
  std::string sentence;           // the rest of the one sentence: what happened and what to do
  std::vector<MailLink> actions;  // the buttons under the banner, most important first
  std::vector<MailSection> sections;
  std::vector<std::string> footer;  // small print: PII, link validity, who sent it
};

// The plain-text body: the banner sentence first, then each action as "LABEL: URL".
std::string render_mail_text(const MailDocument& doc);

// The HTML body: table-based with inline styles only (what Outlook, Gmail and Apple Mail all
// render), readable from 320 px wide; every text HTML-escaped.
std::string render_mail_html(const MailDocument& doc, const std::string& title);

}  // namespace rosterd
