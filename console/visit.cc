#include "console/visit.h"

#include "ops/console_access.h"

namespace rosterd {

const FeedConfig& Visit::feed(const std::string& name, ConsoleRole role) const {
  const auto it = config.feeds.find(name);
  if (it == config.feeds.end() || !may(user, name, ConsoleRole::viewer))
    throw RouteError(404, "not_found", "there is no feed \"" + name + "\" for you.");
  require(name, role);
  return it->second;
}

void Visit::require(const std::string& feed_name, ConsoleRole role) const {
  if (!may(user, feed_name, ConsoleRole::viewer))
    throw RouteError(404, "not_found", "there is no such thing for you to see.");
  if (!may(user, feed_name, role)) {
    throw RouteError(403, "forbidden",
                     "your role on feed " + feed_name + " does not allow this; it takes " +
                         std::string(console_role_name(role)) + ".");
  }
}

std::size_t Visit::query_number(const std::string& name, std::size_t fallback,
                                std::size_t max) const {
  const auto text = form_value(query, name);
  if (!text || text->empty()) return fallback;
  std::size_t n = 0;
  for (const char c : *text) {
    if (c < '0' || c > '9' || n > max)
      throw RouteError(400, "bad_request",
                       name + " must be a whole number from 0 to " + std::to_string(max) + ".");
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (n > max)
    throw RouteError(400, "bad_request",
                     name + " must be a whole number from 0 to " + std::to_string(max) + ".");
  return n;
}

std::string Visit::query_text(const std::string& name) const {
  return form_value(query, name).value_or("");
}

bool known_host(const HttpRequest& req, const Config& config) {
  const std::string& host = req.header("host");
  for (const std::string& a : config.console.authorities())
    if (host == a) return true;
  return false;
}

bool cross_site(const HttpRequest& req, const Config& config) {
  const std::string& site = req.header("sec-fetch-site");
  if (!site.empty() && site != "same-origin" && site != "none") return true;
  const std::string& origin = req.header("origin");
  if (origin.empty()) return false;
  const std::string& url = config.console.public_url;
  if (origin == url.substr(0, url.find('/', url.find("://") + 3))) return false;
  for (const std::string& a : config.console.authorities())
    if (origin == "http://" + a || origin == "https://" + a) return false;  // direct, or proxied
  return true;
}

std::int64_t id_segment(const std::string& segment) {
  if (segment.empty() || segment.size() > 18 ||
      segment.find_first_not_of("0123456789") != std::string::npos)
    throw RouteError(404, "not_found", "\"" + segment + "\" is not an id the console has.");
  return std::stoll(segment);
}

std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpResponse json_response(const nlohmann::json& body, int status) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = json_text(body) + "\n";
  return r;
}

HttpResponse json_error(int status, const std::string& code, const std::string& message) {
  return json_response({{"error", {{"code", code}, {"message", message}}}}, status);
}

HttpResponse redirect(const std::string& location) {
  HttpResponse r;
  r.status = 303;
  r.headers.emplace_back("Location", location);
  return r;
}

HttpResponse html_response(std::string body, int status) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace rosterd
