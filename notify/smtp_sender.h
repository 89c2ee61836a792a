// Hands a composed message to an SMTP server with libcurl's SMTP and MIME API. One connection
// per message: reports are few, and a fresh connection never inherits a broken one.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "core/error.h"
#include "notify/mail_message.h"

namespace rosterd {

enum class StartTls {
  required,  // refuse to send unless the server offers STARTTLS (smtp://)
  optional,  // use it when offered
  off,       // never (a local relay on loopback)
};

struct SmtpOptions {
  std::string url;   // smtp://host:port (STARTTLS per `starttls`) or smtps://host:port (TLS)
  std::string from;  // "rosterd <rosterd@platform.example>" or a bare address
  StartTls starttls = StartTls::required;
  std::string username;                 // empty: no authentication
  std::filesystem::path password_file;  // read when sending; never logged
  std::filesystem::path ca_file;        // a CA bundle for a private relay (default: system's)
  std::chrono::seconds connect_timeout{20};
  std::chrono::seconds timeout{120};  // for the whole message

  bool configured() const { return !url.empty(); }
};

class SmtpError : public Error {
 public:
  explicit SmtpError(const std::string& what, bool unreachable = false)
      : Error(what), unreachable_(unreachable) {}
  // The server could not be reached at all (refused, timed out, dropped): later messages would
  // fare no better now. Otherwise it answered and refused this one message.
  bool unreachable() const { return unreachable_; }

 private:
  bool unreachable_;
};

class SmtpSender {
 public:
  explicit SmtpSender(SmtpOptions options);

  // Sends `m` to m.to. On success the server has accepted it (250 after DATA). Throws SmtpError
  // saying what the server or the connection did. With `conversation`, appends the SMTP
  // exchange (authentication lines withheld) for `rosterd mail-test`.
  void send(const MailMessage& m, std::string* conversation = nullptr) const;

  const SmtpOptions& options() const { return options_; }

 private:
  SmtpOptions options_;
};

// The address inside "Name <addr>", or the text itself.
std::string bare_address(const std::string& from);

// RFC 2047 "encoded-word" for a header holding non-ASCII text; ASCII is returned as is.
std::string encode_header(const std::string& text);

// RFC 5322 date of now: "Mon, 23 Nov 2026 15:40:00 +0000".
std::string rfc5322_now();

}  // namespace rosterd
