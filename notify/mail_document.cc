#include "notify/mail_document.h"

#include <sstream>

#include "core/html_text.h"

namespace rosterd {
namespace {

// Colours with at least 4.5:1 contrast against white text (WCAG AA).
const char* banner_colour(MailTone tone) {
  switch (tone) {
    case MailTone::good:
      return "#166534";
    case MailTone::attention:
      return "#8a4b08";
    case MailTone::stop:
      return "#a61b1b";
  }
  return "#374151";
}

constexpr const char* kFont = "font-family:Arial,Helvetica,sans-serif;";

// In a row shown as a block, a long last cell (a sentence: what is wrong) gets a line of its own.
bool own_line(const std::vector<std::string>& row, std::size_t i) {
  return i > 0 && i + 1 == row.size() && row[i].size() > 40;
}

void write_text_table(std::ostringstream& out, const MailTable& t) {
  if (t.header.empty()) return;
  if (t.header.size() > 3) {
    // As the HTML part's blocks: a row a paragraph, the last column on a line of its own.
    for (const auto& r : t.rows) {
      out << "  -";
      for (std::size_t i = 0; i < r.size() && i < t.header.size(); ++i) {
        if (r[i].empty()) continue;
        out << (own_line(r, i) ? "\n    " : i > 0 ? " · " : " ") << t.header[i] << ": " << r[i];
      }
      out << '\n';
    }
    return;
  }
  const auto row = [&](const std::vector<std::string>& cells) {
    out << "  ";
    for (std::size_t i = 0; i < cells.size(); ++i)
      out << (i == 0 ? "" : " | ") << cells[i];
    out << '\n';
  };
  row(t.header);
  for (const auto& r : t.rows)
    row(r);
}

// A table of more than three columns does not fit a phone's screen, and a mail cannot count on
// a media query (Outlook and some webmail drop <style>): each row is a small block instead,
// "Header value · Header value ...", which wraps at any width.
void write_html_cards(std::ostringstream& out, const MailTable& t) {
  out << "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
         "border=\"0\" style=\"border-collapse:collapse;margin:8px 0 4px 0;\">\n";
  for (const auto& r : t.rows) {
    out << "<tr><td style=\"" << kFont
        << "font-size:13px;line-height:1.5;color:#111827;padding:8px 10px;border:1px solid "
           "#d1d5db;background:#f9fafb;word-break:break-word;\">";
    for (std::size_t i = 0; i < r.size() && i < t.header.size(); ++i) {
      if (r[i].empty()) continue;
      if (own_line(r, i)) {
        out << "<br>";
      } else if (i > 0) {
        out << " &middot; ";
      }
      out << html_escape(t.header[i] + ": " + r[i]);
    }
    out << "</td></tr>\n";
  }
  out << "</table>\n";
}

void write_html_table(std::ostringstream& out, const MailTable& t) {
  if (t.header.empty()) return;
  if (t.header.size() > 3) return write_html_cards(out, t);
  out << "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
         "border=\"0\" style=\"border-collapse:collapse;margin:8px 0 4px 0;\">\n<tr>";
  for (const std::string& h : t.header) {
    out << "<th align=\"left\" style=\"" << kFont
        << "font-size:13px;color:#111827;background:#e5e7eb;padding:6px 8px;border:1px solid "
           "#d1d5db;\">"
        << html_escape(h) << "</th>";
  }
  out << "</tr>\n";
  for (const auto& r : t.rows) {
    out << "<tr>";
    for (const std::string& c : r) {
      out << "<td valign=\"top\" style=\"" << kFont
          << "font-size:13px;color:#111827;padding:6px 8px;border:1px solid #d1d5db;"
             "word-break:break-word;\">"
          << html_escape(c) << "</td>";
    }
    out << "</tr>\n";
  }
  out << "</table>\n";
}

void write_button(std::ostringstream& out, const MailLink& l, bool primary) {
  // A link inside a coloured cell: the one "button" every mail client draws.
  out << "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
         "style=\"margin:4px 8px 4px 0;display:inline-table;\"><tr><td style=\"border-radius:4px;"
      << (primary ? "background:#1d4ed8;" : "background:#ffffff;border:1px solid #1d4ed8;")
      << "\"><a href=\"" << html_escape(l.url) << "\" style=\"" << kFont
      << "display:inline-block;padding:10px 16px;font-size:15px;font-weight:bold;"
         "text-decoration:none;"
      << (primary ? "color:#ffffff;" : "color:#1d4ed8;") << "\">" << html_escape(l.label)
      << " &rarr;</a></td></tr></table>\n";
}

}  // namespace

std::string render_mail_text(const MailDocument& doc) {
  std::ostringstream out;
  out << doc.headline << ": " << doc.sentence << "\n";
  for (const MailLink& l : doc.actions)
    out << "\n" << l.label << ": " << l.url << "\n";
  for (const MailSection& s : doc.sections) {
    out << "\n" << s.title << "\n";
    for (std::size_t i = 0; i < s.title.size(); ++i)
      out << '-';
    out << '\n';
    for (const std::string& p : s.paragraphs)
      out << p << '\n';
    write_text_table(out, s.table);
    for (const std::string& p : s.after)
      out << p << '\n';
    for (const MailLink& l : s.links)
      out << l.label << ": " << l.url << '\n';
  }
  if (!doc.footer.empty()) out << "\n--\n";
  for (const std::string& f : doc.footer)
    out << f << '\n';
  return out.str();
}

std::string render_mail_html(const MailDocument& doc, const std::string& title) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
      << html_escape(title)
      << "</title>\n</head>\n<body style=\"margin:0;padding:0;background:#f3f4f6;\">\n"
         "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
         "border=\"0\" style=\"background:#f3f4f6;\"><tr><td align=\"center\" "
         "style=\"padding:12px 6px;\">\n"
         "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" "
         "border=\"0\" style=\"max-width:680px;background:#ffffff;border:1px solid #d1d5db;\">\n";
  out << "<tr><td style=\"" << kFont << "background:" << banner_colour(doc.tone)
      << ";color:#ffffff;padding:16px 20px;font-size:17px;line-height:1.45;\"><strong>"
      << html_escape(doc.headline) << ":</strong> " << html_escape(doc.sentence) << "</td></tr>\n";
  if (!doc.actions.empty()) {
    out << "<tr><td style=\"padding:14px 20px 6px 20px;\">\n";
    for (std::size_t i = 0; i < doc.actions.size(); ++i)
      write_button(out, doc.actions[i], i == 0);
    out << "</td></tr>\n";
  }
  for (const MailSection& s : doc.sections) {
    out << "<tr><td style=\"" << kFont
        << "padding:12px 20px 4px 20px;font-size:14px;line-height:1.5;color:#111827;\">\n"
        << "<h2 style=\"" << kFont << "font-size:16px;margin:6px 0 6px 0;color:#111827;\">"
        << html_escape(s.title) << "</h2>\n";
    for (const std::string& p : s.paragraphs)
      out << "<p style=\"margin:4px 0;\">" << html_escape(p) << "</p>\n";
    write_html_table(out, s.table);
    for (const std::string& p : s.after)
      out << "<p style=\"margin:4px 0;\">" << html_escape(p) << "</p>\n";
    for (const MailLink& l : s.links) {
      out << "<p style=\"margin:6px 0;\"><a href=\"" << html_escape(l.url)
          << "\" style=\"color:#1d4ed8;font-weight:bold;\">" << html_escape(l.label)
          << " &rarr;</a></p>\n";
    }
    out << "</td></tr>\n";
  }
  if (!doc.footer.empty()) {
    out << "<tr><td style=\"" << kFont
        << "padding:14px 20px 16px 20px;font-size:12px;line-height:1.5;color:#4b5563;"
           "border-top:1px solid #e5e7eb;\">\n";
    for (const std::string& f : doc.footer)
      out << "<p style=\"margin:3px 0;\">" << html_escape(f) << "</p>\n";
    out << "</td></tr>\n";
  }
  out << "</table>\n</td></tr></table>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace rosterd
