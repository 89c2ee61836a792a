// The district console (docs/console.md, docs/api.md): every page and API route, behind
// authentication (a session cookie or a bearer token) on every route but /healthz, the sign-in
// pages and the stylesheet; authorization per feed on each; a CSRF token on every form. It calls
// the operations (ops/) and renders what they return; the service gives it what only the running
// service knows (its configuration, what its polls are doing, sync now) through a ServiceLink.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "console/http_exchange.h"
#include "console/login_throttle.h"
#include "ops/feed_status.h"

namespace rosterd {

struct ServiceLink {
  // The configuration the service runs on now (it changes on reload).
  std::function<std::shared_ptr<const Config>()> config;
  // What the service knows itself of the feeds it polls (no store facts).
  std::function<std::vector<FeedStatus>()> feed_status;
  // Asks the service to poll a feed now.
  std::function<SyncNowAnswer(const std::string& feed)> sync_now;
};

class ConsoleApp {
 public:
  explicit ConsoleApp(ServiceLink service);
  // Answers one request. Thread-safe: called on the console's pool threads. Never throws.
  // The request's peer becomes the client's address when it came through a trusted proxy.
  HttpResponse handle(HttpRequest& request);
  // True for the routes whose body may be a whole roster (console.max_upload).
  static bool is_upload(const std::string& method, const std::string& path);

 private:
  ServiceLink service_;
  LoginThrottle throttle_;
  // Unknown mail-link keys posted, per address: a bucket of its own, so that a page elsewhere
  // making a browser fetch bad links cannot lock its user out of signing in.
  LoginThrottle link_throttle_;
};

}  // namespace rosterd
