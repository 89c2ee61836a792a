#include "ops/kind_records.h"

#include "core/error.h"
#include "core/text.h"
#include "core/utf8.h"

namespace rosterd {

KindRecord kind_record(RosterStore& store, const FeedConfig& feed, EntityKind kind,
                       const std::vector<std::string>& id) {
  const EntityKindInfo& info = kind_info(kind);
  if (feed.kinds.find(kind) == nullptr) {
    throw Error("feed " + feed.name + " takes no " + std::string(info.name) +
                ": its configuration's kinds: names what it takes.");
  }
  KindRecord r;
  r.kind = kind;
  if (id.size() == 1 && info.key.size() > 1) {
    for (std::string_view part : split(id[0], '/'))
      r.key.emplace_back(part);
  } else {
    r.key = id;
  }
  std::string shown;
  for (const std::string& part : id)
    shown += (shown.empty() ? "" : " ") + part;
  if (r.key.size() != info.key.size()) {
    std::string shape;
    for (std::size_t k : info.key)
      shape += (shape.empty() ? "" : "/") + std::string(info.fields[k].name);
    throw Error("\"" + display_safe(shown) + "\" does not name " + std::string(info.record) +
                ": give its " + std::to_string(info.key.size()) + " key values as " + shape +
                " (or each as an argument of its own).");
  }
  r.row = store.entities().row(feed.name, kind, r.key);
  r.history = store.entities().history(feed.name, kind, r.key);
  if (!r.row && r.history.empty()) {
    throw NotFoundError(NotFoundError::What::record, "feed " + feed.name + " has no " +
                                                         std::string(info.record) + " " +
                                                         display_safe(shown) + ".");
  }
  return r;
}

}  // namespace rosterd
