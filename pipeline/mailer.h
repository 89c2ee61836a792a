// Sends rosterd's email through the durable outbox: every message is queued in the store first
// (under a key that makes it unique: a run's QA report is never sent twice, even across
// restarts), then handed to the SMTP server; what fails is retried later. A run held only
// because its QA report could not be delivered is committed when the report goes out within
// the feed's report.deliver_within, and left to a person (the failures list is told) after.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "notify/mail_document.h"
#include "notify/smtp_sender.h"
#include "store/roster_store.h"

namespace rosterd {

class Mailer {
 public:
  // Reads time from the store's clock (retries, report deadlines).
  Mailer(const Config& config, RosterStore& store);

  bool enabled() const { return config_.smtp.configured(); }
  const std::string config_file() const { return config_.file.string(); }
  const Config& config() const { return config_; }

  // Queues `m` under `key` (once) and tries to deliver it now. Returns true when it has been
  // delivered, now or before.
  bool send(const std::string& feed, std::optional<std::int64_t> run, const std::string& list,
            const std::string& key, const MailMessage& m);

  // Delivers the queued messages that are due (all pending ones with `now_all`), of every feed.
  // Returns how many were delivered.
  std::size_t deliver_due(bool now_all);

  // Commits `feed`'s held runs one copy of whose report went out within report.deliver_within
  // (and tells the qa_report list it committed); leaves to a person (and tells the failures
  // list) those whose report came later or not at all in time.
  // Call it only while holding the feed (its lock, and on a shared store its run lock):
  // committing a held run changes the base a new run of the feed is planned against, so a
  // sweep from another feed's worker used to make that run fail as stale.
  void settle_awaiting_runs(const std::string& feed);

  // Queues an alert to a feed's failures list (as set in the console, else the configuration's;
  // once per `key`) and tries to deliver it.
  void alert_failure(const FeedConfig& feed, const std::string& key, const std::string& subject,
                     const std::string& text);
  // The same with its one sentence first, as text and HTML.
  void alert_failure(const FeedConfig& feed, const std::string& key, const std::string& subject,
                     const MailDocument& doc);

 private:
  // Returns true when delivered; `unreachable` says whether the server could be reached.
  bool deliver(const OutboxEntry& e, bool* unreachable = nullptr);
  // Hands a message this process has claimed to the SMTP server and records the outcome.
  bool transmit(const OutboxEntry& e, bool* unreachable = nullptr);
  // Sends an alert to the feed's failures list (to and Message-ID filled in here).
  void send_alert(const FeedConfig& feed, const std::string& key, MailMessage& m);
  // Tells the held list that a run held for its report now waits for a person (`why`).
  void tell_held(const FeedConfig& feed, std::int64_t run, const std::string& why);
  // Tells the qa_report list that a run held for its report has committed.
  void tell_committed(const FeedConfig& feed, std::int64_t run);
  // Leaves a claimed message in doubt when transmit cannot tell whether it went out.
  void disown(std::int64_t id) noexcept;

  const Config& config_;
  RosterStore& store_;
  SmtpSender sender_;
  const Clock& clock_;
};

// The feed as it mails: its lists as people set them in the console (store/mail_lists.h) over
// the configuration's. `configured` itself when the store sets none; otherwise a copy kept in
// `adjusted`, which the result points into.
const FeedConfig& with_mail_lists(const FeedConfig& configured, RosterStore& store,
                                  std::optional<FeedConfig>& adjusted);

// The date part of a UTC ISO timestamp ("2026-11-23T01:02:03Z" -> "2026-11-23").
std::string date_of(const std::string& iso);

}  // namespace rosterd
