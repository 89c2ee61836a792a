// A small HTTP/1.1 client for the console's tests (Boost.Beast, blocking): one request a
// connection, to 127.0.0.1 only; and a browser-like session that keeps the session cookie.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rosterd::testing {

struct HttpAnswer {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // lowercase names
  std::string body;

  // The first value of a header, or "".
  std::string header(const std::string& lowercase_name) const;
};

// Sends one request to 127.0.0.1:port and reads the answer (throws std::runtime_error when the
// connection fails). `headers` are sent as given.
HttpAnswer http_request(int port, const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        const std::string& body = "");

// Sends `raw` bytes as they are and returns whatever comes back until the server closes (at
// most `timeout_ms`): for malformed requests.
std::string http_raw(int port, const std::string& raw, int timeout_ms = 5000);

// A connection that sent `bytes` (a request's start) and holds on, open, until destroyed.
class HeldConnection {
 public:
  HeldConnection(int port, const std::string& bytes);
  ~HeldConnection();
  // What the server sent back, up to the end of a response's head (or until it closed the
  // connection, or `timeout_ms` passed): empty when it closed the connection unanswered.
  std::string answer_head(int timeout_ms);
  HeldConnection(const HeldConnection&) = delete;
  HeldConnection& operator=(const HeldConnection&) = delete;

 private:
  int fd_ = -1;
};

// A signed-in browser: its session cookie and the CSRF token of the last page it read.
class BrowserSession {
 public:
  // Signs in; REQUIRE-free: `ok()` tells whether it worked.
  BrowserSession(int port, const std::string& email, const std::string& password);
  bool ok() const { return !cookie_.empty(); }
  HttpAnswer get(const std::string& target);
  // A form POST with the session's CSRF token added (unless `with_csrf` is false).
  HttpAnswer post_form(const std::string& target,
                       const std::vector<std::pair<std::string, std::string>>& fields,
                       bool with_csrf = true);
  HttpAnswer post_json(const std::string& target, const std::string& json);
  const std::string& csrf() const { return csrf_; }
  const std::string& cookie() const { return cookie_; }

 private:
  void remember_csrf(const std::string& body);

  int port_;
  std::string cookie_;  // "rosterd_session=..."
  std::string csrf_;
};

// "a=1&b=x+y" from pairs, percent-encoded.
std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace rosterd::testing
