// The kinds of a roster beside students (docs/whole-roster.md): staff, the courses and terms
// sections refer to, sections, enrollments, guardians and their links to students. Each is
// described by data — its fields, key, value types and references — and one generic path reads,
// checks, plans and stores every kind from that description; students keep their own tuned path
// (core/field.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace rosterd {

// Stable: names appear in the configuration, reports, the store and the JSON.
enum class EntityKind : std::uint8_t {
  staff,
  courses,
  terms,
  sections,
  enrollments,
  guardians,
  guardian_links,
};

inline constexpr std::size_t kEntityKindCount = 7;

// How a field's values are read and checked.
enum class ValueType : std::uint8_t {
  id,         // an identifier: a key, or a reference to one
  id_list,    // identifiers separated by the feed's list separator (a section's teachers)
  text,       // a name or a title, as the district writes it
  date,       // the feed's date format; kept as ISO 8601
  email,      // validators/contact_format.h
  phone,      // validators/contact_format.h
  code,       // a district code mapped to the platform's (a staff role, a course)
  code_list,  // codes separated by the list separator (a course's grades, a teacher's schools)
  status,     // the feed's active and inactive words
  flag,       // yes or no (Y/N, true/false, 1/0)
};

// What a reference names: a row of another kind of the same set, a student, or a school (the
// platform's campus codes, through the feed's campus map).
enum class Referent : std::uint8_t {
  none,
  students,
  schools,
  staff,
  courses,
  terms,
  sections,
  guardians,
  people,  // a student or a staff member (an enrollment's person, by its role)
};

struct EntityField {
  std::string_view name;            // snake_case: the config's columns key, reports, JSON
  std::string_view default_header;  // the default layout's column header
  ValueType type = ValueType::text;
  bool required = false;
  Referent refers_to = Referent::none;
  // Not read from a file: the check fills it from the feed's configuration (a section's
  // platform courses, from reference.courses). Never required, never in a layout's columns.
  bool derived = false;
  // The store's schema step that added the field's column (store/committed_entities.h): 0 for
  // the kinds' first tables. A field added later is appended to its kind's fields.
  std::uint8_t schema_step = 0;
};

struct EntityKindInfo {
  EntityKind kind;
  std::string_view name;          // "staff", "guardian_links": config keys, reports, tables
  std::string_view default_file;  // the default layout's file in a set ("staff.txt")
  std::span<const EntityField> fields;
  // The fields whose values together identify a row (indexes into `fields`); each is
  // required. Two rows of a file with the same key are a duplicate.
  std::span<const std::size_t> key;
  // One row in a district's words ("staff member", "section"): how messages name it.
  std::string_view record;
};

// Every kind, in EntityKind order: a set is read and checked in this order, so that each
// kind's references are to kinds read before it (a section's course and term, an enrollment's
// section), the guardians before their links.
std::span<const EntityKindInfo> all_entity_kinds();
const EntityKindInfo& kind_info(EntityKind kind);

// The inverse of EntityKindInfo::name; nullopt for a name that is no kind.
std::optional<EntityKind> entity_kind_from_name(std::string_view name);

// Whether a field's value is personal data (a name, an email, a phone): withheld from a
// district's mail at report.pii minimal, as students' names and birth dates are.
bool is_personal(const EntityField& field);

// The index of the kind's field called `name`; nullopt when it has none.
std::optional<std::size_t> entity_field(const EntityKindInfo& kind, std::string_view name);

}  // namespace rosterd
