#include "console/api_json.h"

namespace rosterd {
namespace {

template <typename T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json values_json(const std::vector<std::string>& values) {
  nlohmann::json out = nlohmann::json::object();
  for (std::size_t i = 0; i < values.size() && i < kFieldCount; ++i)
    out[std::string(field_name(static_cast<Field>(i)))] = values[i];
  return out;
}

nlohmann::json run_json(const RunRecord& r) {
  return {{"run", r.id},
          {"feed", r.feed},
          {"kind", run_kind_name(r.kind)},
          {"state", r.state == RunState::notice ? run_kind_name(r.kind) : run_state_name(r.state)},
          {"started", r.started},
          {"finished", r.finished},
          {"file", r.file_name},
          {"reason", r.reason},
          {"school_year", r.school_year},
          {"rows_read", r.check.rows_read},
          {"rows_rejected", r.check.rows_rejected},
          {"rows_warned", r.check.rows_warned},
          {"added", r.plan.added},
          {"updated", r.plan.updated},
          {"deactivated", r.plan.deactivated},
          {"reactivated", r.plan.reactivated},
          {"rekeyed", r.plan.rekeyed},
          {"decided_by", r.decided_by},
          {"rolled_back_by", or_null(r.rolled_back_by)},
          {"held_part", or_null(r.held_part)},
          {"split_of", or_null(r.split_of)}};
}

nlohmann::json change_json(const Change& c) {
  nlohmann::json j = {
      {"state_id", c.state_id}, {"kind", change_kind_name(c.kind)}, {"line", c.line}};
  if (c.before) j["before"] = values_json(*c.before);
  if (c.has_after) j["after"] = values_json(c.after_strings());
  nlohmann::json changed = nlohmann::json::array();
  for (std::size_t i = 0; i < kFieldCount; ++i)
    if ((c.changed_fields & (1u << i)) != 0) changed.push_back(field_name(static_cast<Field>(i)));
  j["changed_fields"] = changed;
  return j;
}

nlohmann::json alert_json(const AlertRecord& a) {
  nlohmann::json candidates = nlohmann::json::array();
  for (const MatchCandidate& c : a.alert.candidates)
    candidates.push_back({{"id", c.id}, {"score", c.score}, {"values", values_json(c.values)}});
  return {{"alert", a.id},
          {"feed", a.feed},
          {"run", a.run},
          {"kind", alert_kind_name(a.alert.kind)},
          {"status", alert_status_name(a.status)},
          {"state_id", a.alert.state_id},
          {"line", a.alert.line},
          {"row", values_json(a.alert.row)},
          {"candidates", candidates},
          {"resolution_to", a.resolution_to},
          {"decided_by", a.decided_by},
          {"decided", a.decided},
          {"applied_run", or_null(a.applied_run)},
          {"raised", a.raised}};
}

nlohmann::json student_json(const StudentRecord& s) {
  nlohmann::json earlier = nlohmann::json::array();
  for (const IdChange& c : s.earlier_ids)
    earlier.push_back(
        {{"old_id", c.old_id}, {"new_id", c.new_id}, {"run", c.run}, {"changed", c.changed}});
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& [run, c] : s.changes) {
    nlohmann::json j = change_json(c);
    j["run"] = run;
    changes.push_back(std::move(j));
  }
  return {{"values", values_json(s.values)}, {"platform_id", s.platform_id},
          {"added_run", s.added_run},        {"updated_run", s.updated_run},
          {"earlier_ids", earlier},          {"changes", changes}};
}

nlohmann::json feed_json(const FeedOverview& f) {
  const FeedStatus& s = f.status;
  return {{"feed", f.feed},
          {"last_run", f.last_run ? run_json(*f.last_run) : nlohmann::json(nullptr)},
          {"held_runs", or_null(s.held_runs)},
          {"open_alerts", f.open_alerts},
          {"outbox", or_null(s.outbox)},
          {"next_expected", f.next_expected},
          {"polling", s.polling},
          {"last_poll", s.last_poll},
          {"last_poll_at", s.last_poll_at},
          {"drop_failing", s.drop_failing},
          {"drop_failing_since", s.drop_failing_since},
          {"past_deadline", s.past_deadline},
          {"paused", s.paused.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.paused)},
          {"store_problem", s.store_problem}};
}

nlohmann::json action_json(const ActionRecord& a) {
  return {{"at", a.at},
          {"who", a.who},
          {"via", a.via},
          {"action", a.action},
          {"feed", a.feed},
          {"run", or_null(a.run)},
          {"alert", or_null(a.alert)},
          {"reason", a.reason},
          {"detail", a.detail}};
}

}  // namespace rosterd
