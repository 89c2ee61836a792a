// The pages a link in the district's mail opens, /m/KEY (ops/mail_link_actions.h): the run, and
// for a held one its decision; every open alert of the run for an "alerts" link; its
// discrepancies for a "discrepancies" link. They answer without a session: the link's key is
// the credential. GET never changes anything; a decision is a POST of the page's form (with a
// token derived from the key, and the same cross-site checks as every form). A used, expired
// or unknown link says so and offers the console's sign-in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "console/http_exchange.h"
#include "console/login_throttle.h"
#include "store/roster_store.h"

namespace rosterd {

// GET/POST /m/KEY; nullopt for any other route.
std::optional<HttpResponse> mail_link_route(const HttpRequest& req,
                                            const std::vector<std::string>& path,
                                            const Config& config, RosterStore& store,
                                            LoginThrottle& throttle);

}  // namespace rosterd
