#include "console/sign_in_pages.h"

#include "console/form_data.h"
#include "console/html.h"
#include "console/visit.h"
#include "core/log.h"
#include "core/secret.h"
#include "core/text.h"
#include "ops/console_access.h"

namespace rosterd {
namespace {

std::string session_cookie(const Config& config, const std::string& value, bool clear) {
  std::string c = session_cookie_name(config) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
  if (config.console.https()) c += "; Secure";
  if (clear) c += "; Max-Age=0";
  return c;
}

// Where to go after signing in: a path of this console only, never another site.
std::string safe_next(const std::string& next) {
  if (next.size() < 1 || next.size() > 2000 || next[0] != '/' || next.starts_with("//")) return "/";
  // Visible ASCII only: no control byte can end a header line or hide a second slash.
  for (const char c : next) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e || c == '\\') return "/";
  }
  if (!path_segments(next.substr(0, next.find('?')))) return "/";
  return next;
}

HttpResponse login_page(const std::string& next, const std::string& problem, int status) {
  std::string body;
  if (!problem.empty())
    body += "<p class=\"panel problem\" role=\"alert\">" + html(problem) + "</p>";
  body +=
      "<form class=\"stack\" method=\"post\" action=\"/login\">"
      "<input type=\"hidden\" name=\"next\" value=\"" +
      html(next) +
      "\">"
      "<label for=\"email\">Email</label>"
      "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required>"
      "<label for=\"password\">Password</label>"
      "<input id=\"password\" name=\"password\" type=\"password\" "
      "autocomplete=\"current-password\" required>"
      "<p><button type=\"submit\">Sign in</button></p></form>"
      "<p class=\"muted\">Forgot your password? Ask your rosterd administrator for a new link.</p>";
  return html_response(page(PageFrame{"Sign in", "", "", {}}, body), status);
}

HttpResponse password_page(const std::string& key, const std::string& problem, int status) {
  std::string body;
  if (!problem.empty())
    body += "<p class=\"panel problem\" role=\"alert\">" + html(problem) + "</p>";
  body +=
      "<form class=\"stack\" method=\"post\" action=\"/set-password\">"
      "<input type=\"hidden\" name=\"key\" value=\"" +
      html(key) +
      "\">"
      "<label for=\"password\">New password (at least 8 characters)</label>"
      "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" "
      "minlength=\"8\" required>"
      "<label for=\"again\">The same password again</label>"
      "<input id=\"again\" name=\"again\" type=\"password\" autocomplete=\"new-password\" "
      "minlength=\"8\" required>"
      "<p><button type=\"submit\">Set password and sign in</button></p></form>";
  return html_response(page(PageFrame{"Set your password", "", "", {}}, body), status);
}

HttpResponse signed_in(const Config& config, const ConsoleSession& s, const std::string& to) {
  HttpResponse r = redirect(to);
  r.headers.emplace_back("Set-Cookie", session_cookie(config, s.key, false));
  return r;
}

}  // namespace

std::optional<HttpResponse> sign_in_route(const HttpRequest& req,
                                          const std::vector<std::string>& path,
                                          const Config& config, RosterStore& store,
                                          LoginThrottle& throttle) {
  if (path.size() != 1) return std::nullopt;
  const std::string& page_name = path[0];
  const FormFields query = parse_form(req.query);
  if (page_name == "login" && req.method == "GET")
    return login_page(safe_next(form_value(query, "next").value_or("/")), "", 200);
  if (page_name == "set-password" && req.method == "GET")
    return password_page(form_value(query, "key").value_or(""), "", 200);
  if (req.method != "POST") return std::nullopt;
  if (cross_site(req, config))
    return json_error(403, "foreign_origin", "the request came from another site.");
  const FormFields form = parse_form(req.body);
  if (page_name == "login") {
    const std::string email = ascii_lower(form_value(form, "email").value_or(""));
    const std::string password = form_value(form, "password").value_or("");
    const std::string next = safe_next(form_value(form, "next").value_or("/"));
    if (email.size() > 254 || password.size() > 1024)
      return login_page(next, "The email or the password is wrong.", 401);
    const std::int64_t now = store.clock().now();
    if (!throttle.allowed(email, req.peer, now, config.console.login_attempts)) {
      log::warning("console.login_throttled", {{"address", req.peer}});
      return login_page(next, "Too many failed sign-ins. Wait 15 minutes, then try again.", 429);
    }
    const auto session = sign_in(store, config, email, password, req.peer);
    if (!session) {
      throttle.failed(email, req.peer, now);
      log::info("console.login_failed", {{"address", req.peer}});
      return login_page(next, "The email or the password is wrong.", 401);
    }
    throttle.succeeded(email);
    log::info("console.login", {{"user", std::to_string(session->user.id)}, {"address", req.peer}});
    return signed_in(config, *session, next);
  }
  if (page_name == "logout") {
    const auto cookie = cookie_value(req.header("cookie"), session_cookie_name(config));
    if (cookie) {
      const auto session = find_session(store, config, *cookie);
      if (session && same_secret(form_value(form, "csrf").value_or(""), session->csrf))
        sign_out(store, *cookie);
      else if (session)
        return json_error(403, "csrf", "the form has expired; reload the page and try again.");
    }
    HttpResponse r = redirect("/login");
    r.headers.emplace_back("Set-Cookie", session_cookie(config, "", true));
    return r;
  }
  if (page_name == "set-password") {
    const std::string key = form_value(form, "key").value_or("");
    const std::string password = form_value(form, "password").value_or("");
    if (password != form_value(form, "again").value_or(""))
      return password_page(key, "The two passwords differ. Type the same one twice.", 400);
    // Unknown links are counted like failed sign-ins: guessing one costs the guesser.
    const std::int64_t now = store.clock().now();
    if (!throttle.allowed("link " + req.peer, req.peer, now, config.console.login_attempts))
      return password_page(key, "Too many tries. Wait 15 minutes, then try again.", 429);
    try {
      const auto session = set_password_with_link(store, config, key, password, req.peer);
      if (!session) {
        throttle.failed("link " + req.peer, req.peer, now);
        return password_page(key,
                             "This link is unknown, used or expired. Ask your rosterd "
                             "administrator for a new one (rosterd user link).",
                             400);
      }
      return signed_in(config, *session, "/");
    } catch (const UsageError& e) {
      return password_page(key, e.what(), 400);
    }
  }
  return std::nullopt;
}

}  // namespace rosterd
