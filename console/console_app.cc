#include "console/console_app.h"

#include "console/html.h"
#include "console/mail_link_pages.h"
#include "console/sign_in_pages.h"
#include "console/visit.h"

#include <algorithm>
#include "core/log.h"
#include "core/secret.h"
#include "ops/console_access.h"
#include "pipeline/store_access.h"

namespace rosterd {
namespace {

// One store per console thread, opened on first use and kept (a store is used by one thread at a
// time); opened again when the configuration names another store or the last one failed.
struct KeptStore {
  std::string where;
  std::unique_ptr<RosterStore> store;
};
thread_local KeptStore kept_store;

RosterStore& thread_store(const Config& config) {
  const std::string where =
      config.store.kind == StoreKind::sqlite ? config.store.sqlite.string() : config.store.conninfo;
  if (!kept_store.store || kept_store.where != where) {
    kept_store.store.reset();
    kept_store.store = open_store(config);
    kept_store.where = where;
  }
  return *kept_store.store;
}

// The next request opens the store anew (a lost PostgreSQL connection, a damaged file).
void forget_thread_store() {
  kept_store.store.reset();
}

bool is_api(const std::vector<std::string>& segs) {
  return (!segs.empty() && segs[0] == "api") || (segs.size() == 1 && segs[0] == "metrics");
}

// The CSRF token a page's POST carries: a form field, or a multipart part.
std::string posted_csrf(const HttpRequest& req) {
  const std::string& type = req.header("content-type");
  if (type.starts_with("multipart/form-data")) {
    if (const auto parts = parse_multipart(type, req.body)) {
      for (const FormPart& p : *parts)
        if (p.name == "csrf" && p.filename.empty()) return p.content;
    }
    return "";
  }
  return form_value(parse_form(req.body), "csrf").value_or("");
}

// Behind a trusted proxy, the client is the last address the proxy added to X-Forwarded-For.
std::string client_address(const HttpRequest& req, const Config& config) {
  const auto& proxies = config.console.trusted_proxies;
  if (std::find(proxies.begin(), proxies.end(), req.peer) == proxies.end()) return req.peer;
  std::string forwarded = req.header("x-forwarded-for");
  const std::size_t comma = forwarded.rfind(',');
  if (comma != std::string::npos) forwarded = forwarded.substr(comma + 1);
  while (!forwarded.empty() && forwarded.front() == ' ')
    forwarded.erase(0, 1);
  while (!forwarded.empty() && forwarded.back() == ' ')
    forwarded.pop_back();
  if (forwarded.empty() || forwarded.size() > 45 ||
      forwarded.find_first_not_of("0123456789abcdefABCDEF.:") != std::string::npos)
    return req.peer;
  return forwarded;
}

// Every 404 says the same: whether a run of another district exists is not for you to learn.
constexpr const char* kNothingHere = "there is nothing at this address for you.";

HttpResponse refusal(bool api, int status, const std::string& code, std::string message) {
  if (status == 404) message = kNothingHere;
  if (api) return json_error(status, code, message);
  PageFrame frame;
  frame.title = status == 404 ? "Not found" : status == 403 ? "Not allowed" : "Cannot do that";
  return html_response(page(frame, "<p class=\"panel problem\">" + html(message) +
                                       "</p><p><a href=\"/\">Back to the feeds</a></p>"),
                       status);
}

// Reasons by kind and count only, never a feed's name: this route answers without
// authentication (the feeds page and /metrics say which feed).
HttpResponse health(const ServiceLink& service, const Config& config) {
  std::vector<FeedStatus> feeds = service.feed_status();
  add_store_facts(config, feeds);
  std::size_t drop = 0, poll = 0, store = 0, late = 0;
  for (const FeedStatus& f : feeds) {
    drop += f.drop_failing.empty() ? 0 : 1;
    poll += f.last_poll_failed ? 1 : 0;
    store += f.store_problem.empty() ? 0 : 1;
    late += f.past_deadline ? 1 : 0;
  }
  nlohmann::json problems = nlohmann::json::array();
  const auto add = [&](std::size_t n, const std::string& what) {
    if (n > 0) problems.push_back(std::to_string(n) + (n == 1 ? " feed: " : " feeds: ") + what);
  };
  add(drop, "the drop is failing");
  add(poll, "the last poll failed");
  add(store, "the store cannot be read");
  add(late, "no file came by the deadline");
  nlohmann::json body = {{"status", problems.empty() ? "ok" : "failing"}, {"problems", problems}};
  return json_response(body, problems.empty() ? 200 : 503);
}

}  // namespace

std::string loggable_path(const std::string& path) {
  // Any long run of hex digits, however the path spells the route ("/m/", "/%6D/"): a key.
  std::string out;
  std::size_t run = 0;
  for (char c : path) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    run = hex ? run + 1 : 0;
    out.push_back(c);
    if (run == 16) out.replace(out.size() - 16, 16, "…");
    if (run > 16) out.pop_back();
  }
  return out;
}

ConsoleApp::ConsoleApp(ServiceLink service) : service_(std::move(service)) {}

bool ConsoleApp::is_upload(const std::string& method, const std::string& path) {
  if (method != "POST") return false;
  const auto segs = path_segments(path);
  if (!segs || segs->empty()) return false;
  const auto& s = *segs;
  // /feeds/F/check (a page's form) and /api/v1/feeds/F/check (the roster as the body).
  return (s.size() == 3 && s[0] == "feeds" && s[2] == "check") ||
         (s.size() == 5 && s[0] == "api" && s[1] == "v1" && s[2] == "feeds" && s[4] == "check");
}

HttpResponse ConsoleApp::handle(HttpRequest& req) {
  const auto segs = path_segments(req.path);
  const bool api = segs && is_api(*segs);
  std::shared_ptr<const Config> config;
  try {
    if (!segs) return refusal(api, 400, "bad_path", "the address is not one the console has.");
    config = service_.config();
    req.peer = client_address(req, *config);
    if (req.method == "GET" && *segs == std::vector<std::string>{"healthz"})
      return health(service_, *config);
    if (!known_host(req, *config)) {
      return refusal(api, 421, "unknown_host",
                     "this console answers at " + config->console.public_url + " only.");
    }
    if (req.method == "GET" && *segs == std::vector<std::string>{"static", "console.css"}) {
      HttpResponse r;
      r.content_type = "text/css; charset=utf-8";
      r.body = std::string(console_stylesheet());
      r.cacheable = true;
      return r;
    }
    RosterStore& store = thread_store(*config);
    if (auto r = sign_in_route(req, *segs, *config, store, throttle_)) return *r;
    if (auto r = mail_link_route(req, *segs, *config, store, link_throttle_)) return *r;

    Visit v{req, *config, store, service_, *segs, parse_form(req.query), {}, ActionSource::console,
            ""};
    const std::string& auth = req.header("authorization");
    const auto cookie = cookie_value(req.header("cookie"), session_cookie_name(*config));
    if (auth.starts_with("Bearer ")) {
      const auto user = token_user(store, auth.substr(7));
      if (!user)
        return refusal(true, 401, "unauthenticated", "the token is unknown, revoked or expired.");
      v.user = *user;
      v.via = ActionSource::api;
    } else if (!auth.empty()) {
      return refusal(true, 401, "unauthenticated", "send `Authorization: Bearer TOKEN`.");
    } else if (cookie) {
      const auto session = find_session(store, *config, *cookie);
      if (!session) {
        if (api)
          return refusal(true, 401, "unauthenticated", "the session has ended; sign in again.");
        return redirect("/login?next=" + percent_encode(req.path));
      }
      v.user = session->user;
      v.csrf = session->csrf;
      v.via = api ? ActionSource::api : ActionSource::console;
    } else {
      if (api) {
        return refusal(true, 401, "unauthenticated",
                       "sign in, or send `Authorization: Bearer TOKEN` (rosterd token create).");
      }
      if (req.method == "GET") return redirect("/login?next=" + percent_encode(req.path));
      return refusal(false, 401, "unauthenticated", "sign in first.");
    }
    if (req.method != "GET" && req.method != "HEAD") {
      if (cross_site(req, *config))
        return refusal(api, 403, "foreign_origin", "the request came from another site.");
      // A browser session's every change carries its CSRF token: a form field, or for the API
      // the X-CSRF-Token header. A bearer token is no cookie: another site cannot send it.
      if (!v.csrf.empty()) {
        const std::string given = api ? req.header("x-csrf-token") : posted_csrf(req);
        if (!same_secret(given, v.csrf))
          return refusal(
              api, 403, "csrf",
              "the form has expired or came from elsewhere; reload the page and try again.");
      }
    }
    const auto answer = api ? api_route(v) : page_route(v);
    if (answer) return *answer;
    return refusal(api, 404, "not_found", "the console has no such page.");
  } catch (const RouteError& e) {
    return refusal(api, e.status(), e.code(), e.what());
  } catch (const NotFoundError& e) {
    return refusal(api, 404, "not_found", e.what());
  } catch (const UsageError& e) {
    return refusal(api, 400, "bad_request", e.what());
  } catch (const StoreError& e) {
    forget_thread_store();
    log::error("console.store_failed", {{"path", loggable_path(req.path)}, {"error", e.what()}});
    return refusal(api, 503, "store_unavailable",
                   "the roster store cannot be read now; try again shortly.");
  } catch (const UnavailableError& e) {
    log::error("console.unavailable", {{"path", loggable_path(req.path)}, {"error", e.what()}});
    return refusal(api, 503, "unavailable",
                   "rosterd cannot do that now (the service log says why); try again shortly.");
  } catch (const Error& e) {
    // What a decision refuses (a run that is no longer held, a base that changed, an alert
    // already decided): the state of things conflicts with the request.
    return refusal(api, 409, "conflict", e.what());
  } catch (const std::exception& e) {
    log::error("console.internal_error", {{"path", loggable_path(req.path)}, {"error", e.what()}});
    return refusal(api, 500, "internal", "the console failed to answer; the service log says why.");
  }
}

}  // namespace rosterd
