#include "core/entity_kind.h"

#include <array>

namespace rosterd {
namespace {

using enum ValueType;

constexpr EntityField kStaff[] = {
    {"staff_id", "StaffID", id, true, Referent::none},
    {"local_id", "LocalID", id, false, Referent::none},
    {"first_name", "FirstName", text, true, Referent::none},
    {"last_name", "LastName", text, true, Referent::none},
    {"email", "Email", email, false, Referent::none},
    {"phone", "Phone", phone, false, Referent::none},
    {"role", "Role", code, true, Referent::none},
    {"campus_ids", "CampusIDs", code_list, true, Referent::schools},
    {"status", "Status", ValueType::status, true, Referent::none},
};
constexpr std::size_t kStaffKey[] = {0};

constexpr EntityField kCourses[] = {
    {"course_code", "CourseCode", id, true, Referent::none},
    {"name", "Name", text, true, Referent::none},
    {"campus_id", "CampusID", code, false, Referent::schools},
    {"grades", "Grades", code_list, false, Referent::none},
    {"subject", "Subject", text, false, Referent::none},
};
constexpr std::size_t kCoursesKey[] = {0};

constexpr EntityField kTerms[] = {
    {"term_id", "TermID", id, true, Referent::none},
    {"name", "Name", text, true, Referent::none},
    {"start_date", "StartDate", date, true, Referent::none},
    {"end_date", "EndDate", date, true, Referent::none},
    {"parent_term_id", "ParentTermID", id, false, Referent::terms},
};
constexpr std::size_t kTermsKey[] = {0};

constexpr EntityField kSections[] = {
    {"section_id", "SectionID", id, true, Referent::none},
    {"campus_id", "CampusID", code, true, Referent::schools},
    {"course_code", "CourseCode", id, true, Referent::courses},
    {"term_id", "TermID", id, true, Referent::terms},
    {"name", "Name", text, true, Referent::none},
    {"period", "Period", text, false, Referent::none},
    {"teacher_ids", "TeacherIDs", id_list, false, Referent::staff},
    {"status", "Status", ValueType::status, true, Referent::none},
    // The platform's courses the section's course is matched to (validators/course_match.h).
    {"platform_courses", "", code_list, false, Referent::none, true, 1},
};
constexpr std::size_t kSectionsKey[] = {0};

constexpr EntityField kEnrollments[] = {
    {"section_id", "SectionID", id, true, Referent::sections},
    {"person_id", "PersonID", id, true, Referent::people},
    {"role", "Role", code, true, Referent::none},
    {"start_date", "StartDate", date, false, Referent::none},
    {"end_date", "EndDate", date, false, Referent::none},
};
constexpr std::size_t kEnrollmentsKey[] = {0, 1, 2};

constexpr EntityField kGuardians[] = {
    {"guardian_id", "GuardianID", id, true, Referent::none},
    {"first_name", "FirstName", text, true, Referent::none},
    {"last_name", "LastName", text, true, Referent::none},
    {"email", "Email", email, false, Referent::none},
    {"phone", "Phone", phone, false, Referent::none},
    {"status", "Status", ValueType::status, true, Referent::none},
};
constexpr std::size_t kGuardiansKey[] = {0};

constexpr EntityField kGuardianLinks[] = {
    {"guardian_id", "GuardianID", id, true, Referent::guardians},
    {"student_state_id", "StudentStateID", id, true, Referent::students},
    {"relationship", "Relationship", code, false, Referent::none},
    {"primary", "Primary", flag, false, Referent::none},
    {"receives_mail", "ReceivesMail", flag, false, Referent::none},
};
constexpr std::size_t kGuardianLinksKey[] = {0, 1};

constexpr std::array<EntityKindInfo, kEntityKindCount> kKinds = {{
    {EntityKind::staff, "staff", "staff.txt", kStaff, kStaffKey, "staff member"},
    {EntityKind::courses, "courses", "courses.txt", kCourses, kCoursesKey, "course"},
    {EntityKind::terms, "terms", "terms.txt", kTerms, kTermsKey, "term"},
    {EntityKind::sections, "sections", "sections.txt", kSections, kSectionsKey, "section"},
    {EntityKind::enrollments, "enrollments", "enrollments.txt", kEnrollments, kEnrollmentsKey,
     "enrollment"},
    {EntityKind::guardians, "guardians", "guardians.txt", kGuardians, kGuardiansKey, "guardian"},
    {EntityKind::guardian_links, "guardian_links", "guardian_links.txt", kGuardianLinks,
     kGuardianLinksKey, "guardian link"},
}};

}  // namespace

std::span<const EntityKindInfo> all_entity_kinds() {
  return kKinds;
}

const EntityKindInfo& kind_info(EntityKind kind) {
  return kKinds[static_cast<std::size_t>(kind)];
}

std::optional<EntityKind> entity_kind_from_name(std::string_view name) {
  for (const EntityKindInfo& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

bool is_personal(const EntityField& field) {
  return field.type == ValueType::email || field.type == ValueType::phone ||
         field.name == "first_name" || field.name == "last_name";
}

std::optional<std::size_t> entity_field(const EntityKindInfo& kind, std::string_view name) {
  for (std::size_t i = 0; i < kind.fields.size(); ++i) {
    if (kind.fields[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace rosterd
