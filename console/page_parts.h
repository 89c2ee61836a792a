// Pieces the console's pages share: a run's decision in words and colour, numbers with
// thousands separators, the page frame of a signed-in user. Internal to console/.
#pragma once

#include <string>

#include "console/html.h"
#include "console/visit.h"

namespace rosterd {

// "<span class=\"state state-held\">Held</span>": the run's state in words, coloured.
std::string state_badge(const RunRecord& run);
// One sentence: what happened in the run.
std::string run_sentence(const RunRecord& run);
std::string thousands(std::int64_t n);
// "<h2>Decisions</h2>" and who decided what about a run, oldest first; "" when nobody did.
std::string decisions_section(const std::vector<ActionRecord>& actions);
PageFrame frame_for(const Visit& v, std::string title,
                    std::vector<std::pair<std::string, std::string>> crumbs = {});
// The link to a feed's page.
std::string feed_href(const std::string& feed);

std::optional<HttpResponse> run_page_route(Visit& v);

}  // namespace rosterd
