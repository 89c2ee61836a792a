// The mail set-up and the outbox as an operator sees them: a test message through smtp:, what
// waits to be delivered or is in doubt, a delivery round now, a message in doubt sent again.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "store/roster_store.h"

namespace rosterd {

struct MailTest {
  bool delivered = false;
  std::string conversation;  // the SMTP conversation, authentication withheld
  std::string error;         // why not, when not delivered
};
// Sends a test message to `to` through the configured server. Throws Error when the
// configuration has no smtp: section.
MailTest send_test_mail(const Config& config, const std::string& to);

struct OutboxView {
  std::vector<OutboxEntry> in_doubt;  // left `sending` by a process that stopped
  std::vector<OutboxEntry> pending;   // waiting for their next attempt, oldest first
};
OutboxView outbox_view(RosterStore& store);

struct OutboxDelivery {
  std::size_t delivered = 0;
  // Feeds whose runs waiting for their report were left to the process holding them: (feed, why).
  std::vector<std::pair<std::string, std::string>> left;
};
// Delivers every queued message now, then settles the runs waiting for their report of each
// feed no other process holds.
OutboxDelivery deliver_outbox(const Config& config, RosterStore& store);

// Queues message `id`, in doubt, again (a person checked it did not arrive). Throws
// NotFoundError when there is no such message, Error when it is not in doubt.
void resend_mail(RosterStore& store, std::int64_t id);

}  // namespace rosterd
