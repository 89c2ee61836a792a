#include "ops/mail_link_actions.h"

#include <algorithm>

#include "ops/console_access.h"
#include "ops/identity_actions.h"
#include "ops/run_actions.h"
#include "pipeline/mailer.h"

namespace rosterd {
namespace {

// A record's names and birth date blanked (report.pii minimal).
void withhold(std::vector<std::string>& values) {
  if (values.size() != kFieldCount) return;
  for (Field f : {Field::first_name, Field::middle_name, Field::last_name, Field::birth_date})
    values[field_index(f)].clear();
}

// Whether `address` approves runs of `feed`: a console approver, or on its held list.
std::string why_no_approver(RosterStore& store, const Config& config, const FeedConfig& feed,
                            const std::string& address) {
  if (const auto user = store.users().find(address);
      user && may(*user, feed.name, ConsoleRole::approver))
    return "";
  std::optional<FeedConfig> adjusted;
  const FeedConfig& lists = with_mail_lists(feed, store, adjusted);
  const auto& held = lists.notify.held;
  if (std::find(held.begin(), held.end(), address) != held.end()) return "";
  (void)config;
  return address + " is not an approver of feed " + feed.name +
         " (neither on its list for held runs nor a console approver); an approver decides it";
}

// The link's open state and its feed; throws Error for any other.
const FeedConfig& usable(const MailLinkView& view, const Config& config) {
  switch (view.state) {
    case MailLinkState::used:
      throw Error("this link was used already (" + view.link.used_for +
                  "); sign in to the console to do more");
    case MailLinkState::expired:
      throw Error("this link has expired; sign in to the console instead");
    case MailLinkState::unknown:
    case MailLinkState::gone:
      throw Error("this is not a link rosterd sent, or it was mistyped");
    case MailLinkState::open:
      break;
  }
  if (!view.why_not.empty()) throw Error(view.why_not);
  return config.feeds.at(view.link.feed);
}

}  // namespace

MailLinkView open_mail_link(RosterStore& store, const Config& config, const std::string& key) {
  MailLinkView v;
  const auto link = store.mail_links().find(key);
  if (!link) return v;
  v.link = *link;
  const auto feed = config.feeds.find(link->feed);
  if (feed == config.feeds.end()) {
    v.state = MailLinkState::gone;
    return v;
  }
  // Expired first: a used link is no key to the run for longer than an unused one.
  v.state = store.clock().now() > link->expires ? MailLinkState::expired
            : link->used != 0                   ? MailLinkState::used
                                                : MailLinkState::open;
  v.run = run_summary(store, config, link->run);
  const FeedConfig& f = feed->second;
  v.withhold_pii = f.report.pii != PiiLevel::full;
  v.columns = f.format.columns;
  for (AlertRecord& a : store.identity().alerts(link->feed, false)) {
    if (a.run != link->run || !a.is_open()) continue;
    if (v.withhold_pii) {
      for (std::vector<std::string>* values : {&a.alert.row})
        withhold(*values);
      for (MatchCandidate& c : a.alert.candidates)
        withhold(c.values);
    }
    v.open_alerts.push_back(std::move(a));
  }
  if (link->action == "discrepancies") {
    const DiscrepancyPage page =
        discrepancy_page(store, link->run, DiscrepancyFilter{}, 0, kLinkDiscrepancies);
    v.discrepancy_count = page.matching;
    for (const Discrepancy& d : page.rows)
      v.discrepancies.push_back(v.withhold_pii ? redact_pii(d) : d);
  }
  if (v.state == MailLinkState::open) {
    v.why_not = why_no_approver(store, config, feed->second, link->recipient);
    v.can_decide =
        v.why_not.empty() && v.run->run.state == RunState::held && link->action == "review";
  }
  return v;
}

RunRecord decide_by_mail_link(RosterStore& store, const Config& config, const std::string& key,
                              const std::string& decision, const std::string& reason,
                              const std::string& address) {
  if (decision != "approve" && decision != "reject")
    throw UsageError("a link decides approve or reject");
  const MailLinkView view = open_mail_link(store, config, key);
  usable(view, config);
  if (view.link.action != "review")
    throw Error(
        "this link shows the run; the \"Review and decide\" link in the same mail decides it");
  if (view.run->run.state != RunState::held)
    throw Error("run " + std::to_string(view.link.run) + " is no longer held (it is " +
                std::string(run_state_name(view.run->run.state)) + "); nothing to decide");
  // Claimed first: a second tab, or a replayed request, finds it used.
  if (!store.mail_links().use(key, decision + " run " + std::to_string(view.link.run)))
    throw Error("this link was used already; sign in to the console to do more");
  const Actor by{view.link.recipient, ActionSource::mail_link, address, reason};
  try {
    return decision == "approve" ? approve_run(store, view.link.run, by)
                                 : reject_run(store, view.link.run, by);
  } catch (...) {
    store.mail_links().release(key);  // nothing was decided: the link still works
    throw;
  }
}

std::size_t resolve_by_mail_link(RosterStore& store, const Config& config, const std::string& key,
                                 bool match_all, const std::string& reason,
                                 const std::string& address) {
  const MailLinkView view = open_mail_link(store, config, key);
  usable(view, config);
  if (view.link.action != "alerts")
    throw Error("this link does not decide alerts; the \"Resolve\" link in the same mail does");
  if (view.open_alerts.empty()) throw Error("the run has no open alert left to decide");
  const std::string why =
      why_no_approver(store, config, config.feeds.at(view.link.feed), view.link.recipient);
  if (!why.empty()) throw Error(why);
  if (!store.mail_links().use(key, std::string(match_all ? "match" : "add") + " every open alert"))
    throw Error("this link was used already; sign in to the console to do more");
  ResolveRequest request;
  request.run = view.link.run;
  request.match_all = match_all;
  try {
    const ResolveResult r = resolve_alerts(
        store, request, Actor{view.link.recipient, ActionSource::mail_link, address, reason});
    return r.decided.size();
  } catch (...) {
    store.mail_links().release(key);
    throw;
  }
}

}  // namespace rosterd
