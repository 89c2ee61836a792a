// A message in the durable outbox: every email rosterd sends is written here first, then
// delivered with retries, and marked sent once the SMTP server has accepted it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "notify/mail_message.h"

namespace rosterd {

struct OutboxEntry {
  std::int64_t id = 0;
  std::string feed;
  std::optional<std::int64_t> run_id;
  std::string list;  // qa_report, held, failures, test
  // Unique: a second message with the same key is never queued ("run:12:qa_report").
  std::string key;
  MailMessage message;
  std::string created;  // UTC, ISO 8601
  std::string status;   // pending, sending, sent
  int attempts = 0;
  std::string last_error;
  std::int64_t next_attempt = 0;  // seconds since the epoch
  std::string sent_at;
  // While `sending`: the process (SQLite) or connection (PostgreSQL) that claimed it, as
  // runs.instance names them; empty for a message claimed before rosterd recorded it.
  std::string claimed_by;
};

// What RosterStore::enqueue_mail did: the entry's id, and whether this call queued the message
// and so holds the claim to send it (false when the key was queued before).
struct QueuedMail {
  std::int64_t id = 0;
  bool claimed = false;
};

}  // namespace rosterd
