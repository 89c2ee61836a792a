// Signing in and out, and setting a password with a one-time link: the console's only pages
// that answer without a session.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "console/http_exchange.h"
#include "console/login_throttle.h"
#include "store/roster_store.h"

namespace rosterd {

// The session cookie's name: "__Host-rosterd_session" under https (the browser then takes it only
// from this host, Secure, for every path: a sibling site cannot plant one), "rosterd_session"
// over plain http on loopback. HttpOnly, SameSite=Strict, no Max-Age: the store ends it after
// console.session_idle, or 12 hours after sign-in.
inline std::string session_cookie_name(const Config& config) {
  return config.console.https() ? "__Host-rosterd_session" : "rosterd_session";
}

// GET/POST /login, POST /logout, GET/POST /set-password; nullopt for any other route.
std::optional<HttpResponse> sign_in_route(const HttpRequest& req,
                                          const std::vector<std::string>& path,
                                          const Config& config, RosterStore& store,
                                          LoginThrottle& throttle);

}  // namespace rosterd
