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

// The session cookie's name. HttpOnly, SameSite=Strict, Secure under https, no Max-Age: the
// store ends it after console.session_idle.
inline constexpr const char* kSessionCookie = "rosterd_session";

// GET/POST /login, POST /logout, GET/POST /set-password; nullopt for any other route.
std::optional<HttpResponse> sign_in_route(const HttpRequest& req,
                                          const std::vector<std::string>& path,
                                          const Config& config, RosterStore& store,
                                          LoginThrottle& throttle);

}  // namespace rosterd
