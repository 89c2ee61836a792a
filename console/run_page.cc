// One run's page: what happened in a sentence, its counts, the safeguards that tripped, who
// decided, every discrepancy (filtered by code, severity or student), the planned changes paged
// and downloadable, and Approve / Reject for approvers.
#include <cstdio>

#include "console/page_parts.h"
#include "core/utf8.h"
#include "notify/csv_cell.h"
#include "ops/console_access.h"
#include "ops/console_views.h"
#include "ops/identity_actions.h"
#include "ops/run_actions.h"

namespace rosterd {
namespace {

constexpr std::size_t kChangesPerPage = 50;
constexpr std::size_t kDiscrepanciesPerPage = 100;

std::string option(const std::string& value, const std::string& label, const std::string& chosen) {
  return "<option value=\"" + html(value) + "\"" + (value == chosen ? " selected" : "") + ">" +
         html(label) + "</option>";
}

// A limit or value as a person reads it: 5, 0.25, 16.
std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string run_href(std::int64_t id) {
  return "/runs/" + std::to_string(id);
}

std::string changes_section(Visit& v, const RunSummary& s) {
  const std::string kind = v.query_text("kind");
  const std::string prefix = v.query_text("state_id");
  std::optional<ChangeKind> k;
  if (!kind.empty()) {
    k = change_kind_from_name(kind);
    if (!k) throw RouteError(400, "bad_request", "choose a kind of change from the list.");
  }
  const std::string after = v.query_text("after");
  const auto changes =
      change_page(v.store, s.run.id, ChangeFilter{k, prefix, after}, 0, kChangesPerPage);
  std::string out =
      "<h2 id=\"changes\">Planned changes</h2>"
      "<form id=\"change-filter\" method=\"get\" action=\"" +
      run_href(s.run.id) +
      "#changes\">"
      "<label for=\"kind\">Kind</label> <select id=\"kind\" name=\"kind\">" +
      option("", "every kind", kind) + option("added", "added", kind) +
      option("updated", "updated", kind) + option("deactivated", "deactivated", kind) +
      option("reactivated", "reactivated", kind) +
      "</select> <label for=\"state_id\">State ID starts with</label> "
      "<input id=\"state_id\" name=\"state_id\" type=\"search\" value=\"" +
      html(prefix) +
      "\"> <button type=\"submit\">Show</button></form> "
      "<a href=\"" +
      run_href(s.run.id) + "/changes.csv" + (kind.empty() ? "" : "?kind=" + html(kind)) +
      "\">Download as CSV</a>";
  out +=
      "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table, scrolls "
      "sideways\"><table id=\"planned-changes\"><caption>" +
      (after.empty() ? std::string("The first changes") : "Changes after state ID " + html(after)) +
      "</caption><thead><tr><th scope=\"col\">State ID</th>"
      "<th scope=\"col\">Change</th><th scope=\"col\">Line</th><th scope=\"col\">Fields (old → "
      "new)</th></tr></thead><tbody>";
  for (const Change& c : changes) {
    std::string fields;
    for (std::size_t i = 0; i < kFieldCount; ++i) {
      if ((c.changed_fields & (1u << i)) == 0) continue;
      if (c.kind == ChangeKind::added) {
        if (c.has_after && !c.after(i).empty())
          fields += html(field_name(static_cast<Field>(i))) + ": " + html(c.after(i)) + "<br>";
        continue;
      }
      fields += html(field_name(static_cast<Field>(i))) + ": ";
      if (c.before) fields += "<span class=\"old\">" + html((*c.before)[i]) + "</span>";
      if (c.has_after) fields += " → " + html(c.after(i));
      fields += "<br>";
    }
    out += "<tr><td><a href=\"" + html(feed_href(s.run.feed)) + "/students/" +
           html(percent_encode(c.state_id)) + "\">" + html(c.state_id) + "</a></td><td>" +
           html(change_kind_name(c.kind)) + "</td><td>" +
           (c.line ? std::to_string(c.line) : std::string()) + "</td><td>" + fields + "</td></tr>";
  }
  if (changes.empty()) out += "<tr><td colspan=\"4\">No change matches.</td></tr>";
  out += "</tbody></table></div><nav class=\"pager\" aria-label=\"Pages of changes\">";
  const std::string base =
      run_href(s.run.id) + "?kind=" + percent_encode(kind) + "&state_id=" + percent_encode(prefix);
  if (!after.empty()) out += "<a href=\"" + html(base) + "#changes\">First page</a>";
  if (changes.size() == kChangesPerPage) {
    out += "<a href=\"" + html(base + "&after=" + percent_encode(changes.back().state_id)) +
           "#changes\">Next page</a>";
  }
  return out + "</nav>";
}

std::string discrepancies_section(Visit& v, const RunSummary& s) {
  const std::string code = v.query_text("code");
  const std::string severity = v.query_text("severity");
  const std::string student = v.query_text("student");
  DiscrepancyFilter f;
  if (!code.empty()) {
    f.code = code_from_name(code);
    if (!f.code) throw RouteError(400, "bad_request", "choose a code from the list.");
  }
  if (severity == "error")
    f.severity = Severity::error;
  else if (severity == "warning")
    f.severity = Severity::warning;
  else if (!severity.empty())
    throw RouteError(400, "bad_request", "choose error or warning.");
  f.student_id = student;
  const std::size_t offset = v.query_number("doffset", 0, 10000000);
  const DiscrepancyPage page =
      discrepancy_page(v.store, s.run.id, f, offset, kDiscrepanciesPerPage);
  std::string codes = option("", "every code", code);
  for (std::size_t i = 0; i < kDiscrepancyCodeCount; ++i) {
    const auto c = static_cast<DiscrepancyCode>(i);
    if (!is_file_level(c))
      codes += option(std::string(code_name(c)), std::string(code_name(c)), code);
  }
  std::string out =
      "<h2 id=\"discrepancies\">Discrepancies</h2><form method=\"get\" action=\"" +
      run_href(s.run.id) +
      "#discrepancies\"><label for=\"code\">Code</label> <select id=\"code\" name=\"code\">" +
      codes +
      "</select> <label for=\"severity\">Severity</label> <select id=\"severity\" "
      "name=\"severity\">" +
      option("", "both", severity) + option("error", "errors", severity) +
      option("warning", "warnings", severity) +
      "</select> <label for=\"student\">Student</label> <input id=\"student\" name=\"student\" "
      "type=\"search\" value=\"" +
      html(student) + "\"> <button type=\"submit\">Filter</button></form>";
  out +=
      "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table, scrolls "
      "sideways\"><table id=\"discrepancy-list\"><caption>" +
      thousands(static_cast<std::int64_t>(page.matching)) +
      " discrepancies match</caption><thead><tr><th scope=\"col\">Line</th><th "
      "scope=\"col\">Student</th>"
      "<th scope=\"col\">Field</th><th scope=\"col\">Code</th><th scope=\"col\">Severity</th>"
      "<th scope=\"col\">What to do</th></tr></thead><tbody>";
  for (const Discrepancy& d : page.rows) {
    out += "<tr><td>" + std::to_string(d.line) + "</td><td>" + html(d.student_id) + "</td><td>" +
           html(d.field ? std::string(field_name(*d.field)) : "") + "</td><td>" +
           html(code_name(d.code)) + "</td><td>" + html(severity_name(d.severity())) + "</td><td>" +
           html(discrepancy_message(d)) + "</td></tr>";
  }
  if (page.rows.empty()) out += "<tr><td colspan=\"6\">None.</td></tr>";
  out += "</tbody></table></div><nav class=\"pager\" aria-label=\"Pages of discrepancies\">";
  const std::string base = run_href(s.run.id) + "?code=" + percent_encode(code) +
                           "&severity=" + percent_encode(severity) +
                           "&student=" + percent_encode(student) + "&doffset=";
  if (offset > 0)
    out += "<a href=\"" +
           html(base + std::to_string(
                           offset > kDiscrepanciesPerPage ? offset - kDiscrepanciesPerPage : 0)) +
           "#discrepancies\">Previous page</a>";
  if (offset + page.rows.size() < page.matching)
    out += "<a href=\"" + html(base + std::to_string(offset + kDiscrepanciesPerPage)) +
           "#discrepancies\">Next page</a>";
  return out + "</nav>";
}

HttpResponse run_page(Visit& v, std::int64_t id, const std::string& message) {
  const RunSummary s = run_summary(v.store, v.config, id);
  v.require(s.run.feed, ConsoleRole::viewer);
  const RunRecord& r = s.run;
  std::string body;
  if (!message.empty())
    body += "<p class=\"panel notice\" role=\"status\">" + html(message) + "</p>";
  body += "<p class=\"panel\">" + state_badge(r) + " " + html(run_sentence(r)) + "</p>";
  if (!r.school_year.empty()) body += "<p class=\"panel\">" + html(r.school_year) + "</p>";
  // policy.on_trip hold_unsafe: the two halves of one file link to each other.
  if (r.held_part) {
    body += "<p class=\"panel notice\">A safeguard held part of this file: <a href=\"" +
            html(run_href(*r.held_part)) + "\">run " + std::to_string(*r.held_part) +
            "</a> holds the changes it tripped on, for someone to approve or reject. This run "
            "committed the rest.</p>";
  }
  if (r.split_of) {
    body += "<p class=\"panel notice\">These are the changes of <a href=\"" +
            html(run_href(*r.split_of)) + "\">run " + std::to_string(*r.split_of) +
            "</a>'s file that a safeguard tripped on; run " + std::to_string(*r.split_of) +
            " committed the rest. Approving this run makes these changes too.</p>";
  }
  body += "<dl class=\"facts\"><dt>Feed</dt><dd><a href=\"" + html(feed_href(r.feed)) + "\">" +
          html(r.feed) + "</a></dd><dt>File</dt><dd>" + html(r.file_name) + " (" +
          thousands(static_cast<std::int64_t>(r.bytes)) + " bytes)</dd><dt>Started</dt><dd>" +
          html(r.started) + "</dd><dt>Rows read</dt><dd>" + thousands(r.check.rows_read) +
          "</dd><dt>Rows rejected</dt><dd>" + thousands(r.check.rows_rejected) +
          "</dd><dt>Rows with warnings</dt><dd>" + thousands(r.check.rows_warned) +
          "</dd><dt>Added</dt><dd>" + thousands(r.plan.added) + "</dd><dt>Updated</dt><dd>" +
          thousands(r.plan.updated) + "</dd><dt>Deactivated</dt><dd>" +
          thousands(r.plan.deactivated) + "</dd><dt>Reactivated</dt><dd>" +
          thousands(r.plan.reactivated) + "</dd></dl>";
  if (s.refusal)
    body += "<p class=\"panel problem\">" + html(discrepancy_message(*s.refusal)) + "</p>";
  if (!s.schools.empty()) {
    body +=
        "<h2>By school</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
        "aria-label=\"Table, scrolls sideways\"><table><caption>This run's rows and changes by "
        "school</caption><thead><tr><th scope=\"col\">School</th><th scope=\"col\">Rows</th>"
        "<th scope=\"col\">Rejected</th><th scope=\"col\">Added</th><th scope=\"col\">Updated</th>"
        "<th scope=\"col\">Deactivated</th></tr></thead><tbody>";
    for (const auto& [c, name] : s.schools) {
      const std::string school = c.campus.empty() ? std::string("(no campus)")
                                                  : c.campus + (name.empty() ? "" : " " + name);
      body += "<tr><th scope=\"row\">" + html(school) + "</th><td>" + thousands(c.rows) +
              "</td><td>" + thousands(c.rejected) + "</td><td>" + thousands(c.added) + "</td><td>" +
              thousands(c.updated) + "</td><td>" + thousands(c.deactivated) + "</td></tr>";
    }
    body += "</tbody></table></div>";
  }
  if (!s.kinds.empty()) {
    body +=
        "<h2>Other kinds</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
        "aria-label=\"Table, scrolls sideways\"><table><caption>This run's staff, sections, "
        "enrollments and guardians: the rows of each file and what they change</caption><thead>"
        "<tr><th scope=\"col\">Kind</th><th scope=\"col\">Rows</th><th "
        "scope=\"col\">Rejected</th><th scope=\"col\">With warnings</th><th "
        "scope=\"col\">Added</th><th scope=\"col\">Updated</th><th "
        "scope=\"col\">Deactivated</th><th scope=\"col\">Reactivated</th></tr></thead><tbody>";
    for (const KindRunCounts& k : s.kinds) {
      body += "<tr><th scope=\"row\">" + html(std::string(kind_info(k.kind).name)) + "</th><td>" +
              thousands(k.check.rows_read) + "</td><td>" + thousands(k.check.rows_rejected) +
              "</td><td>" + thousands(k.check.rows_warned) + "</td><td>" + thousands(k.plan.added) +
              "</td><td>" + thousands(k.plan.updated) + "</td><td>" +
              thousands(k.plan.deactivated) + "</td><td>" + thousands(k.plan.reactivated) +
              "</td></tr>";
    }
    body += "</tbody></table></div>";
  }
  if (s.kind_discrepancy_count != 0) {
    body +=
        "<h2>Other kinds' discrepancies</h2><div class=\"table-wrap\" tabindex=\"0\" "
        "role=\"region\" aria-label=\"Table, scrolls sideways\"><table><caption>Each problem "
        "found in the other kinds' files, with its file's line";
    if (s.kind_discrepancy_count > s.kind_discrepancies.size())
      body += ": the first " + thousands(s.kind_discrepancies.size()) + " of " +
              thousands(s.kind_discrepancy_count);
    body +=
        "</caption><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Line</th><th "
        "scope=\"col\">Row</th><th scope=\"col\">Severity</th><th "
        "scope=\"col\">Problem</th></tr></thead><tbody>";
    for (const Discrepancy& d : s.kind_discrepancies) {
      body += "<tr><td>" + html(std::string(kind_info(d.kind.value_or(EntityKind::staff)).name)) +
              "</td><td>" + (d.line == 0 ? std::string("file") : std::to_string(d.line)) +
              "</td><td>" + html(display_safe(d.student_id)) + "</td><td>" +
              html(std::string(severity_name(d.severity()))) + "</td><td>" +
              html(discrepancy_message(d)) + "</td></tr>";
    }
    body += "</tbody></table></div>";
  }
  if (!r.trips.empty()) {
    body +=
        "<h2>Safeguards that tripped</h2><div class=\"table-wrap\" tabindex=\"0\" role=\"region\" "
        "aria-label=\"Table, scrolls sideways\"><table><caption>Each safeguard "
        "with its limit and this run's value</caption>"
        "<thead><tr><th scope=\"col\">Safeguard</th><th scope=\"col\">Limit</th><th "
        "scope=\"col\">This run</th>"
        "<th scope=\"col\">What it found</th></tr></thead><tbody>";
    for (const SafeguardTrip& t : r.trips)
      body += "<tr><td>" + html(t.name) + "</td><td>" + number(t.limit) + "</td><td>" +
              number(t.value) + "</td><td>" + html(t.explanation) + "</td></tr>";
    body += "</tbody></table></div>";
  }
  body += decisions_section(s.actions);
  if (r.state == RunState::held && may(v.user, r.feed, ConsoleRole::approver)) {
    const std::string reason =
        "<label for=\"reason-%\">Reason (kept with the decision)</label> "
        "<input id=\"reason-%\" name=\"reason\" type=\"text\" required maxlength=\"2000\"> ";
    const auto with_id = [&](std::string text, const std::string& id_part) {
      for (auto at = text.find('%'); at != std::string::npos; at = text.find('%', at))
        text.replace(at, 1, id_part);
      return text;
    };
    body +=
        "<h2>Decide</h2><p>Approve commits the planned changes below; reject discards them. Both "
        "need a reason.</p>" +
        post_form(run_href(id) + "/approve", v.csrf, with_id(reason, "approve"), "Approve") +
        post_form(run_href(id) + "/reject", v.csrf, with_id(reason, "reject"), "Reject", true);
  }
  body += changes_section(v, s);
  body += discrepancies_section(v, s);
  return html_response(page(frame_for(v, "Run " + std::to_string(id) + " of " + r.feed,
                                      {{"/", "Feeds"}, {feed_href(r.feed), r.feed}}),
                            body));
}

HttpResponse changes_csv(Visit& v, std::int64_t id) {
  const RunSummary s = run_summary(v.store, v.config, id);
  v.require(s.run.feed, ConsoleRole::viewer);
  std::optional<ChangeKind> kind;
  if (const std::string k = v.query_text("kind"); !k.empty()) {
    kind = change_kind_from_name(k);
    if (!kind)
      throw RouteError(400, "bad_request", "kind is added, updated, deactivated or reactivated.");
  }
  std::string out = "state_id,change,line";
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    const std::string name(field_name(static_cast<Field>(i)));
    out += "," + name + "_old," + name + "_new";
  }
  out += "\r\n";
  constexpr std::size_t kChunk = 5000;
  for (std::string after;;) {
    const auto changes = change_page(v.store, id, ChangeFilter{kind, "", after}, 0, kChunk);
    for (const Change& c : changes) {
      out += csv_cell(c.state_id) + "," + std::string(change_kind_name(c.kind)) + "," +
             std::to_string(c.line);
      for (std::size_t i = 0; i < kFieldCount; ++i) {
        out += "," + (c.before ? csv_cell((*c.before)[i]) : std::string());
        out += "," + (c.has_after ? csv_cell(c.after(i)) : std::string());
      }
      out += "\r\n";
    }
    if (changes.size() < kChunk) break;
    after = changes.back().state_id;
  }
  HttpResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"run-" + std::to_string(id) + "-changes.csv\"");
  r.body = std::move(out);
  return r;
}

std::string required_reason(const FormFields& form) {
  const std::string reason = form_value(form, "reason").value_or("");
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos)
    throw RouteError(400, "reason_required", "give a reason for the decision.");
  if (reason.size() > 2000)
    throw RouteError(400, "bad_request", "the reason is over 2,000 characters.");
  return reason;
}

}  // namespace

std::optional<HttpResponse> run_page_route(Visit& v) {
  const auto& p = v.path;
  const bool get = v.request.method == "GET", post = v.request.method == "POST";
  if (p.size() < 2 || p[0] != "runs") return std::nullopt;
  const std::int64_t id = id_segment(p[1]);
  if (p.size() == 2 && get) return run_page(v, id, "");
  if (p.size() == 3 && p[2] == "changes.csv" && get) return changes_csv(v, id);
  if (p.size() == 3 && post && (p[2] == "approve" || p[2] == "reject" || p[2] == "resolve-all")) {
    const RunSummary s = run_summary(v.store, v.config, id);
    v.require(s.run.feed, ConsoleRole::approver);
    const FormFields form = parse_form(v.request.body);
    if (p[2] == "resolve-all") {
      const std::string action = form_value(form, "action").value_or("");
      if (action != "match" && action != "create")
        throw RouteError(400, "bad_request", "choose match or create.");
      ResolveRequest request;
      request.run = id;
      request.match_all = action == "match";
      const ResolveResult result = resolve_alerts(v.store, request, v.actor(required_reason(form)));
      return run_page(
          v, id,
          "Run " + std::to_string(id) + ": " + std::to_string(result.decided.size()) +
              " alerts decided" +
              (result.left_open.empty() ? "."
                                        : "; " + std::to_string(result.left_open.size()) +
                                              " have several candidates and stay open."));
    }
    const Actor by = v.actor(required_reason(form));
    if (p[2] == "approve") {
      const RunRecord after = approve_run(v.store, id, by);
      return run_page(v, id,
                      "Run " + std::to_string(id) + " approved and committed: " +
                          thousands(after.plan.added) + " added, " + thousands(after.plan.updated) +
                          " updated, " + thousands(after.plan.deactivated) + " deactivated.");
    }
    reject_run(v.store, id, by);
    return run_page(v, id, "Run " + std::to_string(id) + " rejected: nothing of it was committed.");
  }
  return std::nullopt;
}

}  // namespace rosterd
