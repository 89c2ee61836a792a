// Which files of a drop are taken together. A feed whose layout is one file takes each file on
// its own; a feed whose layout is a set of files (OneRoster) takes a zip as one delivery, and
// gathers loose files named as the layout's files into the sets their names make:
// "users.csv", "orgs.csv", … are one set; "2026-12-04_users.csv", "2026-12-04_orgs.csv", …
// another. docs/drops.md "Sets of files".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/format_preset.h"
#include "transport/drop.h"

namespace rosterd {

// What a poll considers taking as one: a file, or a set of files.
struct DropDelivery {
  // A file's name; a set's prefix and members: "2026-12-04_{manifest.csv,orgs.csv,users.csv}".
  std::string name;
  std::string prefix;            // a set's, as its first file spells it
  std::vector<DropEntry> files;  // one, or the set's members, in the order of local_names
  // A set's members by the layout's names ("users.csv", however the drop spells the case).
  std::vector<std::string> local_names;
  bool is_set = false;
  // The files the layout needs that the set lacks ("manifest.csv"); a set is whole without.
  std::vector<std::string_view> missing;
  // Set when two files of the set are the same file of the layout ("users.csv", "USERS.csv"):
  // the set cannot be taken until one goes.
  std::string conflict;

  std::uint64_t size() const;  // the files' bytes together (at most UINT64_MAX)
  std::int64_t mtime() const;  // the newest file's
};

// Whether this version of a file (name, size, mtime) was taken before as a member of a set.
using TakenBefore = std::function<bool(const DropEntry&)>;

struct DropGrouping {
  std::vector<DropDelivery> deliveries;
  // Files of a set feed that are neither a zip nor a file of the layout, or (reads_alone) a
  // layout's other files without its roster file: never taken.
  std::vector<std::string> strangers;
};

// Gathers `candidates` (files matching the feed's pattern, markers left out) into deliveries.
// `set_layout` is the feed's preset when its layout is a set, else null (every file alone).
// A file is a member of a set when its name ends, case-insensitively, with one of the layout's
// file names (set_files, other_set_files) after a prefix that is empty or ends with a character
// other than a letter or digit; the longest such name wins ("classResources.csv" before
// "resources.csv"). Prefixes are compared without regard to case. A file `taken_before` (a
// member of a set taken earlier, still in the drop) is in no new set: a set is one night's
// files, never last night's orgs.csv with tonight's users.csv. A layout whose roster file is a
// whole delivery alone (reads_alone: Clever) takes a file of no layout name, and its roster
// file with none of the layout's other files, as one file, as a one-file layout does; its
// other files without the roster file are strangers (`taken_before` should then also say
// which roster files were taken alone, so that one is not taken again with files that came
// after it).
// Deliveries come oldest first (by mtime(), then name).
DropGrouping group_deliveries(const std::vector<DropEntry>& candidates,
                              const FormatPreset* set_layout, const TakenBefore& taken_before = {});

}  // namespace rosterd
