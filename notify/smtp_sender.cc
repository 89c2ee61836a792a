#include "notify/smtp_sender.h"

#include <curl/curl.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>

namespace rosterd {
namespace {

std::string base64(std::string_view in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

// Header values never carry a line break: a subject built from data must not add headers.
std::string one_line(std::string s) {
  for (char& c : s) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return s;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct MimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// What curl says and hears, without the secrets of AUTH: from the AUTH command on, every line
// sent is withheld until the server answers with something other than a 334 challenge.
struct Conversation {
  std::string* out;
  bool in_auth = false;
};

int debug_callback(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  auto* c = static_cast<Conversation*>(user);
  std::string_view text(data, size);
  switch (type) {
    case CURLINFO_TEXT:
      *c->out += "* ";
      break;
    case CURLINFO_HEADER_IN:
      *c->out += "< ";
      if (c->in_auth && !text.starts_with("334")) c->in_auth = false;
      if (c->in_auth) text = "334 [challenge withheld]\n";
      break;
    case CURLINFO_HEADER_OUT:
      *c->out += "> ";
      if (text.starts_with("AUTH") || text.starts_with("auth")) c->in_auth = true;
      if (c->in_auth) text = "[authentication withheld]\n";
      break;
    default:
      return 0;  // message bodies and TLS data are not shown
  }
  c->out->append(text);
  if (!c->out->empty() && c->out->back() != '\n') c->out->push_back('\n');
  return 0;
}

}  // namespace

std::string bare_address(const std::string& from) {
  const auto lt = from.find('<');
  const auto gt = from.rfind('>');
  if (lt != std::string::npos && gt != std::string::npos && gt > lt)
    return from.substr(lt + 1, gt - lt - 1);
  return from;
}

std::string encode_header(const std::string& text) {
  const std::string t = one_line(text);
  for (unsigned char c : t) {
    if (c >= 0x80) return "=?UTF-8?B?" + base64(t) + "?=";
  }
  return t;
}

std::string rfc5322_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

SmtpSender::SmtpSender(SmtpOptions options) : options_(std::move(options)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void SmtpSender::send(const MailMessage& m, std::string* conversation) const {
  if (m.to.empty()) throw SmtpError("a message with no recipient was not sent");
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw SmtpError("libcurl: cannot create a handle");
  CURL* c = curl.get();
  const std::string from = bare_address(options_.from);
  const std::string mail_from = "<" + from + ">";
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout.count()));
  // After the message body, libcurl waits for the server's verdict under its own response
  // timeout (120 s by default), not CURLOPT_TIMEOUT: a server hanging mid-DATA would hold the
  // run for two minutes a message.
  curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, static_cast<long>(options_.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  const long ssl = options_.url.starts_with("smtps://")      ? CURLUSESSL_ALL
                   : options_.starttls == StartTls::required ? CURLUSESSL_ALL
                   : options_.starttls == StartTls::optional ? CURLUSESSL_TRY
                                                             : CURLUSESSL_NONE;
  curl_easy_setopt(c, CURLOPT_USE_SSL, ssl);
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  std::string password;
  if (!options_.username.empty()) {
    std::ifstream in(options_.password_file);
    if (!in) {
      throw SmtpError("cannot read the SMTP password file " + options_.password_file.string() +
                      ". Check smtp.password_file and its permissions.");
    }
    std::getline(in, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
  }

  std::unique_ptr<curl_slist, SlistDeleter> rcpt;
  for (const std::string& to : m.to)
    rcpt.reset(curl_slist_append(rcpt.release(), ("<" + to + ">").c_str()));
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());

  std::string to_header;
  for (const std::string& to : m.to)
    to_header += (to_header.empty() ? "" : ", ") + to;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const std::string& h :
       {"Date: " + rfc5322_now(), "From: " + one_line(options_.from), "To: " + one_line(to_header),
        "Subject: " + encode_header(m.subject), "Message-ID: " + one_line(m.message_id),
        std::string("X-Mailer: rosterd")}) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  std::unique_ptr<curl_mime, MimeDeleter> mime(curl_mime_init(c));
  curl_mime* alt = curl_mime_init(c);
  curl_mimepart* part = curl_mime_addpart(alt);
  curl_mime_data(part, m.text.data(), m.text.size());
  curl_mime_type(part, "text/plain; charset=utf-8");
  curl_mime_encoder(part, "quoted-printable");
  if (!m.html.empty()) {
    part = curl_mime_addpart(alt);
    curl_mime_data(part, m.html.data(), m.html.size());
    curl_mime_type(part, "text/html; charset=utf-8");
    curl_mime_encoder(part, "quoted-printable");
  }
  part = curl_mime_addpart(mime.get());
  curl_mime_subparts(part, alt);  // `alt` now belongs to `mime`
  curl_mime_type(part, "multipart/alternative");
  std::unique_ptr<curl_slist, SlistDeleter> inline_header(
      curl_slist_append(nullptr, "Content-Disposition: inline"));
  curl_mime_headers(part, inline_header.release(), 1);
  for (const MailAttachment& a : m.attachments) {
    part = curl_mime_addpart(mime.get());
    curl_mime_data(part, a.bytes.data(), a.bytes.size());
    curl_mime_type(part, "text/csv; charset=utf-8");
    curl_mime_filename(part, a.name.c_str());
    curl_mime_encoder(part, "base64");
  }
  curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());

  Conversation talk{conversation};
  if (conversation != nullptr) {
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, debug_callback);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &talk);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  }
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(c);
  std::fill(password.begin(), password.end(), '\0');
  if (rc != CURLE_OK) {
    long code = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    std::string why = error[0] != '\0' ? error : curl_easy_strerror(rc);
    if (rc == CURLE_USE_SSL_FAILED) {
      why +=
          " (smtp.starttls is required, and the server does not offer STARTTLS: use a "
          "server that does, smtps://, or set starttls: optional only for a trusted relay)";
    }
    // A server that replied (a code) refused this message; one that did not is away.
    const bool unreachable = code == 0;
    throw SmtpError("SMTP " + options_.url + ": " + why +
                        (code != 0 ? " (last reply " + std::to_string(code) + ")" : ""),
                    unreachable);
  }
}

}  // namespace rosterd
