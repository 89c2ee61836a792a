// The links in a district's mail (docs/mail.md, "Links"): each one is for one recipient, one run
// and one action ("review", "discrepancies", "alerts"), works until it expires, and decides at
// most once. The link carries a random 256-bit key; the store keeps only its SHA-256, so neither
// a copy of the store nor a guess opens one.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "store/sql_db.h"

namespace rosterd {

struct MailLinkRecord {
  std::string feed;
  std::int64_t run = 0;
  std::string recipient;  // the address the link was mailed to: who acts through it
  std::string action;     // review, discrepancies, alerts
  std::int64_t created = 0;
  std::int64_t expires = 0;  // seconds since the epoch
  std::int64_t used = 0;     // when a decision was made through it; 0: never
  std::string used_for;      // what was decided ("approve", "reject", "resolve alert 4")
};

class MailLinks {
 public:
  MailLinks(SqlDb& db, const Clock& clock) : db_(db), clock_(clock) {}

  // A new link; returns its key, which exists in clear only in the mail.
  std::string issue(const std::string& feed, std::int64_t run, const std::string& recipient,
                    const std::string& action, std::chrono::seconds valid_for);
  // The link a key opens, expired or used ones included (the page says which); nullopt for a
  // key rosterd never issued.
  std::optional<MailLinkRecord> find(const std::string& key);
  // Marks the link used for `what`, once: false when it was used before (a second tab, a
  // replay) or has expired. Called just before the decision it records (which has its own
  // transaction): a crash between the two leaves the link used and nothing decided, and the
  // person signs in to the console instead, the safe way round.
  bool use(const std::string& key, const std::string& what);
  // Makes a link usable again when the decision it was claimed for failed (nothing changed).
  void release(const std::string& key);
  // Forgets links that expired more than a week ago (the page then says "not one rosterd
  // sent"). Returns how many.
  std::size_t forget_expired();

 private:
  SqlDb& db_;
  const Clock& clock_;
};

// The table (SQLite migration 13, PostgreSQL 8).
std::string_view mail_links_sql();

}  // namespace rosterd
