#include "ops/mail_actions.h"

#include <ctime>
#include <optional>
#include <set>

#include "notify/qa_report_mail.h"
#include "notify/smtp_sender.h"
#include "pipeline/mailer.h"
#include "pipeline/store_access.h"

namespace rosterd {

MailTest send_test_mail(const Config& config, const std::string& to) {
  if (!config.smtp.configured()) {
    throw Error(config.file.string() +
                " has no `smtp:` section with a url; add one (see conf/rosterd.example.yaml) "
                "before testing it.");
  }
  const SmtpSender sender(config.smtp);
  const MailMessage m =
      plain_mail({to}, "[rosterd] test message",
                 "This is a test message from rosterd, sent through " + config.smtp.url +
                     ".\nIf you can read it, QA reports will reach you.\n",
                 "<mail-test." + std::to_string(::time(nullptr)) + "@rosterd>");
  MailTest result;
  try {
    sender.send(m, &result.conversation);
    result.delivered = true;
  } catch (const SmtpError& e) {
    result.error = e.what();
  }
  return result;
}

OutboxView outbox_view(RosterStore& store) {
  return {store.outbox().in_doubt(), store.outbox().due(INT64_MAX)};
}

OutboxDelivery deliver_outbox(const Config& config, RosterStore& store) {
  OutboxDelivery result;
  Mailer mailer(config, store);
  result.delivered = mailer.deliver_due(true);
  // Runs waiting for their report are settled here only for a feed no other process is working
  // on: committing one under a run being planned would make that run fail.
  std::set<std::string> waiting;
  for (const RunRecord& run : store.runs().awaiting_report())
    waiting.insert(run.feed);
  for (const std::string& name : waiting) {
    const auto it = config.feeds.find(name);
    if (it == config.feeds.end()) continue;
    std::optional<FeedLock> lock;
    if (const auto why = hold_feed_now(config, store, it->second, lock)) {
      result.left.emplace_back(name, *why);
    } else {
      mailer.settle_awaiting_runs(name);
    }
  }
  return result;
}

void resend_mail(RosterStore& store, std::int64_t id) {
  if (!store.outbox().message(id))
    throw NotFoundError(NotFoundError::What::mail, "there is no mail " + std::to_string(id) + ".");
  if (!store.outbox().requeue(id)) {
    throw Error("mail " + std::to_string(id) +
                " is not in doubt; only a message left `sending` by a stopped process can be sent "
                "again (not one a running rosterd is sending now: look again in a few minutes).");
  }
}

}  // namespace rosterd
