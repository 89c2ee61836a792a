// What a OneRoster delta set leaves out, from the feed's committed roster in the store: the
// lookup read_roster_set completes a delta's students from (parsers/roster_set.h). Used by an
// ingest, and by the console's test import, which reads the store and writes nothing.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "config/config.h"
#include "parsers/roster_set.h"
#include "store/roster_store.h"
#include "validators/row_checker.h"

namespace rosterd {

class CommittedValues {
 public:
  // The store, the feed and the checker must outlive this object and its lookup().
  CommittedValues(RosterStore& store, const FeedConfig& feed, const RowChecker& checker)
      : store_(store), feed_(feed), checker_(checker) {}
  CommittedValues(const CommittedValues&) = delete;
  CommittedValues& operator=(const CommittedValues&) = delete;

  // A student's committed values by state ID; whether an org (a district campus code, mapped by
  // the checker) is a school of the committed roster. The roster's schools are read once, at
  // the first question.
  CommittedLookup lookup();

 private:
  RosterStore& store_;
  const FeedConfig& feed_;
  const RowChecker& checker_;
  std::optional<std::set<std::string, std::less<>>> schools_;
};

}  // namespace rosterd
