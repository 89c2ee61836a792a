// What the set fuzz targets share: an input cut into a set's files, and the contract a set's
// check keeps whatever the files hold.
#pragma once

#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "parsers/format_preset.h"
#include "validators/roster_check.h"

namespace rosterd::fuzz {

// A feed of the preset `preset`, with the reference tables `reference` (none by default),
// checking as of a fixed day.
struct SetHarness {
  explicit SetHarness(std::string_view preset, ReferenceSet tables = {})
      : format(find_format_preset(preset)->format), reference(std::move(tables)) {}
  RosterFormat format;
  CheckOptions options;
  ReferenceSet reference;
  RowChecker checker{format, options, reference, CivilDate{2026, 11, 23}};
};

// A committed roster a delta is completed from: every ID starting with 'c' is on it, at
// school "o1".
inline CommittedLookup committed_roster() {
  CommittedLookup c;
  c.student = [](std::string_view id) -> std::optional<std::vector<std::string>> {
    if (id.empty() || id[0] != 'c') return std::nullopt;
    std::vector<std::string> v(kFieldCount);
    v[field_index(Field::state_id)] = std::string(id);
    v[field_index(Field::first_name)] = "Ana";
    v[field_index(Field::last_name)] = "Ruiz";
    v[field_index(Field::birth_date)] = "2015-01-31";
    v[field_index(Field::grade)] = "05";
    v[field_index(Field::campus)] = "o1";
    v[field_index(Field::status)] = "A";
    return v;
  };
  c.known_school = [](std::string_view org) { return org == "o1"; };
  return c;
}

// The input cut at 0xFF bytes into the files `names`, in order; fewer pieces than names is a
// set missing its last files.
inline RosterSet cut_into_set(std::string_view input, std::initializer_list<const char*> names) {
  RosterSet set;
  set.name = "fuzz";
  std::size_t start = 0;
  for (const char* name : names) {
    if (start > input.size()) break;
    std::size_t end = input.find('\xFF', start);
    if (end == std::string_view::npos) end = input.size();
    set.members.push_back({name, {}, std::string(input.substr(start, end - start))});
    start = end + 1;
  }
  return set;
}

// A refused set keeps no student and no row's discrepancy; otherwise rows are counted once, no
// state ID is accepted twice (a student repeated once a contact is kept once) and
// discrepancies come in line order. Aborts (a finding) when not.
inline void check_set_contract(const CheckResult& r) {
  if (r.refused()) {
    if (!r.students.empty() || !r.discrepancies.empty()) std::abort();
    return;
  }
  if (r.counts.rows_rejected + r.counts.rows_warned > r.counts.rows_read) std::abort();
  if (r.students.size() > r.counts.rows_read) std::abort();
  std::unordered_set<std::string_view> accepted;
  for (StudentTable::Index i = 0; i < r.students.size(); ++i)
    if (!r.students.rejected(i) && !accepted.insert(r.students.get(i, Field::state_id)).second)
      std::abort();
  for (std::size_t i = 1; i < r.discrepancies.size(); ++i)
    if (r.discrepancies[i].line < r.discrepancies[i - 1].line) std::abort();
}

}  // namespace rosterd::fuzz
