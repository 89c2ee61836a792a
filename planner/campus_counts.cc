#include "planner/campus_counts.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "core/text.h"

namespace rosterd {

std::vector<CampusCounts> campus_counts(const CheckResult& check, const Plan* plan) {
  // A district has tens of campuses and a file a million rows: each row's campus is found by
  // its hash; the few campuses are sorted once, at the end.
  std::unordered_map<std::string, CampusCounts, StringHash, std::equal_to<>> by;
  const auto at = [&](std::string_view campus) -> CampusCounts& {
    auto it = by.find(campus);
    if (it == by.end())
      it = by.emplace(std::string(campus), CampusCounts{std::string(campus)}).first;
    return it->second;
  };
  // Each row's campus as the rows were counted: a change whose values are a row of the file
  // finds it there, without hashing the campus again (a first load has a change a row). A
  // map's elements stay where they are as it grows.
  std::vector<CampusCounts*> row_campus;
  // The lines warned, and only warned: a row is warned once, however many warnings it has,
  // and only when it has no error (discrepancies are sorted by line: one pass over each
  // line's group).
  std::vector<std::uint32_t> warned_lines;
  const auto& ds = check.discrepancies;
  for (std::size_t i = 0; i < ds.size();) {
    const std::uint32_t line = ds[i].line;
    bool error = false, warning = false;
    for (; i < ds.size() && ds[i].line == line; ++i)
      (ds[i].severity() == Severity::error ? error : warning) = true;
    if (warning && !error) warned_lines.push_back(line);
  }
  const StudentTable& t = check.students;
  if (plan != nullptr) row_campus.resize(t.size());
  for (StudentTable::Index i = 0; i < t.size(); ++i) {
    CampusCounts& c = at(t.get(i, Field::campus));
    if (plan != nullptr) row_campus[i] = &c;
    ++c.rows;
    if (t.rejected(i)) ++c.rejected;
    if (!warned_lines.empty() &&
        std::binary_search(warned_lines.begin(), warned_lines.end(), t.line(i)))
      ++c.warned;
  }
  if (plan != nullptr) {
    const std::size_t campus = field_index(Field::campus);
    const auto after = [&](const Change& c) -> CampusCounts& {
      return c.owned_after == nullptr && c.after_table == &t ? *row_campus[c.after_row]
                                                             : at(c.after(campus));
    };
    for (const Change& c : plan->changes) {
      switch (c.kind) {
        case ChangeKind::added:
          ++after(c).added;
          break;
        case ChangeKind::deactivated: {
          CampusCounts& k = c.before ? at((*c.before)[campus]) : after(c);
          if (c.left_scope) {
            ++k.left_scope;
          } else {
            ++k.deactivated;
            if (c.line == 0) ++k.withdrawn;
          }
          break;
        }
        case ChangeKind::removed:
          break;  // an opt-out: no values are kept
        default:
          ++after(c).updated;
          break;
      }
    }
    for (const IdentityAlert& a : plan->alerts) {
      if (a.row.size() == kFieldCount) ++at(a.row[field_index(Field::campus)]).alerts;
    }
  }
  std::vector<CampusCounts> out;
  out.reserve(by.size());
  for (auto& [code, c] : by)
    out.push_back(std::move(c));
  std::sort(out.begin(), out.end(),
            [](const CampusCounts& a, const CampusCounts& b) { return a.campus < b.campus; });
  return out;
}

}  // namespace rosterd
