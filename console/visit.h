// One authenticated request as the console's route files see it: who asks, through what, on
// which configuration and store, and the helpers every route answers with. Internal to console/.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "console/console_app.h"
#include "console/form_data.h"
#include "console/http_exchange.h"
#include "store/roster_store.h"

namespace rosterd {

// A route refuses with an HTTP status and a code for the API ("forbidden", "stale_run", ...).
class RouteError : public Error {
 public:
  RouteError(int status, std::string code, const std::string& message)
      : Error(message), status_(status), code_(std::move(code)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  int status_;
  std::string code_;
};

struct Visit {
  const HttpRequest& request;
  const Config& config;
  RosterStore& store;
  const ServiceLink& service;
  std::vector<std::string> path;  // decoded segments
  FormFields query;
  ConsoleUser user;
  ActionSource via = ActionSource::console;
  std::string csrf;  // the session's form token; empty for a bearer token

  Actor actor(const std::string& reason = "") const {
    return Actor{user.email, via, request.peer, reason};
  }
  // The feed `name` when the user may see it with `role`; RouteError 404 when the feed is
  // unknown or not theirs to see (another district's feed does not exist for them), 403 when
  // they see it but their role does not allow `role`.
  const FeedConfig& feed(const std::string& name, ConsoleRole role) const;
  // The same for the feed of a run or alert already read.
  void require(const std::string& feed_name, ConsoleRole role) const;
  // A number from the query (`name`), or `fallback`; refused (400) when not a whole number in
  // [0, max].
  std::size_t query_number(const std::string& name, std::size_t fallback, std::size_t max) const;
  std::string query_text(const std::string& name) const;
};

// A whole number path segment (a run or alert id); RouteError 404 otherwise.
std::int64_t id_segment(const std::string& segment);

HttpResponse json_response(const nlohmann::json& body, int status = 200);
HttpResponse json_error(int status, const std::string& code, const std::string& message);
HttpResponse redirect(const std::string& location);
HttpResponse html_response(std::string body, int status = 200);
// nlohmann's dump, with bytes that are not UTF-8 replaced instead of throwing.
std::string json_text(const nlohmann::json& j);

// True when the request names a Host the console is not reached by (console.authorities()):
// a page of another site that resolves its own name to this address (DNS rebinding).
bool known_host(const HttpRequest& req, const Config& config);
// True when a browser says the request comes from another site: Sec-Fetch-Site other than
// same-origin or none, or an Origin that is not one of the console's own.
bool cross_site(const HttpRequest& req, const Config& config);

// The API (/api/v1/..., /metrics): nullopt when no route matches.
std::optional<HttpResponse> api_route(Visit& v);
// The pages: nullopt when no route matches.
std::optional<HttpResponse> page_route(Visit& v);

}  // namespace rosterd
