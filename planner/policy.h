// A feed's safeguards and commit policy: the `policy:` section of a feed.
#pragma once

#include <optional>

namespace rosterd {

enum class CommitMode { automatic, manual };

struct Policy {
  CommitMode commit = CommitMode::automatic;
  // Hold the run when it would deactivate more than this share of the active students.
  double max_deactivate_pct = 5;
  // Hold the run when the file has this much fewer rows than the last committed file.
  double max_row_drop_pct = 10;
  // Hold the run when more than this share of the rows is rejected.
  double max_reject_pct = 5;
};

// A campus's own thresholds (`per_campus: {CODE: {policy: ...}}`), checked on that campus's
// counts beside the feed's: a school can be held for its own part of a file.
struct CampusPolicy {
  // Unset: the campus is not checked on its own for that safeguard.
  std::optional<double> max_deactivate_pct;
  std::optional<double> max_reject_pct;
};

}  // namespace rosterd
