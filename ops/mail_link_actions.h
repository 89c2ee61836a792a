// What a link in the district's mail opens and lets its recipient do (docs/mail.md, "Links").
// Opening a link changes nothing (mail scanners follow links): it shows the run; a decision is a
// separate request, made once per link. The link stands for its recipient: the decision is
// recorded as theirs ("mail link"), and they may approve or reject only when they are an approver
// of the feed: a console user with that role, or an address on the feed's `held` list (as set
// in the console, else the configuration), the list rosterd asks for approval.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "ops/console_views.h"
#include "store/roster_store.h"

namespace rosterd {

enum class MailLinkState {
  open,     // usable: the run is shown, and decided when the link allows it
  used,     // a decision was made through it already
  expired,  // past report.links_valid_for
  unknown,  // not a link rosterd sent (mistyped, forged, or forgotten long after it expired)
  gone,     // its feed is no longer configured
};

struct MailLinkView {
  MailLinkState state = MailLinkState::unknown;
  MailLinkRecord link;
  std::optional<RunSummary> run;  // with open, used and expired links
  // A "review" link whose run is held, and whose recipient may decide it.
  bool can_decide = false;
  // Why the recipient may not decide through this link, even were the run held: they are no
  // approver of the feed ("" when they are; open links only).
  std::string why_not;
  // The run's open identity alerts; without names and birth dates unless the feed's report.pii
  // is full (the link shows no more than the mail did).
  std::vector<AlertRecord> open_alerts;
  // A "discrepancies" link: the first kLinkDiscrepancies of the run's row discrepancies
  // (values of names and birth dates withheld as in the mail), and how many there are.
  std::vector<Discrepancy> discrepancies;
  std::size_t discrepancy_count = 0;
  // The district's column headers (empty when the feed is gone), for messages in its terms.
  std::array<std::string, kFieldCount> columns;
  bool withhold_pii = true;
};

inline constexpr std::size_t kLinkDiscrepancies = 200;

// What `key` opens now. Never changes anything.
MailLinkView open_mail_link(RosterStore& store, const Config& config, const std::string& key);

// Approves or rejects (`decision`) the link's held run as its recipient, with `reason`, through
// `address` (the client's). Throws Error saying why not (the link was
// used or expired, the run is no longer held, the recipient is no approver). Returns the run as
// it now stands.
RunRecord decide_by_mail_link(RosterStore& store, const Config& config, const std::string& key,
                              const std::string& decision, const std::string& reason,
                              const std::string& address);

// Decides every open alert of the link's run (`match_all`: each the committed student it looks
// like; otherwise each a new student) as its recipient. Same rules as decide_by_mail_link.
std::size_t resolve_by_mail_link(RosterStore& store, const Config& config, const std::string& key,
                                 bool match_all, const std::string& reason,
                                 const std::string& address);

}  // namespace rosterd
