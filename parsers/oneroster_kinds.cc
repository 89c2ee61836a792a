// OneRoster's other kinds (parsers/layout_kind_readers.h, read_oneroster).
#include <map>
#include <unordered_map>

#include "core/text.h"
#include "parsers/layout_kind_readers.h"

namespace rosterd::layout_kinds {
namespace {

using namespace set_reading;
using enum EntityKind;

struct Role {
  std::string role;
  std::string org;
};

// A user's roles: in 1.1 their one role (with all their orgs), in 1.2 roles.csv's rows, the
// primary ones first.
using Roles = std::unordered_map<std::string, std::vector<Role>, StringHash, std::equal_to<>>;

struct Link {
  std::string guardian;
  std::string student;
  std::uint32_t line = 0;
  bool broken = false;  // from a line that could not be split
  std::vector<Discrepancy> problems;
};

// Whether a status word means the row is gone (a bulk file may still list it so).
bool deleted(std::string_view status) {
  return iequals(trim(status), "tobedeleted");
}

std::string status_or_active(std::string_view status) {
  const std::string_view s = trim(status);
  return s.empty() ? std::string("active") : std::string(s);
}

// The dates of two rows of one enrollment: the earlier start and the later end, an empty one
// (open) winning; compared as days, however written.
void widen(std::string& start, std::string& end, const std::string& other_start,
           const std::string& other_end) {
  if (start.empty() || other_start.empty()) {
    start.clear();
  } else if (sortable_date(other_start) < sortable_date(start)) {
    start = other_start;
  }
  if (end.empty() || other_end.empty()) {
    end.clear();
  } else if (sortable_date(other_end) > sortable_date(end)) {
    end = other_end;
  }
}

class Reader {
 public:
  Reader(const RosterSet& set, const Reading& reading, bool v12, std::span<const EntityKind> kinds,
         std::vector<LayoutKindRows>& out)
      : set_(set),
        encoding_(reading.encoding),
        student_key_(reading.student_key),
        v12_(v12),
        kinds_(kinds),
        out_(out) {}

  void read() {
    read_manifest();
    if (wants(kinds_, enrollments) || wants(kinds_, guardian_links))
      keys_ = read_student_keys(set_.find("users.csv"), encoding_, "sourcedId", student_key_);
    if (wants(kinds_, staff) || wants(kinds_, courses)) read_org_types();
    if (wants(kinds_, staff) || wants(kinds_, guardians) || wants(kinds_, guardian_links))
      read_users();
    if (wants(kinds_, courses)) read_courses();
    if (wants(kinds_, terms)) read_terms();
    if (wants(kinds_, sections)) read_classes();
    if (wants(kinds_, enrollments)) read_enrollments();
  }

 private:
  void read_manifest() {
    const SetMember* manifest = set_.find("manifest.csv");
    if (manifest == nullptr) return;  // the students' reader refuses the set for it
    manifest_ = manifest->name;
    has_manifest_ = true;
    read_member(*manifest, encoding_, {{"propertyName", false}, {"value", false}},
                [&](const RawRow& r) {
                  properties_[ascii_lower(trim(r.extras[0]))] = ascii_lower(trim(r.extras[1]));
                });
  }

  // The member holding `kind`, when the set has it whole; otherwise the kind is refused and
  // null returned.
  const SetMember* whole(EntityKind kind) {
    LayoutKindRows& rows = entry(out_, kind);
    const SetMember* m = set_.find(rows.file.name);
    if (m == nullptr) {
      refuse_missing(rows, rows.file.name);
      return nullptr;
    }
    std::string base = ascii_lower(rows.file.name);
    base = "file." + base.substr(0, base.size() - 4);  // "users.csv" -> "file.users"
    const auto it = properties_.find(base);
    const std::string mode = it == properties_.end() ? std::string("absent") : it->second;
    if (has_manifest_ && mode != "bulk") {
      Discrepancy d;
      d.code = DiscrepancyCode::unreadable;
      d.detail = manifest_ + " says " + base + " is " + (mode.empty() ? "empty" : mode) +
                 ": the feed takes " + std::string(kind_info(kind).name) + " from " +
                 rows.file.name +
                 ", which must be bulk (every row, every time), or a row it leaves out would read "
                 "as gone. Ask for a bulk export, or take " +
                 std::string(kind_info(kind).name) + " out of the feed's kinds:";
      rows.rows.clear();
      rows.file.refusal = std::move(d);
      return nullptr;
    }
    return m;
  }

  template <typename OnRow>
  bool read(const SetMember& m, std::vector<ExtraColumn> columns,
            std::initializer_list<EntityKind> asked, OnRow on_row) {
    return read_for(m, encoding_, std::move(columns), asked, kinds_, out_, on_row);
  }

  void read_org_types() {
    if (const SetMember* orgs = set_.find("orgs.csv"))
      index_member(*orgs, encoding_, "sourcedId", "type", org_types_, {}, true);
  }

  void read_roles() {
    const SetMember* roles = set_.find("roles.csv");
    if (roles == nullptr) return;  // the students' reader refuses the set for it
    Roles secondary;
    read_member(*roles, encoding_,
                {{"userSourcedId", false},
                 {"roleType", true},
                 {"role", false},
                 {"orgSourcedId", true},
                 {"status", true}},
                [&](const RawRow& r) {
                  if (deleted(r.extras[4])) return;  // a role withdrawn
                  const std::string user(trim(r.extras[0]));
                  Role role{std::string(trim(r.extras[2])), std::string(trim(r.extras[3]))};
                  (iequals(trim(r.extras[1]), "primary") ? roles_ : secondary)[user].push_back(
                      std::move(role));
                });
    for (auto& [user, more] : secondary)
      roles_[user].insert(roles_[user].end(), more.begin(), more.end());
  }

  void read_users() {
    // A kind is read from users.csv only when the manifest has the file whole.
    std::vector<EntityKind> taken;
    const SetMember* users = nullptr;
    for (EntityKind k : {staff, guardians, guardian_links}) {
      if (!wants(kinds_, k)) continue;
      if (const SetMember* m = whole(k)) {
        users = m;
        taken.push_back(k);
      }
    }
    if (users == nullptr) return;
    const auto takes = [&](EntityKind k) {
      return std::find(taken.begin(), taken.end(), k) != taken.end();
    };
    if (v12_) read_roles();
    enum Col { kId, kStatus, kGiven, kFamily, kIdentifier, kEmail, kPhone, kAgents, kRole, kOrgs };
    std::vector<ExtraColumn> columns = {
        {"sourcedId", false}, {"status", true},
        {"givenName", true},  {"familyName", true},
        {"identifier", true}, {"email", true},
        {"phone", true},      {"agentSourcedIds", !takes(guardian_links)}};
    if (!v12_) {
      columns.push_back({"role", false});
      columns.push_back({"orgSourcedIds", true});
    }
    std::vector<Link> links;
    std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> guardian_role;
    const auto on_row = [&](const RawRow& r) {
      const std::string_view id = trim(r.extras[kId]);
      std::vector<Role> roles;
      if (v12_) {
        if (const auto it = roles_.find(id); it != roles_.end()) roles = it->second;
      } else {
        for (std::string_view org : items(r.extras[kOrgs]))
          roles.push_back({std::string(trim(r.extras[kRole])), std::string(org)});
        if (roles.empty()) roles.push_back({std::string(trim(r.extras[kRole])), {}});
      }
      std::string staff_role;
      std::vector<std::string_view> staff_orgs;
      std::string guardian;
      bool student = false;
      for (const Role& role : roles) {
        if (iequals(role.role, "student")) {
          student = true;
        } else if (is_guardian_role(role.role)) {
          if (guardian.empty()) guardian = role.role;
        } else {
          if (staff_role.empty()) staff_role = role.role;
          if (!role.org.empty()) staff_orgs.push_back(role.org);
        }
      }
      const auto person = [&](EntityKind k) {
        LayoutRow row = begin_row(k, r);
        set(row, k, "first_name", r.extras[kGiven]);
        set(row, k, "last_name", r.extras[kFamily]);
        set(row, k, "email", r.extras[kEmail]);
        set(row, k, "phone", r.extras[kPhone]);
        set(row, k, "status", status_or_active(r.extras[kStatus]));
        return row;
      };
      if (!staff_role.empty() && takes(staff)) {
        LayoutRow row = person(staff);
        set(row, staff, "staff_id", id);
        set(row, staff, "local_id", r.extras[kIdentifier]);
        set(row, staff, "role", staff_role);
        set(row, staff, "campus_ids", school_orgs(staff_orgs, org_types_));
        entry(out_, staff).rows.push_back(std::move(row));
      }
      if (!guardian.empty()) {
        guardian_role.emplace(std::string(id), guardian);
        if (takes(guardians)) {
          LayoutRow row = person(guardians);
          set(row, guardians, "guardian_id", id);
          entry(out_, guardians).rows.push_back(std::move(row));
        }
      }
      // A guardian's agents are their students; a student's, their guardians.
      if (takes(guardian_links) && !deleted(r.extras[kStatus]) && (student || !guardian.empty())) {
        for (std::string_view agent : items(r.extras[kAgents])) {
          Link l;
          l.guardian = std::string(guardian.empty() ? agent : id);
          l.student = std::string(keys_.of(guardian.empty() ? id : agent));
          l.line = r.line;
          l.broken = r.broken;
          if (r.broken) l.problems = r.problems;
          links.push_back(std::move(l));
        }
      }
    };
    if (!read(*users, std::move(columns), {staff, guardians, guardian_links}, on_row)) return;
    if (!takes(guardian_links)) return;
    DerivedRows pairs;
    std::stable_sort(links.begin(), links.end(),
                     [](const Link& a, const Link& b) { return a.line < b.line; });
    for (Link& l : links) {
      LayoutRow row;
      row.line = l.line;
      row.broken = l.broken;
      row.problems = std::move(l.problems);
      row.values.assign(kind_info(guardian_links).fields.size(), std::string());
      set(row, guardian_links, "guardian_id", l.guardian);
      set(row, guardian_links, "student_state_id", l.student);
      if (const auto it = guardian_role.find(l.guardian); it != guardian_role.end())
        set(row, guardian_links, "relationship", it->second);
      pairs.add(l.guardian + '\x1f' + l.student, std::move(row), entry(out_, guardian_links).rows);
    }
  }

  void read_courses() {
    const SetMember* m = whole(courses);
    if (m == nullptr) return;
    read(*m,
         {{"sourcedId", false},
          {"status", true},
          {"title", true},
          {"orgSourcedId", true},
          {"grades", true},
          {"subjects", true}},
         {courses}, [&](const RawRow& r) {
           if (deleted(r.extras[1])) return;
           LayoutRow row = begin_row(courses, r);
           set(row, courses, "course_code", r.extras[0]);
           set(row, courses, "name", r.extras[2]);
           // A course of the district (orgs.csv type district) has no school.
           const std::string_view org = trim(r.extras[3]);
           const auto type = org_types_.find(org);
           if (type == org_types_.end() || iequals(type->second.value, "school"))
             set(row, courses, "campus_id", org);
           set(row, courses, "grades", r.extras[4]);
           set(row, courses, "subject", r.extras[5]);
           entry(out_, courses).rows.push_back(std::move(row));
         });
  }

  void read_terms() {
    const SetMember* m = whole(terms);
    if (m == nullptr) return;
    read(*m,
         {{"sourcedId", false},
          {"status", true},
          {"title", true},
          {"startDate", true},
          {"endDate", true},
          {"parentSourcedId", true}},
         {terms}, [&](const RawRow& r) {
           if (deleted(r.extras[1])) return;
           LayoutRow row = begin_row(terms, r);
           set(row, terms, "term_id", r.extras[0]);
           set(row, terms, "name", r.extras[2]);
           set(row, terms, "start_date", r.extras[3]);
           set(row, terms, "end_date", r.extras[4]);
           set(row, terms, "parent_term_id", r.extras[5]);
           entry(out_, terms).rows.push_back(std::move(row));
         });
  }

  void read_classes() {
    const SetMember* m = whole(sections);
    if (m == nullptr) return;
    read(*m,
         {{"sourcedId", false},
          {"status", true},
          {"title", true},
          {"courseSourcedId", true},
          {"schoolSourcedId", true},
          {"termSourcedIds", true},
          {"periods", true}},
         {sections}, [&](const RawRow& r) {
           if (deleted(r.extras[1])) return;  // as courses and terms: no longer a class
           LayoutRow row = begin_row(sections, r);
           set(row, sections, "section_id", r.extras[0]);
           set(row, sections, "status", status_or_active(r.extras[1]));
           set(row, sections, "name", r.extras[2]);
           set(row, sections, "course_code", r.extras[3]);
           set(row, sections, "campus_id", r.extras[4]);
           set(row, sections, "term_id", first_item(r.extras[5]));
           set(row, sections, "period", r.extras[6]);
           entry(out_, sections).rows.push_back(std::move(row));
         });
  }

  void read_enrollments() {
    const SetMember* m = whole(enrollments);
    if (m == nullptr) return;
    LayoutKindRows& out = entry(out_, enrollments);
    std::unordered_map<std::string, std::size_t> at;  // class, user and role -> row
    read(*m,
         {{"classSourcedId", false},
          {"userSourcedId", false},
          {"role", true},
          {"status", true},
          {"beginDate", true},
          {"endDate", true}},
         {enrollments}, [&](const RawRow& r) {
           if (deleted(r.extras[3])) return;
           LayoutRow row = begin_row(enrollments, r);
           set(row, enrollments, "section_id", r.extras[0]);
           const std::string_view user = trim(r.extras[1]);
           set(row, enrollments, "person_id",
               iequals(trim(r.extras[2]), "student") ? keys_.of(user) : std::string(user));
           set(row, enrollments, "role", r.extras[2]);
           set(row, enrollments, "start_date", r.extras[4]);
           set(row, enrollments, "end_date", r.extras[5]);
           // A broken line of a person already listed makes their enrollment rejected (kept
           // as committed), never a duplicate of it.
           const std::string key = std::string(trim(r.extras[0])) + '\x1f' +
                                   std::string(trim(r.extras[1])) + '\x1f' +
                                   std::string(trim(r.extras[2]));
           const auto [it, fresh] = at.emplace(key, out.rows.size());
           if (!fresh) {
             LayoutRow& first = out.rows[it->second];
             if (row.broken) {
               first.broken = true;
             } else {
               const std::size_t start = *entity_field(kind_info(enrollments), "start_date");
               const std::size_t end = *entity_field(kind_info(enrollments), "end_date");
               widen(first.values[start], first.values[end], row.values[start], row.values[end]);
             }
             first.problems.insert(first.problems.end(), row.problems.begin(), row.problems.end());
             return;
           }
           out.rows.push_back(std::move(row));
         });
  }

  const RosterSet& set_;
  Encoding encoding_;
  std::string student_key_;
  StudentKeys keys_;
  bool v12_;
  std::span<const EntityKind> kinds_;
  std::vector<LayoutKindRows>& out_;
  std::map<std::string, std::string, std::less<>> properties_;
  std::string manifest_;
  bool has_manifest_ = false;
  RelatedIndex org_types_;
  Roles roles_;
};

}  // namespace

void read_oneroster(const RosterSet& set, const Reading& reading, bool v12,
                    std::span<const EntityKind> kinds, std::vector<LayoutKindRows>& out) {
  Reader(set, reading, v12, kinds, out).read();
}

}  // namespace rosterd::layout_kinds
