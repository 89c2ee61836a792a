#include "console/mail_link_pages.h"

#include "console/html.h"
#include "console/page_parts.h"
#include "console/visit.h"
#include "core/civil_date.h"
#include "core/log.h"
#include "core/secret.h"
#include "ops/mail_link_actions.h"

namespace rosterd {
namespace {

// The form token of a link's page: a digest of its key, so that only someone holding the link
// can post the form (the key itself never goes into a second place in the page).
std::string form_token(const std::string& key) {
  return key_digest("rosterd mail link form " + key);
}

std::string when(std::int64_t t) {
  return utc_timestamp(t);
}

std::string sign_in_link(const MailLinkView& v) {
  const std::string next = v.run ? "/runs/" + std::to_string(v.link.run) : "/";
  return "<p><a href=\"/login?next=" + html(percent_encode(next)) +
         "\">Sign in to the console</a> to see the run and everything else.</p>";
}

std::string person(const std::vector<std::string>& v, bool withhold) {
  if (v.size() != kFieldCount) return "";
  std::string s = "local ID " + v[field_index(Field::local_id)] + ", grade " +
                  v[field_index(Field::grade)] + ", school " + v[field_index(Field::campus)];
  if (!withhold)
    s = v[field_index(Field::last_name)] + ", " + v[field_index(Field::first_name)] + ", born " +
        v[field_index(Field::birth_date)] + "; " + s;
  return s;
}

std::string run_facts(const RunSummary& s) {
  const RunRecord& r = s.run;
  std::string body = "<p class=\"panel\">" + state_badge(r) + " " + html(run_sentence(r)) + "</p>";
  body += "<dl class=\"facts\"><dt>Feed</dt><dd>" + html(r.feed) + "</dd><dt>File</dt><dd>" +
          html(r.file_name) + "</dd><dt>Rows read</dt><dd>" + thousands(r.check.rows_read) +
          "</dd><dt>Rows rejected</dt><dd>" + thousands(r.check.rows_rejected) +
          "</dd><dt>Added</dt><dd>" + thousands(r.plan.added) + "</dd><dt>Updated</dt><dd>" +
          thousands(r.plan.updated) + "</dd><dt>Deactivated</dt><dd>" +
          thousands(r.plan.deactivated) + "</dd></dl>";
  if (!r.trips.empty()) {
    body += "<h2>Why it was held</h2><ul>";
    for (const SafeguardTrip& t : r.trips)
      body += "<li>" + html(t.explanation) + "</li>";
    body += "</ul>";
  }
  body += decisions_section(s.actions);
  return body;
}

std::string reason_field(const std::string& id) {
  return "<label for=\"reason-" + id +
         "\">Reason (kept with the decision)</label> <input id=\"reason-" + id +
         "\" name=\"reason\" type=\"text\" required maxlength=\"2000\"> ";
}

std::string decide_forms(const MailLinkView& v, const std::string& key) {
  const std::string action = "/m/" + key;
  const std::string token = form_token(key);
  return "<h2>Decide</h2><p>Approve commits the planned changes; reject discards them, and the "
         "district sends a corrected file. This link decides once.</p>" +
         post_form(action, token,
                   "<input type=\"hidden\" name=\"decision\" value=\"approve\">" +
                       reason_field("approve"),
                   "Approve run " + std::to_string(v.link.run)) +
         post_form(
             action, token,
             "<input type=\"hidden\" name=\"decision\" value=\"reject\">" + reason_field("reject"),
             "Reject run " + std::to_string(v.link.run), true);
}

std::string alerts_section(const MailLinkView& v, const std::string& key, bool can_resolve) {
  if (v.open_alerts.empty()) return "<h2>Possible matches</h2><p>No alert of this run is open.</p>";
  std::string body =
      "<h2>Possible matches</h2><p>Each row below was not added because it looks like a student "
      "the platform already has under another ID.</p><div class=\"table-wrap\" tabindex=\"0\" "
      "role=\"region\" aria-label=\"Table, scrolls sideways\"><table><caption>The run's open "
      "alerts</caption><thead><tr><th scope=\"col\">Line</th><th scope=\"col\">State ID in the "
      "file</th><th scope=\"col\">The file's row</th><th scope=\"col\">Looks like</th><th "
      "scope=\"col\">Score</th></tr></thead><tbody>";
  for (const AlertRecord& a : v.open_alerts) {
    const MatchCandidate* c = a.alert.candidates.empty() ? nullptr : &a.alert.candidates[0];
    body += "<tr><td>" + std::to_string(a.alert.line) + "</td><td>" + html(a.alert.state_id) +
            "</td><td>" + html(person(a.alert.row, v.withhold_pii)) + "</td><td>" +
            (c == nullptr ? "" : html(c->id + " (" + person(c->values, v.withhold_pii) + ")")) +
            "</td><td>" + (c == nullptr ? "" : std::to_string(c->score)) + "</td></tr>";
  }
  body += "</tbody></table></div>";
  if (!can_resolve) return body;
  const std::string action = "/m/" + key;
  const std::string token = form_token(key);
  return body + "<h2>Decide them all</h2>" +
         post_form(
             action, token,
             "<input type=\"hidden\" name=\"decision\" value=\"match\">" + reason_field("match"),
             "They are the same students") +
         post_form(action, token,
                   "<input type=\"hidden\" name=\"decision\" value=\"add\">" + reason_field("add"),
                   "They are new students: add them");
}

std::string discrepancies_section(const MailLinkView& v) {
  std::string body = "<h2>Discrepancies</h2>";
  if (v.discrepancies.empty()) return body + "<p>None: every row passed every check.</p>";
  body +=
      "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table, scrolls "
      "sideways\"><table><caption>" +
      thousands(static_cast<std::int64_t>(v.discrepancy_count)) +
      " discrepancies, in file order</caption><thead><tr><th scope=\"col\">Line</th><th "
      "scope=\"col\">State ID</th><th scope=\"col\">Severity</th><th scope=\"col\">What is "
      "wrong</th><th scope=\"col\">How to fix</th></tr></thead><tbody>";
  const MessageTerms terms{&v.columns, v.withhold_pii};
  for (const Discrepancy& d : v.discrepancies) {
    body += "<tr><td>" + std::to_string(d.line) + "</td><td>" + html(d.student_id) + "</td><td>" +
            html(d.severity() == Severity::error ? "rejected" : "warning") + "</td><td>" +
            html(discrepancy_message(d, terms)) + "</td><td>" + html(how_to_fix(d.code)) +
            "</td></tr>";
  }
  body += "</tbody></table></div>";
  if (v.discrepancy_count > v.discrepancies.size())
    body += "<p>The first " + std::to_string(v.discrepancies.size()) +
            " are shown; every one is in the mail's CSV and on the console.</p>";
  return body;
}

HttpResponse link_page(const MailLinkView& v, const std::string& key, const std::string& notice,
                       const std::string& problem, int status) {
  PageFrame frame;
  frame.title = v.run ? "Run " + std::to_string(v.link.run) + " of " + v.link.feed
                      : "This link cannot be used";
  std::string body;
  if (!notice.empty()) body += "<p class=\"panel notice\" role=\"status\">" + html(notice) + "</p>";
  if (!problem.empty())
    body += "<p class=\"panel problem\" role=\"alert\">" + html(problem) + "</p>";
  switch (v.state) {
    case MailLinkState::unknown:
    case MailLinkState::gone:
      body +=
          "<p class=\"panel problem\">This is not a link rosterd sent, or it was cut short "
          "when it was copied. Open it from the mail again.</p>" +
          sign_in_link(v);
      return html_response(page(frame, body), status == 200 ? 404 : status);
    case MailLinkState::used:
      if (notice.empty()) {
        body += "<p class=\"panel\">This link was used on " + html(when(v.link.used)) + " (" +
                html(v.link.used_for) + "). A link decides once.</p>";
      }
      break;
    case MailLinkState::expired:
      body += "<p class=\"panel problem\">This link expired on " + html(when(v.link.expires)) +
              ". Links in rosterd's mail work for a few days; the console shows the run "
              "now.</p>" +
              sign_in_link(v);
      return html_response(page(frame, body), status == 200 ? 410 : status);
    case MailLinkState::open:
      break;
  }
  body += run_facts(*v.run);
  const bool held = v.run->run.state == RunState::held;
  const bool review = v.state == MailLinkState::open && v.link.action == "review";
  if (review && held) {
    if (v.can_decide) {
      body += decide_forms(v, key);
    } else {
      body += "<p class=\"panel\">" + html(v.why_not) + ".</p>";
    }
  } else if (review) {
    body += "<p class=\"panel\">Run " + std::to_string(v.link.run) +
            " is not waiting for a decision: it is " +
            html(std::string(run_state_name(v.run->run.state))) + ".</p>";
  }
  if (v.link.action == "alerts")
    body += alerts_section(v, key, v.state == MailLinkState::open && v.why_not.empty());
  if (v.link.action == "discrepancies") body += discrepancies_section(v);
  body += "<p class=\"muted\">This link is for " + html(v.link.recipient) + " and works until " +
          html(when(v.link.expires)) + ".</p>" + sign_in_link(v);
  return html_response(page(frame, body), status);
}

}  // namespace

std::optional<HttpResponse> mail_link_route(const HttpRequest& req,
                                            const std::vector<std::string>& path,
                                            const Config& config, RosterStore& store,
                                            LoginThrottle& throttle) {
  if (path.size() != 2 || path[0] != "m") return std::nullopt;
  const std::string& key = path[1];
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (!get && req.method != "POST") return std::nullopt;
  // A key is 64 lowercase hex digits; anything else is no link, answered without a lookup.
  const bool well_formed =
      key.size() == 64 && key.find_first_not_of("0123456789abcdef") == std::string::npos;
  const MailLinkView view = well_formed ? open_mail_link(store, config, key) : MailLinkView{};
  if (get) {
    HttpResponse r = link_page(view, key, "", "", 200);
    return r;
  }
  // Posting to unknown keys is counted, per address, in the links' own bucket: guessing costs
  // the guesser (the keys are 256 bits: this only keeps the store from being hammered).
  const std::int64_t now = store.clock().now();
  if (!throttle.allowed("mail link", req.peer, now, config.console.login_attempts * 4))
    return html_response(page(PageFrame{"Too many tries", "", "", {}},
                              "<p class=\"panel problem\">Too many unknown links from this "
                              "address. Wait 15 minutes, then open the link from the mail.</p>"),
                         429);
  if (view.state == MailLinkState::unknown) throttle.failed("mail link", req.peer, now);
  if (cross_site(req, config))
    return json_error(403, "foreign_origin", "the request came from another site.");
  const FormFields form = parse_form(req.body);
  if (!same_secret(form_value(form, "csrf").value_or(""), form_token(key)))
    return link_page(view, key, "",
                     "The form has expired or came from elsewhere; open the link "
                     "from the mail again.",
                     403);
  const std::string decision = form_value(form, "decision").value_or("");
  const std::string reason = form_value(form, "reason").value_or("");
  if (reason.find_first_not_of(" \t\r\n") == std::string::npos || reason.size() > 2000)
    return link_page(view, key, "", "Give a reason for the decision (up to 2,000 characters).",
                     400);
  try {
    std::string notice;
    if (decision == "approve" || decision == "reject") {
      const RunRecord after = decide_by_mail_link(store, config, key, decision, reason, req.peer);
      notice = decision == "approve"
                   ? "Run " + std::to_string(after.id) +
                         " approved and committed: " + thousands(after.plan.added) + " added, " +
                         thousands(after.plan.updated) + " updated, " +
                         thousands(after.plan.deactivated) + " deactivated."
                   : "Run " + std::to_string(after.id) +
                         " rejected: nothing of it was committed. The district sends a corrected "
                         "file.";
    } else if (decision == "match" || decision == "add") {
      const std::size_t n =
          resolve_by_mail_link(store, config, key, decision == "match", reason, req.peer);
      notice = std::to_string(n) + " alerts decided; the next run applies them.";
    } else {
      return link_page(view, key, "", "Choose one of the page's buttons.", 400);
    }
    log::info(
        "console.mail_link_decision",
        {{"feed", view.link.feed}, {"run", std::to_string(view.link.run)}, {"decision", decision}});
    return link_page(open_mail_link(store, config, key), key, notice, "", 200);
  } catch (const NotFoundError& e) {
    return link_page(open_mail_link(store, config, key), key, "", e.what(), 404);
  } catch (const UsageError& e) {
    return link_page(open_mail_link(store, config, key), key, "", e.what(), 400);
  } catch (const StoreError&) {
    throw;  // the console's own handler: 503, and the store opened anew
  } catch (const Error& e) {
    return link_page(open_mail_link(store, config, key), key, "", e.what(), 409);
  }
}

}  // namespace rosterd
