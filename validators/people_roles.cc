#include "validators/people_roles.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "core/text.h"

namespace rosterd {
namespace {

// Lower case, runs of spaces as one.
std::string folded(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

// A row's person key: its parts joined by a unit separator; empty when a part is missing.
std::string person_key(const EntityTable& t, EntityTable::Index r, EntityKind kind,
                       const PersonKey& key) {
  const EntityKindInfo& info = kind_info(kind);
  const auto get = [&](std::string_view field) { return t.get(r, *entity_field(info, field)); };
  std::string out;
  const auto part = [&](std::string v) {
    if (v.empty()) return false;
    out += v;
    out += '\x1f';
    return true;
  };
  if (key.id && !part(std::string(get(kind == EntityKind::staff ? "staff_id" : "guardian_id"))))
    return {};
  if (key.email && !part(ascii_lower(get("email")))) return {};
  if (key.name) {
    const std::string first = folded(get("first_name"));
    const std::string last = folded(get("last_name"));
    if (first.empty() || last.empty() || !part(first + ' ' + last)) return {};
  }
  if (key.phone && !part(std::string(get("phone")))) return {};
  return out;
}

std::string key_words(const PersonKey& key) {
  std::string s;
  for (const auto& [on, word] : {std::pair{key.id, "ID"}, std::pair{key.email, "email"},
                                 std::pair{key.name, "name"}, std::pair{key.phone, "phone"}}) {
    if (on) s += (s.empty() ? "" : ", ") + std::string(word);
  }
  return s;
}

}  // namespace

void check_people_in_two_roles(std::vector<KindCheckResult>& kinds, const PersonKey& key) {
  KindCheckResult* staff = find_kind(kinds, EntityKind::staff);
  KindCheckResult* guardians = find_kind(kinds, EntityKind::guardians);
  if (staff == nullptr || guardians == nullptr || key.empty()) return;
  std::unordered_map<std::string, EntityTable::Index> staff_by_key;
  for (EntityTable::Index r = 0; r < staff->rows.size(); ++r) {
    if (staff->rows.rejected(r)) continue;
    std::string k = person_key(staff->rows, r, EntityKind::staff, key);
    if (!k.empty()) staff_by_key.try_emplace(std::move(k), r);
  }
  if (staff_by_key.empty()) return;
  const std::size_t staff_id = *entity_field(kind_info(EntityKind::staff), "staff_id");
  const std::size_t guardian_id = *entity_field(kind_info(EntityKind::guardians), "guardian_id");
  bool found = false;
  const EntityTable& g = guardians->rows;
  for (EntityTable::Index r = 0; r < g.size(); ++r) {
    if (g.rejected(r)) continue;
    const auto it = staff_by_key.find(person_key(g, r, EntityKind::guardians, key));
    if (it == staff_by_key.end()) continue;
    Discrepancy d;
    d.line = g.line(r);
    d.code = DiscrepancyCode::person_in_two_roles;
    d.kind = EntityKind::guardians;
    d.student_id = std::string(g.get(r, guardian_id));
    d.value = std::string(staff->rows.get(it->second, staff_id));
    d.detail = "staff member " + d.value + " (line " +
               std::to_string(staff->rows.line(it->second)) + " of " + staff->file.name +
               "): their " + key_words(key) + " agree";
    guardians->discrepancies.push_back(std::move(d));
    found = true;
  }
  if (!found) return;
  std::stable_sort(guardians->discrepancies.begin(), guardians->discrepancies.end(),
                   [](const Discrepancy& a, const Discrepancy& b) { return a.line < b.line; });
  recount_rows_warned(*guardians);
}

}  // namespace rosterd
