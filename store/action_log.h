// What people did, and through what (docs/console.md, "Who did what"): every approve, reject,
// rollback, alert decision, sync now, test import, mail-list edit and user change, with who,
// when, from where and the reason given. A decision's record is written in the decision's own
// transaction, so one is never kept without the other.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/sql_db.h"

namespace rosterd {

// Where a person acted from.
enum class ActionSource {
  cli,
  console,
  api,
  mail_link,
  service,  // rosterd itself: a held run committed once its QA report was delivered
};
std::string_view action_source_name(ActionSource via);

// Who acts, from where, and why: passed to every operation that changes something a person
// decided.
struct Actor {
  std::string who;  // an email (console, API) or a login name (CLI)
  ActionSource via = ActionSource::cli;
  std::string address;  // the client's address (console, API); empty on the command line
  std::string reason;   // what the person gave as the reason; may be empty
};

struct ActionRecord {
  std::int64_t id = 0;
  std::string at;  // UTC
  std::string who;
  std::string via;
  std::string address;
  std::string action;  // "approve", "reject", "rollback", "resolve", "sync", "check", ...
  std::string feed;
  std::optional<std::int64_t> run;
  std::optional<std::int64_t> alert;
  std::string reason;
  std::string detail;  // what was done, in a few words ("match to 123", "user x added as viewer")
};

class ActionLog {
 public:
  ActionLog(SqlDb& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Records one action; inside the caller's transaction when there is one.
  void record(const Actor& by, std::string_view action, const std::string& feed,
              std::optional<std::int64_t> run, std::optional<std::int64_t> alert,
              const std::string& detail);
  // A run's actions, oldest first.
  std::vector<ActionRecord> for_run(std::int64_t run);
  // The last `last` actions of one feed (every feed when empty), newest first.
  std::vector<ActionRecord> recent(const std::string& feed, std::size_t last);

 private:
  SqlDb& db_;
  const Clock& clock_;
};

}  // namespace rosterd
