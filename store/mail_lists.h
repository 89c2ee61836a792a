// Who gets which mail, as people set it in the console (docs/console.md, "Who gets which mail"):
// a feed's list of one kind ("qa_report", "held", "failures", or a school's "campus:CODE:
// qa_report" and "campus:CODE:held") replaced by the addresses an approver gave. A kind not set
// here keeps the configuration's list: the YAML lists are the defaults.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/clock.h"
#include "store/action_log.h"
#include "store/sql_db.h"

namespace rosterd {

struct StoredMailList {
  std::vector<std::string> addresses;  // may be empty: nobody gets that mail
  std::string changed;                 // UTC
  std::string changed_by;
};

class MailLists {
 public:
  MailLists(SqlDb& db, const Clock& clock, ActionLog& actions)
      : db_(db), clock_(clock), actions_(actions) {}

  // The feed's lists set in the store, by kind.
  std::map<std::string, StoredMailList> for_feed(const std::string& feed);
  // Sets one list, recorded in the action log in the same transaction.
  void set(const std::string& feed, const std::string& kind,
           const std::vector<std::string>& addresses, const Actor& by);
  // Back to the configuration's list. False when the store had none.
  bool reset(const std::string& feed, const std::string& kind, const Actor& by);

 private:
  SqlDb& db_;
  const Clock& clock_;
  ActionLog& actions_;
};

}  // namespace rosterd
