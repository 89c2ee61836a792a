// The pages of feeds: the front page (every feed at a glance), one feed (its syncs, Sync now,
// Test a file), its alerts, and one student. Run pages are in run_page.cc.
#include <sstream>

#include "console/page_parts.h"
#include "core/civil_date.h"
#include "ops/console_access.h"
#include "ops/console_views.h"
#include "ops/identity_actions.h"
#include "ops/run_actions.h"
#include "report/run_report.h"

namespace rosterd {
namespace {

std::string runs_table(const std::vector<RunRecord>& runs, const std::string& caption) {
  std::string t =
      "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table, scrolls "
      "sideways\"><table><caption>" +
      html(caption) +
      "</caption><thead><tr><th scope=\"col\">Run</th><th scope=\"col\">Started</th>"
      "<th scope=\"col\">File</th><th scope=\"col\">Decision</th>"
      "<th scope=\"col\">Rows</th><th scope=\"col\">Added</th>"
      "<th scope=\"col\">Updated</th><th scope=\"col\">Deactivated</th>"
      "<th scope=\"col\">Decided by</th></tr></thead><tbody>";
  for (const RunRecord& r : runs) {
    t += "<tr><td><a href=\"/runs/" + std::to_string(r.id) + "\">Run " + std::to_string(r.id) +
         "</a></td><td>" + html(r.started) + "</td><td>" + html(r.file_name) + "</td><td>" +
         state_badge(r) + "</td><td>" + thousands(r.check.rows_read) + "</td><td>" +
         thousands(r.plan.added) + "</td><td>" + thousands(r.plan.updated) + "</td><td>" +
         thousands(r.plan.deactivated) + "</td><td>" + html(r.decided_by) + "</td></tr>";
  }
  if (runs.empty()) t += "<tr><td colspan=\"9\">No syncs yet.</td></tr>";
  return t + "</tbody></table></div>";
}

HttpResponse feeds_page(Visit& v) {
  const auto overview =
      feed_overview(v.store, v.config, v.service.feed_status(), visible_feeds(v.user, v.config));
  std::string body;
  if (overview.empty())
    body +=
        "<p class=\"panel notice\">You have no feed to see yet. Ask your rosterd "
        "administrator.</p>";
  body +=
      "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table, scrolls "
      "sideways\"><table><caption>Your feeds</caption><thead><tr>"
      "<th scope=\"col\">Feed</th><th scope=\"col\">Last sync</th><th scope=\"col\">Decision</th>"
      "<th scope=\"col\">Waiting for you</th><th scope=\"col\">Next file</th>"
      "<th scope=\"col\">Drop</th></tr></thead><tbody>";
  for (const FeedOverview& f : overview) {
    const FeedStatus& s = f.status;
    std::string waiting;
    if (s.held_runs && *s.held_runs > 0)
      waiting += thousands(static_cast<std::int64_t>(*s.held_runs)) + " held run" +
                 (*s.held_runs == 1 ? "" : "s");
    if (f.open_alerts > 0) {
      waiting += (waiting.empty() ? "" : ", ") +
                 thousands(static_cast<std::int64_t>(f.open_alerts)) + " open alert" +
                 (f.open_alerts == 1 ? "" : "s");
    }
    std::string drop = "<span class=\"state state-ok\">OK</span>";
    if (!s.drop_failing.empty())
      drop =
          "<span class=\"state state-error\">Failing" +
          (s.drop_failing_since.empty() ? std::string() : " since " + html(s.drop_failing_since)) +
          "</span> " + html(s.drop_failing);
    else if (s.last_poll_failed)
      drop = "<span class=\"state state-error\">Poll failing</span> " + html(s.last_poll);
    else if (s.last_poll_at.empty())
      drop = "<span class=\"muted\">not polled by this service</span>";
    body += "<tr><th scope=\"row\"><a href=\"" + html(feed_href(f.feed)) + "\">" + html(f.feed) +
            "</a></th><td>" +
            (f.last_run ? html(f.last_run->started) + "<br>" + html(f.last_run->file_name)
                        : std::string("none yet")) +
            "</td><td>" +
            (f.last_run ? "<a href=\"/runs/" + std::to_string(f.last_run->id) + "\">" +
                              state_badge(*f.last_run) + "</a>"
                        : std::string()) +
            "</td><td>" + (waiting.empty() ? std::string("nothing") : html(waiting)) +
            (f.open_alerts > 0
                 ? " <a href=\"" + html(feed_href(f.feed)) + "/alerts\">Resolve alerts</a>"
                 : "") +
            "</td><td>" + html(f.next_expected.empty() ? "no deadline set" : f.next_expected) +
            (s.past_deadline ? " <span class=\"state state-error\">late</span>" : "") +
            (s.paused.empty()
                 ? std::string()
                 : "<br><span class=\"state state-warning\">Paused</span> " + html(s.paused)) +
            "</td><td>" + drop + "</td></tr>";
  }
  body += "</tbody></table></div>";
  return html_response(page(frame_for(v, "Feeds"), body));
}

HttpResponse feed_page(Visit& v, const std::string& feed, const std::string& message) {
  v.feed(feed, ConsoleRole::viewer);
  const std::size_t shown = v.query_number("runs", 7, 500);
  const auto runs = run_history(v.store, feed, shown);
  std::string body;
  if (!message.empty())
    body += "<p class=\"panel notice\" role=\"status\">" + html(message) + "</p>";
  body += "<h2>Recent syncs</h2>" +
          runs_table(runs, "The last " + std::to_string(shown) + " syncs of " + feed);
  if (runs.size() == shown)
    body += "<p><a href=\"" + html(feed_href(feed)) + "?runs=" + std::to_string(shown + 30) +
            "\">Show more syncs</a></p>";
  const bool approver = may(v.user, feed, ConsoleRole::approver);
  body += "<p><a href=\"" + html(feed_href(feed)) + "/alerts\">Identity alerts</a></p>";
  if (approver) {
    body +=
        "<h2>Sync now</h2><p>Looks in the drop at once instead of at the next scheduled poll.</p>" +
        post_form(feed_href(feed) + "/sync", v.csrf, "", "Sync now");
    body +=
        "<h2>Test a file</h2><p>Upload a roster to see its full check report. Nothing is committed "
        "or kept.</p>"
        "<form class=\"stack\" method=\"post\" enctype=\"multipart/form-data\" action=\"" +
        html(feed_href(feed)) + "/check\"><input type=\"hidden\" name=\"csrf\" value=\"" +
        html(v.csrf) +
        "\"><label for=\"roster\">Roster file</label>"
        "<input id=\"roster\" name=\"roster\" type=\"file\" required>"
        "<p><button type=\"submit\">Check the file</button></p></form>";
  }
  body += "<h2 id=\"mail\">Who gets which mail</h2>";
  int n = 0;
  for (const MailListView& l : mail_lists(v.store, v.config.feeds.at(feed))) {
    std::string who;
    for (const std::string& a : l.addresses)
      who += (who.empty() ? "" : ", ") + a;
    body +=
        "<section class=\"panel\"><h3>" + html(l.label) + "</h3><p>" +
        (who.empty() ? std::string("Nobody.") : html(who)) + " <span class=\"muted\">(" +
        (l.set_in_console ? "set in the console by " + html(l.changed_by) + " at " + html(l.changed)
                          : std::string("from the configuration")) +
        ")</span></p>";
    if (approver) {
      const std::string id = "list-" + std::to_string(++n);
      std::string lines;
      for (const std::string& a : l.addresses)
        lines += a + "\n";
      body += post_form(
          feed_href(feed) + "/mail-lists", v.csrf,
          "<input type=\"hidden\" name=\"kind\" value=\"" + html(l.kind) + "\"><label for=\"" + id +
              "\">Addresses, one a line</label><br><textarea id=\"" + id +
              "\" name=\"addresses\" rows=\"3\" cols=\"40\">" + html(lines) + "</textarea><br>",
          "Save this list");
      if (l.set_in_console) {
        body += post_form(feed_href(feed) + "/mail-lists", v.csrf,
                          "<input type=\"hidden\" name=\"kind\" value=\"" + html(l.kind) +
                              "\"><input type=\"hidden\" name=\"reset\" value=\"1\">",
                          "Use the configuration's list");
      }
    }
    body += "</section>";
  }

  const auto actions = v.store.actions().recent(feed, 10);
  if (!actions.empty()) {
    body +=
        "<h2>Who did what</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
        "aria-label=\"Table, scrolls sideways\"><table><caption>The last actions on " +
        html(feed) +
        "</caption><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th><th "
        "scope=\"col\">From</th>"
        "<th scope=\"col\">What</th><th scope=\"col\">Reason</th></tr></thead><tbody>";
    for (const ActionRecord& a : actions) {
      body += "<tr><td>" + html(a.at) + "</td><td>" + html(a.who) + "</td><td>" + html(a.via) +
              "</td><td>" + html(a.action) +
              (a.run ? " run " + std::to_string(*a.run) : std::string()) +
              (a.detail.empty() ? "" : ": " + html(a.detail)) + "</td><td>" + html(a.reason) +
              "</td></tr>";
    }
    body += "</tbody></table></div>";
  }
  return html_response(page(frame_for(v, "Feed " + feed, {{"/", "Feeds"}}), body));
}

HttpResponse check_result_page(Visit& v, const std::string& feed, const CheckResult& result) {
  const RunReport report = report_from_check(feed, RunState::dry_run, result);
  std::ostringstream text;
  write_text_report(text, report);
  std::string body =
      "<p class=\"panel notice\" role=\"status\">The file was checked; nothing was committed or "
      "kept.</p>";
  body += "<dl class=\"facts\"><dt>File</dt><dd>" + html(result.file.name) +
          "</dd><dt>Rows read</dt><dd>" + thousands(result.counts.rows_read) +
          "</dd><dt>Rows rejected</dt><dd>" + thousands(result.counts.rows_rejected) +
          "</dd><dt>Rows with warnings</dt><dd>" + thousands(result.counts.rows_warned) +
          "</dd></dl>";
  if (result.refused())
    body +=
        "<p class=\"panel problem\">" + html(discrepancy_message(*result.file.refusal)) + "</p>";
  body +=
      "<h2>Every discrepancy</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
      "aria-label=\"Table, scrolls sideways\"><table><caption>Discrepancies in " +
      html(result.file.name) +
      "</caption><thead><tr><th scope=\"col\">Line</th><th scope=\"col\">Student</th>"
      "<th scope=\"col\">Field</th><th scope=\"col\">Severity</th><th scope=\"col\">What to "
      "do</th></tr></thead><tbody>";
  std::size_t shown = 0;
  for (const Discrepancy& d : result.discrepancies) {
    if (++shown > 2000) break;
    body += "<tr><td>" + std::to_string(d.line) + "</td><td>" + html(d.student_id) + "</td><td>" +
            html(d.field ? std::string(field_name(*d.field)) : "") + "</td><td>" +
            html(severity_name(d.severity())) + "</td><td>" + html(discrepancy_message(d)) +
            "</td></tr>";
  }
  if (result.discrepancies.empty())
    body += "<tr><td colspan=\"5\">None: the file is clean.</td></tr>";
  body += "</tbody></table></div>";
  if (result.discrepancies.size() > 2000)
    body += "<p>The first 2,000 are shown; the API's check answers with all of them.</p>";
  body += "<h2>The report as mailed</h2><pre>" + html(text.str()) + "</pre>";
  return html_response(
      page(frame_for(v, "Test of " + result.file.name, {{"/", "Feeds"}, {feed_href(feed), feed}}),
           body));
}

std::string values_cells(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& value : values)
    out += "<td>" + html(value) + "</td>";
  return out;
}

std::string field_header_cells() {
  std::string out;
  for (std::size_t i = 0; i < kFieldCount; ++i)
    out += "<th scope=\"col\">" + html(field_name(static_cast<Field>(i))) + "</th>";
  return out;
}

HttpResponse alerts_page(Visit& v, const std::string& feed, const std::string& message) {
  v.feed(feed, ConsoleRole::viewer);
  const bool approver = may(v.user, feed, ConsoleRole::approver);
  std::string body;
  if (!message.empty())
    body += "<p class=\"panel notice\" role=\"status\">" + html(message) + "</p>";
  const auto alerts = list_alerts(v.store, feed, false);
  if (alerts.empty()) body += "<p>No alert is waiting for a decision.</p>";
  std::set<std::int64_t> runs;
  for (const AlertRecord& a : alerts) {
    runs.insert(a.run);
    body += "<section class=\"panel\" aria-labelledby=\"alert-" + std::to_string(a.id) +
            "\"><h2 id=\"alert-" + std::to_string(a.id) + "\">Alert " + std::to_string(a.id) +
            ": " + html(alert_kind_name(a.alert.kind)) + " (" + html(alert_status_name(a.status)) +
            ")</h2>";
    body += "<p>Line " + std::to_string(a.alert.line) + " of run <a href=\"/runs/" +
            std::to_string(a.run) + "\">" + std::to_string(a.run) + "</a> has state ID " +
            html(a.alert.state_id) + ".</p>";
    body +=
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table, scrolls "
        "sideways\"><table><caption>The file's row and its candidates, field by "
        "field</caption>"
        "<thead><tr><th scope=\"col\">Record</th><th scope=\"col\">Score</th>" +
        field_header_cells() +
        "</tr></thead><tbody><tr><th scope=\"row\">In the file</th><td></td>" +
        values_cells(a.alert.row) + "</tr>";
    for (const MatchCandidate& c : a.alert.candidates)
      body += "<tr><th scope=\"row\">" + html(c.id) + "</th><td>" + std::to_string(c.score) +
              "</td>" + values_cells(c.values) + "</tr>";
    body += "</tbody></table></div>";
    if (approver && a.status == AlertStatus::open) {
      for (const MatchCandidate& c : a.alert.candidates) {
        body += post_form("/alerts/" + std::to_string(a.id) + "/resolve", v.csrf,
                          "<input type=\"hidden\" name=\"action\" value=\"match\"><input "
                          "type=\"hidden\" name=\"to\" value=\"" +
                              html(c.id) + "\">",
                          "Match to " + c.id);
      }
      body +=
          post_form("/alerts/" + std::to_string(a.id) + "/resolve", v.csrf,
                    "<input type=\"hidden\" name=\"action\" value=\"create\">", "Create record");
    }
    body += "</section>";
  }
  if (approver) {
    for (const std::int64_t run : runs) {
      const std::string r = std::to_string(run);
      // A decision on a whole run may approve it (its re-keys): it takes a reason, as Approve does.
      const auto reason = [&](const std::string& which) {
        return "<label for=\"reason-" + which + r + "\">Reason</label> <input id=\"reason-" +
               which + r + "\" name=\"reason\" type=\"text\" required maxlength=\"2000\"> ";
      };
      body +=
          "<h2>Process all of run " + r + "</h2>" +
          post_form("/runs/" + r + "/resolve-all", v.csrf,
                    "<input type=\"hidden\" name=\"action\" value=\"match\">" + reason("match"),
                    "Match every alert of run " + r) +
          post_form("/runs/" + r + "/resolve-all", v.csrf,
                    "<input type=\"hidden\" name=\"action\" value=\"create\">" + reason("create"),
                    "Create a record for every alert of run " + r);
    }
  }
  return html_response(
      page(frame_for(v, "Alerts of " + feed, {{"/", "Feeds"}, {feed_href(feed), feed}}), body));
}

HttpResponse student_page(Visit& v, const std::string& feed, const std::string& state_id) {
  v.feed(feed, ConsoleRole::viewer);
  const StudentRecord s = student_record(v.store, feed, state_id);
  std::string body =
      "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table, scrolls "
      "sideways\"><table><caption>The committed record</caption><thead><tr>" +
      field_header_cells() + "</tr></thead><tbody><tr>" + values_cells(s.values) +
      "</tr></tbody></table></div>";
  if (!s.earlier_ids.empty()) {
    body += "<h2>Earlier state IDs</h2><ul>";
    for (const IdChange& c : s.earlier_ids)
      body += "<li>" + html(c.old_id) + " → " + html(c.new_id) + " by run <a href=\"/runs/" +
              std::to_string(c.run) + "\">" + std::to_string(c.run) + "</a> at " + html(c.changed) +
              "</li>";
    body += "</ul>";
  }
  body +=
      "<h2>Every change</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
      "aria-label=\"Table, scrolls sideways\"><table><caption>Changes by "
      "run</caption><thead><tr>"
      "<th scope=\"col\">Run</th><th scope=\"col\">Change</th><th "
      "scope=\"col\">Fields</th></tr></thead><tbody>";
  for (const auto& [run, c] : s.changes) {
    std::string fields;
    for (std::size_t i = 0; i < kFieldCount; ++i) {
      if ((c.changed_fields & (1u << i)) == 0) continue;
      fields += html(field_name(static_cast<Field>(i)));
      if (c.before && c.has_after)
        fields += ": <span class=\"old\">" + html((*c.before)[i]) + "</span> → " + html(c.after(i));
      fields += "<br>";
    }
    body += "<tr><td><a href=\"/runs/" + std::to_string(run) + "\">" + std::to_string(run) +
            "</a></td><td>" + html(change_kind_name(c.kind)) + "</td><td>" + fields + "</td></tr>";
  }
  body += "</tbody></table></div>";
  return html_response(
      page(frame_for(v, "Student " + state_id, {{"/", "Feeds"}, {feed_href(feed), feed}}), body));
}

}  // namespace

std::optional<HttpResponse> page_route(Visit& v) {
  const auto& p = v.path;
  const bool get = v.request.method == "GET", post = v.request.method == "POST";
  if (p.empty() && get) return feeds_page(v);
  if (!p.empty() && p[0] == "feeds" && p.size() >= 2) {
    const std::string& feed = p[1];
    if (p.size() == 2 && get) return feed_page(v, feed, "");
    if (p.size() == 3 && p[2] == "alerts" && get) return alerts_page(v, feed, "");
    if (p.size() == 4 && p[2] == "students" && get) return student_page(v, feed, p[3]);
    if (p.size() == 3 && p[2] == "sync" && post) {
      v.feed(feed, ConsoleRole::approver);
      const SyncNowAnswer answer = v.service.sync_now(feed);
      record_sync(v.store, feed, answer, v.actor());
      return feed_page(v, feed,
                       answer.accepted ? "The service is looking in the drop now. Reload this page "
                                         "in a minute to see the sync."
                                       : "The service could not sync now: " + answer.message);
    }
    if (p.size() == 3 && p[2] == "mail-lists" && post) {
      const FeedConfig& f = v.feed(feed, ConsoleRole::approver);
      const FormFields form = parse_form(v.request.body);
      const std::string kind = form_value(form, "kind").value_or("");
      if (form_value(form, "reset")) {
        reset_mail_list(v.store, f, kind, v.actor());
        return feed_page(v, feed, "The list is the configuration's again.");
      }
      set_mail_list(v.store, f, kind, form_value(form, "addresses").value_or(""), v.actor());
      return feed_page(v, feed, "The list is saved: the next mail of that kind goes to it.");
    }
    if (p.size() == 3 && p[2] == "check" && post) {
      const FeedConfig& f = v.feed(feed, ConsoleRole::approver);
      const auto parts = parse_multipart(v.request.header("content-type"), v.request.body);
      if (!parts)
        throw RouteError(400, "bad_request",
                         "the upload did not arrive whole; choose the file and try again.");
      for (const FormPart& part : *parts) {
        if (part.name != "roster") continue;
        if (part.content.empty())
          throw RouteError(400, "bad_request", "the file is empty; choose the roster file.");
        const std::string name = part.filename.empty() ? "upload" : part.filename;
        return check_result_page(
            v, feed,
            check_upload(v.store, v.config, f, name, part.content, {2, today_utc()}, v.actor()));
      }
      throw RouteError(400, "bad_request", "no file came with the form; choose the roster file.");
    }
    return std::nullopt;
  }
  if (p.size() == 3 && p[0] == "alerts" && p[2] == "resolve" && post) {
    const std::int64_t id = id_segment(p[1]);
    const auto alert = v.store.identity().alert(id);
    if (!alert) throw RouteError(404, "not_found", "there is no alert " + p[1] + ".");
    v.require(alert->feed, ConsoleRole::approver);
    const FormFields form = parse_form(v.request.body);
    const std::string action = form_value(form, "action").value_or("");
    if (action != "match" && action != "create")
      throw RouteError(400, "bad_request", "choose Match or Create record.");
    ResolveRequest request;
    request.alerts = {id};
    request.match = action == "match";
    request.to = form_value(form, "to").value_or("");
    resolve_alerts(v.store, request, v.actor());
    return alerts_page(
        v, alert->feed,
        "Alert " + std::to_string(id) + " decided: " +
            (request.match ? "matched to " + request.to : std::string("a new record")) +
            ". The next sync with the row applies it.");
  }
  return run_page_route(v);
}

}  // namespace rosterd
