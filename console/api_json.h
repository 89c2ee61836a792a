// The console's JSON shapes (docs/api.md): one function a thing, shared by every API route.
#pragma once

#include <nlohmann/json.hpp>

#include "ops/console_views.h"
#include "store/roster_store.h"

namespace rosterd {

nlohmann::json run_json(const RunRecord& r);
nlohmann::json change_json(const Change& c);
nlohmann::json alert_json(const AlertRecord& a);
nlohmann::json student_json(const StudentRecord& s);
nlohmann::json feed_json(const FeedOverview& f);
nlohmann::json action_json(const ActionRecord& a);
// A student's values by field name.
nlohmann::json values_json(const std::vector<std::string>& values);

}  // namespace rosterd
