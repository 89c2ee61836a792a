#include "tests/support/memory_roster.h"

#include "core/identity_key.h"
#include "planner/student_digest.h"

namespace rosterd::testing {

void MemoryRoster::for_each_digest(const std::function<void(const Entry&)>& visit) {
  for (const auto& [id, v] : students) {
    visit(Entry{id, student_digest(values_view(v)), v[field_index(Field::status)] == "A",
                identity_key(v[field_index(Field::last_name)], v[field_index(Field::birth_date)])});
  }
}

std::vector<std::pair<std::string, std::vector<std::string>>> MemoryRoster::fetch(
    const std::vector<std::string>& ids) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& id : ids) {
    if (auto it = students.find(id); it != students.end()) out.emplace_back(id, it->second);
  }
  return out;
}

void MemoryRoster::apply(const Plan& plan) {
  for (const Change& c : plan.changes) {
    if (c.kind == ChangeKind::rekeyed && c.before)
      students.erase((*c.before)[field_index(Field::state_id)]);
    students[c.state_id] = c.after_strings();
  }
}

}  // namespace rosterd::testing
