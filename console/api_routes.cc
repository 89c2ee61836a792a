// The JSON API (docs/api.md): /api/v1/... and /metrics, with the same roles as the pages.
#include <sstream>

#include "console/api_json.h"
#include "console/visit.h"
#include "core/civil_date.h"
#include "ops/console_access.h"
#include "ops/identity_actions.h"
#include "ops/run_actions.h"
#include "report/run_report.h"

namespace rosterd {
namespace {

constexpr std::size_t kMaxPage = 1000;

nlohmann::json body_json(const Visit& v) {
  if (v.request.body.empty()) return nlohmann::json::object();
  nlohmann::json j = nlohmann::json::parse(v.request.body, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw RouteError(400, "bad_json", "the body must be a JSON object.");
  return j;
}

std::string string_member(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  if (!it->is_string())
    throw RouteError(400, "bad_json", std::string("\"") + key + "\" must be a string.");
  return it->get<std::string>();
}

std::string required_reason(const nlohmann::json& j) {
  std::string reason = string_member(j, "reason");
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    throw RouteError(400, "reason_required", "give the reason: {\"reason\": \"...\"}.");
  if (reason.size() > 2000)
    throw RouteError(400, "bad_request", "the reason is over 2,000 characters.");
  return reason;
}

std::optional<ChangeKind> kind_filter(const Visit& v) {
  const std::string kind = v.query_text("kind");
  if (kind.empty()) return std::nullopt;
  const auto k = change_kind_from_name(kind);
  if (!k)
    throw RouteError(400, "bad_request",
                     "kind is added, updated, deactivated or reactivated, not \"" + kind + "\".");
  return k;
}

std::string report_json(const RunReport& report) {
  std::ostringstream out;
  write_json_report(out, report);
  return out.str();
}

HttpResponse raw_json(std::string body) {
  HttpResponse r;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

// Prometheus text format: the feeds the user may see.
HttpResponse metrics(Visit& v) {
  const auto counts = feed_counts(v.store);
  std::vector<FeedStatus> statuses = v.service.feed_status();
  const std::int64_t now = v.store.clock().now();
  std::ostringstream m;
  const auto label = [](const std::string& feed) {
    std::string out;
    for (const char c : feed) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    return "feed=\"" + out + "\"";
  };
  const auto visible = visible_feeds(v.user, v.config);
  m << "# HELP rosterd_runs_total Ingest runs by how they ended.\n# TYPE rosterd_runs_total "
       "counter\n";
  for (const auto& feed : visible) {
    const auto it = counts.find(feed);
    if (it == counts.end()) continue;
    for (const auto& [decision, n] : it->second.runs_by_decision)
      m << "rosterd_runs_total{" << label(feed) << ",decision=\"" << decision << "\"} " << n
        << '\n';
  }
  const auto gauge = [&](const char* name, const char* help, const char* type, auto value_of) {
    m << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    for (const auto& feed : visible) {
      const auto it = counts.find(feed);
      const FeedCounts c = it == counts.end() ? FeedCounts{} : it->second;
      const auto value = value_of(feed, c);
      if (value) m << name << '{' << label(feed) << "} " << *value << '\n';
    }
  };
  using Opt = std::optional<std::int64_t>;
  gauge("rosterd_rows_read_total", "Rows read by ingest runs.", "counter",
        [](const std::string&, const FeedCounts& c) { return Opt(c.rows_read); });
  gauge("rosterd_rows_rejected_total", "Rows rejected by ingest runs.", "counter",
        [](const std::string&, const FeedCounts& c) { return Opt(c.rows_rejected); });
  gauge("rosterd_held_runs", "Runs waiting for a person to approve or reject them.", "gauge",
        [](const std::string&, const FeedCounts& c) { return Opt(c.held_runs); });
  gauge("rosterd_open_alerts", "Identity alerts waiting for a person.", "gauge",
        [](const std::string&, const FeedCounts& c) { return Opt(c.open_alerts); });
  gauge("rosterd_outbox_messages", "Mail waiting to be delivered.", "gauge",
        [](const std::string&, const FeedCounts& c) { return Opt(c.outbox_waiting); });
  gauge("rosterd_seconds_since_last_commit", "Seconds since the feed's last committed run.",
        "gauge", [&](const std::string&, const FeedCounts& c) {
          return c.last_committed_at ? Opt(now - *c.last_committed_at) : Opt();
        });
  gauge("rosterd_poll_failing", "1 while the feed's drop or its last poll fails.", "gauge",
        [&](const std::string& feed, const FeedCounts&) {
          for (const FeedStatus& s : statuses)
            if (s.feed == feed) return Opt(s.failing() ? 1 : 0);
          return Opt();
        });
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = m.str();
  return r;
}

}  // namespace

std::optional<HttpResponse> api_route(Visit& v) {
  const auto& p = v.path;
  const std::string& method = v.request.method;
  if (p.size() == 1 && p[0] == "metrics" && method == "GET") return metrics(v);
  if (p.size() < 3 || p[0] != "api" || p[1] != "v1") return std::nullopt;
  const std::vector<std::string> r(p.begin() + 2, p.end());
  const bool get = method == "GET", post = method == "POST";

  if (r.size() == 1 && r[0] == "feeds" && get) {
    const auto overview =
        feed_overview(v.store, v.config, v.service.feed_status(), visible_feeds(v.user, v.config));
    nlohmann::json feeds = nlohmann::json::array();
    for (const FeedOverview& f : overview)
      feeds.push_back(feed_json(f));
    return json_response({{"feeds", feeds}});
  }
  if (r.size() >= 3 && r[0] == "feeds") {
    const std::string& feed = r[1];
    if (r.size() == 3 && r[2] == "runs" && get) {
      v.feed(feed, ConsoleRole::viewer);
      nlohmann::json runs = nlohmann::json::array();
      for (const RunRecord& run : run_history(v.store, feed, v.query_number("limit", 7, kMaxPage)))
        runs.push_back(run_json(run));
      return json_response({{"runs", runs}});
    }
    if (r.size() == 3 && r[2] == "alerts" && get) {
      v.feed(feed, ConsoleRole::viewer);
      nlohmann::json alerts = nlohmann::json::array();
      for (const AlertRecord& a : list_alerts(v.store, feed, v.query_text("all") == "1"))
        alerts.push_back(alert_json(a));
      return json_response({{"alerts", alerts}});
    }
    if (r.size() == 3 && r[2] == "sync" && post) {
      v.feed(feed, ConsoleRole::approver);
      const SyncNowAnswer answer = v.service.sync_now(feed);
      record_sync(v.store, feed, answer, v.actor());
      if (!answer.accepted) throw RouteError(409, "not_polled", answer.message);
      return json_response({{"accepted", true}, {"message", answer.message}}, 202);
    }
    if (r.size() == 3 && r[2] == "check" && post) {
      const FeedConfig& f = v.feed(feed, ConsoleRole::approver);
      const std::string name = v.query_text("file").empty() ? "upload" : v.query_text("file");
      const CheckResult result =
          check_upload(v.store, v.config, f, name, v.request.body, {2, today_utc()}, v.actor());
      return raw_json(report_json(report_from_check(f.name, RunState::dry_run, result)));
    }
    if (r.size() == 4 && r[2] == "students" && get) {
      v.feed(feed, ConsoleRole::viewer);
      return json_response(student_json(student_record(v.store, feed, r[3])));
    }
    return std::nullopt;
  }
  if (r.size() >= 2 && r[0] == "runs") {
    const std::int64_t id = id_segment(r[1]);
    const RunSummary summary = run_summary(v.store, v.config, id);
    if (r.size() == 2 && get) {
      v.require(summary.run.feed, ConsoleRole::viewer);
      const RunView view = show_run(v.store, id);
      return raw_json(report_json(view.report()));
    }
    if (r.size() == 3 && r[2] == "changes" && get) {
      v.require(summary.run.feed, ConsoleRole::viewer);
      ChangeFilter filter{kind_filter(v), v.query_text("state_id"), v.query_text("after")};
      // Deep pages go by `after` (the last state ID of the page before); an offset reads every
      // row before it, so it stops at 10,000.
      const std::size_t offset = v.query_number("offset", 0, 10000);
      const std::size_t limit = v.query_number("limit", 100, kMaxPage);
      nlohmann::json changes = nlohmann::json::array();
      for (const Change& c : change_page(v.store, id, filter, offset, limit))
        changes.push_back(change_json(c));
      return json_response({{"run", id}, {"offset", offset}, {"changes", changes}});
    }
    if (r.size() == 3 && (r[2] == "approve" || r[2] == "reject") && post) {
      v.require(summary.run.feed, ConsoleRole::approver);
      const Actor by = v.actor(required_reason(body_json(v)));
      const RunRecord after =
          r[2] == "approve" ? approve_run(v.store, id, by) : reject_run(v.store, id, by);
      return json_response(run_json(after));
    }
    return std::nullopt;
  }
  if (r.size() == 3 && r[0] == "alerts" && r[2] == "resolve" && post) {
    const std::int64_t id = id_segment(r[1]);
    const auto alert = v.store.identity().alert(id);
    if (!alert) throw RouteError(404, "not_found", "there is no alert " + r[1] + ".");
    v.require(alert->feed, ConsoleRole::approver);
    const nlohmann::json body = body_json(v);
    const std::string action = string_member(body, "action");
    if (action != "match" && action != "create")
      throw RouteError(400, "bad_request", "\"action\" is \"match\" or \"create\".");
    ResolveRequest request;
    request.alerts = {id};
    request.match = action == "match";
    request.to = string_member(body, "to");
    const ResolveResult result =
        resolve_alerts(v.store, request, v.actor(string_member(body, "reason")));
    nlohmann::json decided = nlohmann::json::array();
    for (const AlertRecord& a : result.decided)
      decided.push_back(alert_json(a));
    return json_response({{"decided", decided}});
  }
  return std::nullopt;
}

}  // namespace rosterd
