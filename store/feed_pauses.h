// A feed paused by a person (`rosterd pause`): while it is, the feed's files are still taken,
// checked and reported, as test imports, and nothing of them is committed; the roster stays as
// it was until the first run after the pause. Each pause and resume is in the action log.
#pragma once

#include <optional>
#include <string>

#include "core/civil_date.h"
#include "core/clock.h"
#include "store/action_log.h"
#include "store/sql_db.h"

namespace rosterd {

struct FeedPause {
  std::string feed;
  std::string since;               // UTC
  std::optional<CivilDate> until;  // the last day paused; none: until someone resumes it
  std::string reason;
  std::string by;
};

class FeedPauses {
 public:
  FeedPauses(SqlDb& db, const Clock& clock, ActionLog& actions)
      : db_(db), clock_(clock), actions_(actions) {}

  // Pauses `feed` (replacing a pause it has), recorded in the action log in the same
  // transaction.
  FeedPause pause(const std::string& feed, std::optional<CivilDate> until,
                  const std::string& reason, const Actor& by);
  // Ends the feed's pause. False when it had none.
  bool resume(const std::string& feed, const Actor& by);
  // The feed's pause in force on `today` (a pause whose `until` is past is none).
  std::optional<FeedPause> in_force(const std::string& feed, CivilDate today);

 private:
  SqlDb& db_;
  const Clock& clock_;
  ActionLog& actions_;
};

// The migration that adds the pauses (both stores).
std::string_view feed_pauses_sql();

}  // namespace rosterd
