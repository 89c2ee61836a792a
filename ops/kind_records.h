// One committed row of a kind beside students (staff, a section, an enrollment, ...) and every
// committed run that changed it: `rosterd record KIND ID`, the kinds' `rosterd student`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "store/roster_store.h"

namespace rosterd {

struct KindRecord {
  EntityKind kind = EntityKind::staff;
  std::vector<std::string> key;         // the key fields' values, in the key's order
  std::optional<CommittedKindRow> row;  // as committed now; nullopt once removed
  std::vector<KindRowChange> history;   // oldest first
};

// The row of `kind` that `feed` names `id`: its key's values, one a field in the key's order,
// or for a kind keyed by several fields one value joined by '/' ("SEC1/1000000001/student" for
// an enrollment: section, person, role; a guardian link: guardian, student). Throws Error when
// the feed does not take `kind` or `id` does not name a key of it, NotFoundError when the feed
// never committed such a row.
KindRecord kind_record(RosterStore& store, const FeedConfig& feed, EntityKind kind,
                       const std::vector<std::string>& id);

}  // namespace rosterd
