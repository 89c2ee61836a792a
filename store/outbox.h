// The outbox (migration 3): every email rosterd sends, queued in the store first under a key
// that makes it unique, then claimed by one sender, handed to the server and marked sent, so
// that a message is never sent twice, even across crashes and instances (docs/mail.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "notify/mail_message.h"
#include "store/feed_holds.h"
#include "store/outbox_entry.h"
#include "store/sql_db.h"

namespace rosterd {

class Outbox {
 public:
  // `holds` (not owned) names this sender and tells whether another is alive.
  Outbox(SqlDb& db, const Clock& clock, FeedHolds& holds) : db_(db), clock_(clock), holds_(holds) {}

  // Queues `m` unless a message with `key` was queued before. A message this call queues is
  // claimed for the caller in the same transaction (as claim() does), so that no other sender
  // (another worker's outbox sweep, another process) takes it before the caller tries: a sweep
  // that slipped in between used to send a run's report while the run, finding it gone, was held
  // as if the server had refused it.
  QueuedMail enqueue(const std::string& feed, std::optional<std::int64_t> run,
                     const std::string& list, const std::string& key, const MailMessage& m);
  // Pending messages whose next attempt is due at `now` (seconds since the epoch), oldest first.
  std::vector<OutboxEntry> due(std::int64_t now);
  std::optional<OutboxEntry> message(std::int64_t id);
  std::optional<OutboxEntry> message_with_key(const std::string& key);
  // The id and status of the message queued under `key`, without reading its bodies and
  // attachments (megabytes for a large run's report).
  std::optional<std::pair<std::int64_t, std::string>> status_with_key(const std::string& key);
  // Every message queued for `run` on `list` ("qa_report": one a recipient), oldest first.
  std::vector<OutboxEntry> messages_of_run(std::int64_t run, const std::string& list);
  // Replaces the content (subject, bodies, attachments) of a message not sent yet: a report
  // whose run is now held until it goes out says so. False when it was sent meanwhile.
  bool rewrite(std::int64_t id, const MailMessage& m);
  // Marks a pending message as being sent by this process (connection, on PostgreSQL); false
  // when another claimed it first. A message left `sending` by a crash is never resent on its
  // own (it may have gone out): `rosterd outbox` shows it as in doubt.
  bool claim(std::int64_t id);
  // Marks a message sent, and takes the keys of its mail links out of the copy kept here.
  void sent(std::int64_t id);
  void failed(std::int64_t id, const std::string& error, std::int64_t next_attempt);
  // Messages left `sending` by a process that stopped (they may or may not have gone out); not
  // those a live process is sending now.
  std::vector<OutboxEntry> in_doubt();
  // Leaves a message this process claimed in doubt at once: it can no longer tell whether the
  // message went out (the server took it but recording that failed), and, alive, it would
  // otherwise keep it from `rosterd outbox` and `--resend` until it stops.
  void disown(std::int64_t id);
  // Puts a message in doubt back in the queue (a person checked it did not arrive); false for
  // any other, including one a live process is sending now (it would go out twice).
  bool requeue(std::int64_t id);
  // Pending messages of a feed (all feeds when empty).
  std::size_t backlog(const std::string& feed);

 private:
  SqlDb& db_;
  const Clock& clock_;
  FeedHolds& holds_;
};

}  // namespace rosterd
