// One HTTP request as the console's routes see it, and the answer they give: plain values, so
// that routes are tested without a socket and the server (http_server.h) is the only code that
// speaks Beast.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace rosterd {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // as sent, before '?': "/runs/12"; never decoded as a whole
  std::string query;   // after '?', raw
  // The headers routes read, by lowercase name (cookie, authorization, content-type, origin,
  // sec-fetch-site, host); a header sent twice keeps its last value.
  std::map<std::string, std::string> headers;
  std::string body;
  std::string peer;  // the client's address

  // A header's value, or "" when absent.
  const std::string& header(const std::string& lowercase_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  // Headers beyond those every answer carries (Location, Set-Cookie, Content-Disposition).
  std::vector<std::pair<std::string, std::string>> headers;
  // The stylesheet may be cached; nothing else is (pages carry student data).
  bool cacheable = false;
  // The answer to a HEAD request: the GET's headers, Content-Length included, and no body.
  bool head = false;
};

// The path as the log may show it: a mail link's key (/m/KEY) is a credential, so any run of 16
// or more hex digits goes out as "…".
std::string loggable_path(const std::string& path);

}  // namespace rosterd
