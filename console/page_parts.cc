#include "console/page_parts.h"

#include "console/form_data.h"

namespace rosterd {

std::string decisions_section(const std::vector<ActionRecord>& actions) {
  if (actions.empty()) return "";
  std::string body = "<h2>Decisions</h2><ul>";
  for (const ActionRecord& a : actions) {
    body += "<li>" + html(a.at) + ": " + html(a.action) + " by " + html(a.who) + " (" +
            html(a.via) + ")" + (a.reason.empty() ? "" : ". Reason: " + html(a.reason)) + "</li>";
  }
  return body + "</ul>";
}

std::string thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

std::string state_badge(const RunRecord& run) {
  std::string name(run.state == RunState::notice ? run_kind_name(run.kind)
                                                 : run_state_name(run.state));
  std::string words = name;
  if (!words.empty())
    words[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0])));
  const char* cls = run.state == RunState::committed                                  ? "committed"
                    : run.state == RunState::held                                     ? "held"
                    : run.state == RunState::refused || run.state == RunState::failed ? "failed"
                    : run.state == RunState::rejected                                 ? "rejected"
                                                                                      : "other";
  return "<span class=\"state state-" + std::string(cls) + "\">" + html(words) + "</span>";
}

std::string run_sentence(const RunRecord& r) {
  const std::string file = r.file_name.empty() ? std::string("the file") : r.file_name;
  const std::string changes = thousands(r.plan.added) + " added, " + thousands(r.plan.updated) +
                              " updated, " + thousands(r.plan.deactivated) + " deactivated";
  switch (r.state) {
    case RunState::committed:
      return file + " was committed: " + changes + ".";
    case RunState::held:
      // The first safeguard that tripped says why in the district's terms.
      return file + " is held for a person to approve or reject: " +
             (r.trips.empty() ? r.reason : r.trips.front().explanation) + ".";
    case RunState::refused:
      return file + " was refused whole; nothing in it was used.";
    case RunState::rejected:
      return file + " was held, then rejected: nothing of it was committed.";
    case RunState::superseded:
      return file + " was held, then a later run committed over it; it can no longer be approved.";
    case RunState::failed:
      return file + " failed before it finished: " + r.reason + ". Nothing of it was committed.";
    case RunState::dry_run:
      return file + " was checked in test mode: nothing was written.";
    case RunState::running:
      return file + " is being taken now.";
    case RunState::notice:
      return r.reason + ".";
  }
  return r.reason;
}

PageFrame frame_for(const Visit& v, std::string title,
                    std::vector<std::pair<std::string, std::string>> crumbs) {
  PageFrame f;
  f.title = std::move(title);
  f.user_name = v.user.name.empty() ? v.user.email : v.user.name;
  f.csrf = v.csrf;
  f.crumbs = std::move(crumbs);
  return f;
}

std::string feed_href(const std::string& feed) {
  return "/feeds/" + percent_encode(feed);
}

}  // namespace rosterd
