// School Data Sync v2.1's other kinds (parsers/layout_kind_readers.h, read_sds).
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
#include "parsers/layout_kind_readers.h"

namespace rosterd::layout_kinds {
namespace {

using namespace set_reading;
using enum EntityKind;

struct StaffRoles {
  std::string role;  // the primary one, else the first
  std::vector<std::string> orgs;
};

class Reader {
 public:
  Reader(const RosterSet& set, const Reading& reading, std::span<const EntityKind> kinds,
         std::vector<LayoutKindRows>& out)
      : set_(set), encoding_(reading.encoding), kinds_(kinds), out_(out) {
    if (wants(kinds_, enrollments) || wants(kinds_, guardian_links))
      keys_ =
          read_student_keys(set_.find("users.csv"), encoding_, "sourcedId", reading.student_key);
  }

  void read() {
    if (wants(kinds_, staff) || wants(kinds_, courses)) {
      if (const SetMember* orgs = set_.find("orgs.csv"))
        index_member(*orgs, encoding_, "sourcedId", "type", org_types_, {}, true);
    }
    if (wants(kinds_, staff)) read_roles();
    if (wants(kinds_, guardians) || wants(kinds_, guardian_links)) read_relationships();
    if (wants(kinds_, staff) || wants(kinds_, guardians)) read_users();
    if (wants(kinds_, courses)) read_courses();
    if (wants(kinds_, terms)) read_terms();
    if (wants(kinds_, sections)) read_classes();
    if (wants(kinds_, enrollments)) read_enrollments();
  }

 private:
  const SetMember* member(EntityKind kind) {
    LayoutKindRows& rows = entry(out_, kind);
    const SetMember* m = set_.find(rows.file.name);
    if (m == nullptr) refuse_missing(rows, rows.file.name);
    return m;
  }

  template <typename OnRow>
  bool read(const SetMember& m, std::vector<ExtraColumn> columns,
            std::initializer_list<EntityKind> asked, OnRow on_row) {
    return read_for(m, encoding_, std::move(columns), asked, kinds_, out_, on_row);
  }

  void read_roles() {
    const SetMember* roles = set_.find("roles.csv");
    if (roles == nullptr) return;  // the students' reader refuses the set for it
    read_member(
        *roles, encoding_,
        {{"userSourcedId", false}, {"orgSourcedId", true}, {"role", false}, {"isPrimary", true}},
        [&](const RawRow& r) {
          const std::string_view role = trim(r.extras[2]);
          if (role.empty() || iequals(role, "student") || is_guardian_role(role)) return;
          StaffRoles& s = staff_[std::string(trim(r.extras[0]))];
          if (s.role.empty() || iequals(trim(r.extras[3]), "true")) s.role = std::string(role);
          if (!trim(r.extras[1]).empty()) s.orgs.emplace_back(trim(r.extras[1]));
        });
  }

  // relationships.csv: the guardian links, and which users are guardians. Without it (or with
  // it refused) neither kind can be told: both are refused.
  void read_relationships() {
    const SetMember* m = set_.find("relationships.csv");
    const std::initializer_list<EntityKind> both = {guardians, guardian_links};
    if (m == nullptr) {
      for (EntityKind k : both)
        if (wants(kinds_, k)) refuse_missing(entry(out_, k), "relationships.csv");
      return;
    }
    const FileSummary s =
        read_member(*m, encoding_,
                    {{"userSourcedId", false},
                     {"relationshipUserSourcedId", false},
                     {"relationshipRole", true}},
                    [&](const RawRow& r) {
                      guardian_ids_.emplace(trim(r.extras[1]));
                      if (!wants(kinds_, guardian_links)) return;
                      LayoutRow row = begin_row(guardian_links, r);
                      set(row, guardian_links, "guardian_id", r.extras[1]);
                      set(row, guardian_links, "student_state_id", keys_.of(trim(r.extras[0])));
                      set(row, guardian_links, "relationship", r.extras[2]);
                      entry(out_, guardian_links).rows.push_back(std::move(row));
                    });
    if (s.refusal) {
      for (EntityKind k : both)
        if (wants(kinds_, k)) refuse_member(entry(out_, k), s, m->name);
    } else if (wants(kinds_, guardian_links)) {
      entry(out_, guardian_links).file = s;
      entry(out_, guardian_links).file.name = m->name;
    }
  }

  void read_users() {
    const SetMember* users = nullptr;
    for (EntityKind k : {staff, guardians}) {
      if (!wants(kinds_, k) || entry(out_, k).file.refusal) continue;
      if (const SetMember* m = member(k)) users = m;
    }
    if (users == nullptr) return;
    read(*users,
         {{"sourcedId", false},
          {"givenName", true},
          {"familyName", true},
          {"email", true},
          {"phone", true}},
         {staff, guardians}, [&](const RawRow& r) {
           const std::string_view id = trim(r.extras[0]);
           const auto person = [&](EntityKind k) {
             LayoutRow row = begin_row(k, r);
             set(row, k, "first_name", r.extras[1]);
             set(row, k, "last_name", r.extras[2]);
             set(row, k, "email", r.extras[3]);
             set(row, k, "phone", r.extras[4]);
             set(row, k, "status", "active");
             return row;
           };
           if (const auto it = staff_.find(std::string(id));
               it != staff_.end() && wants(kinds_, staff) && !entry(out_, staff).file.refusal) {
             LayoutRow row = person(staff);
             set(row, staff, "staff_id", id);
             set(row, staff, "role", it->second.role);
             std::vector<std::string_view> orgs(it->second.orgs.begin(), it->second.orgs.end());
             set(row, staff, "campus_ids", school_orgs(orgs, org_types_));
             entry(out_, staff).rows.push_back(std::move(row));
           }
           if (guardian_ids_.contains(std::string(id)) && wants(kinds_, guardians) &&
               !entry(out_, guardians).file.refusal) {
             LayoutRow row = person(guardians);
             set(row, guardians, "guardian_id", id);
             entry(out_, guardians).rows.push_back(std::move(row));
           }
         });
  }

  void read_courses() {
    const SetMember* m = member(courses);
    if (m == nullptr) return;
    read(*m,
         {{"sourcedId", false},
          {"orgSourcedId", true},
          {"title", true},
          {"grade", true},
          {"subject", true}},
         {courses}, [&](const RawRow& r) {
           LayoutRow row = begin_row(courses, r);
           set(row, courses, "course_code", r.extras[0]);
           const std::string_view org = trim(r.extras[1]);
           const auto type = org_types_.find(org);
           if (type == org_types_.end() || iequals(type->second.value, "school"))
             set(row, courses, "campus_id", org);
           set(row, courses, "name", r.extras[2]);
           set(row, courses, "grades", r.extras[3]);
           set(row, courses, "subject", r.extras[4]);
           entry(out_, courses).rows.push_back(std::move(row));
         });
  }

  void read_terms() {
    const SetMember* m = member(terms);
    if (m == nullptr) return;
    read(*m, {{"sourcedId", false}, {"title", true}, {"startDate", true}, {"endDate", true}},
         {terms}, [&](const RawRow& r) {
           LayoutRow row = begin_row(terms, r);
           set(row, terms, "term_id", r.extras[0]);
           set(row, terms, "name", r.extras[1]);
           set(row, terms, "start_date", r.extras[2]);
           set(row, terms, "end_date", r.extras[3]);
           entry(out_, terms).rows.push_back(std::move(row));
         });
  }

  void read_classes() {
    const SetMember* m = member(sections);
    if (m == nullptr) return;
    read(*m,
         {{"sourcedId", false},
          {"orgSourcedId", true},
          {"title", true},
          {"sessionSourcedIds", true},
          {"courseSourcedId", true}},
         {sections}, [&](const RawRow& r) {
           LayoutRow row = begin_row(sections, r);
           set(row, sections, "section_id", r.extras[0]);
           set(row, sections, "campus_id", r.extras[1]);
           set(row, sections, "name", r.extras[2]);
           set(row, sections, "term_id", first_item(r.extras[3]));
           set(row, sections, "course_code", r.extras[4]);
           set(row, sections, "status", "active");
           entry(out_, sections).rows.push_back(std::move(row));
         });
  }

  void read_enrollments() {
    const SetMember* m = member(enrollments);
    if (m == nullptr) return;
    read(*m, {{"classSourcedId", false}, {"userSourcedId", false}, {"role", true}}, {enrollments},
         [&](const RawRow& r) {
           LayoutRow row = begin_row(enrollments, r);
           set(row, enrollments, "section_id", r.extras[0]);
           const std::string_view user = trim(r.extras[1]);
           set(row, enrollments, "person_id",
               iequals(trim(r.extras[2]), "student") ? keys_.of(user) : std::string(user));
           set(row, enrollments, "role", r.extras[2]);
           entry(out_, enrollments).rows.push_back(std::move(row));
         });
  }

  const RosterSet& set_;
  Encoding encoding_;
  std::span<const EntityKind> kinds_;
  std::vector<LayoutKindRows>& out_;
  StudentKeys keys_;
  RelatedIndex org_types_;
  std::unordered_map<std::string, StaffRoles> staff_;
  std::unordered_set<std::string> guardian_ids_;
};

}  // namespace

void read_sds(const RosterSet& set, const Reading& reading, std::span<const EntityKind> kinds,
              std::vector<LayoutKindRows>& out) {
  Reader(set, reading, kinds, out).read();
}

}  // namespace rosterd::layout_kinds
