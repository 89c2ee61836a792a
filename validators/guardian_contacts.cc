#include "validators/guardian_contacts.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"

namespace rosterd {
void check_guardian_contacts(std::vector<KindCheckResult>& kinds) {
  KindCheckResult* guardians = find_kind(kinds, EntityKind::guardians);
  if (guardians == nullptr) return;
  const EntityKindInfo& info = kind_info(EntityKind::guardians);
  const std::size_t id_field = *entity_field(info, "guardian_id");
  const std::size_t email_field = *entity_field(info, "email");
  const std::size_t phone_field = *entity_field(info, "phone");

  // Each guardian's students, from the accepted links.
  std::unordered_map<std::string, std::unordered_set<std::string>> students_of;
  if (const KindCheckResult* links = find_kind(kinds, EntityKind::guardian_links)) {
    const EntityKindInfo& li = kind_info(EntityKind::guardian_links);
    const std::size_t g = *entity_field(li, "guardian_id");
    const std::size_t st = *entity_field(li, "student_state_id");
    for (EntityTable::Index r = 0; r < links->rows.size(); ++r) {
      if (!links->rows.rejected(r))
        students_of[std::string(links->rows.get(r, g))].emplace(links->rows.get(r, st));
    }
  }
  const auto share_a_student = [&](const std::string& a, const std::string& b) {
    const auto ia = students_of.find(a);
    const auto ib = students_of.find(b);
    if (ia == students_of.end() || ib == students_of.end()) return false;
    return std::any_of(ia->second.begin(), ia->second.end(),
                       [&](const std::string& s) { return ib->second.contains(s); });
  };

  // The guardians seen with each email, in file order.
  std::unordered_map<std::string, std::vector<EntityTable::Index>> by_email;
  std::vector<Discrepancy> found;
  const EntityTable& t = guardians->rows;
  for (EntityTable::Index r = 0; r < t.size(); ++r) {
    if (t.rejected(r)) continue;
    const std::string id(t.get(r, id_field));
    const auto warn = [&](DiscrepancyCode code, std::optional<std::size_t> field, std::string value,
                          std::string detail) {
      Discrepancy d;
      d.line = t.line(r);
      d.code = code;
      d.student_id = id;
      d.value = std::move(value);
      d.detail = std::move(detail);
      d.kind = EntityKind::guardians;
      if (field) d.kind_field = static_cast<std::uint8_t>(*field);
      found.push_back(std::move(d));
    };
    const std::string_view email = t.get(r, email_field);
    if (email.empty() && t.get(r, phone_field).empty()) {
      warn(DiscrepancyCode::guardian_no_contact, std::nullopt, "", "");
      continue;
    }
    if (email.empty()) continue;
    std::vector<EntityTable::Index>& same = by_email[ascii_lower(email)];
    for (EntityTable::Index other : same) {
      const std::string other_id(t.get(other, id_field));
      if (other_id == id || share_a_student(id, other_id)) continue;
      warn(DiscrepancyCode::guardian_shared_email, email_field, std::string(email),
           "guardian " + other_id + " (line " + std::to_string(t.line(other)) + ")");
      break;
    }
    same.push_back(r);
  }
  if (found.empty()) return;
  guardians->discrepancies.insert(guardians->discrepancies.end(), found.begin(), found.end());
  std::stable_sort(guardians->discrepancies.begin(), guardians->discrepancies.end(),
                   [](const Discrepancy& a, const Discrepancy& b) { return a.line < b.line; });
  recount_rows_warned(*guardians);
}

}  // namespace rosterd
