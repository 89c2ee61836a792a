#include "config/reference_section.h"

#include "config/config_values.h"
#include "core/error.h"
#include "parsers/format_preset.h"
#include "validators/preset_grades.h"

namespace rosterd {
namespace {

std::optional<CodeTranslator> parse_reference_kind(const YamlNode& n, const std::string& kind,
                                                   const std::filesystem::path& base) {
  if (n.is_null()) return std::nullopt;
  n.expect_keys({"table", "map"});
  if (n["table"].is_null()) n.fail("needs a `table:` (the platform's Code|Name file).");
  try {
    ReferenceTable table = ReferenceTable::load(resolve(base, n["table"].as_string()));
    std::optional<CodeMap> map;
    if (!n["map"].is_null()) map = CodeMap::load(resolve(base, n["map"].as_string()));
    return CodeTranslator(kind, std::move(table), std::move(map));
  } catch (const ConfigError& e) {
    n.fail(e.what());
  }
}

std::optional<CourseMatch> parse_courses(const YamlNode& n, const std::filesystem::path& base) {
  if (n.is_null()) return std::nullopt;
  n.expect_keys({"table", "map"});
  if (n["table"].is_null()) n.fail("needs a `table:` (the platform's courses, Code|Name).");
  try {
    std::optional<std::filesystem::path> map;
    if (!n["map"].is_null()) map = resolve(base, n["map"].as_string());
    return CourseMatch::load(resolve(base, n["table"].as_string()), map);
  } catch (const ConfigError& e) {
    n.fail(e.what());
  }
}

}  // namespace

ReferenceSet parse_reference(const YamlNode& n, std::string_view preset,
                             const std::filesystem::path& base) {
  n.expect_keys({"grades", "campuses", "diagnoses", "staff_roles", "courses"});
  ReferenceSet r;
  r.grades = parse_reference_kind(n["grades"], "grade", base);
  r.campuses = parse_reference_kind(n["campuses"], "campus", base);
  r.diagnoses = parse_reference_kind(n["diagnoses"], "diagnosis", base);
  r.staff_roles = parse_reference_kind(n["staff_roles"], "staff role", base);
  r.courses = parse_courses(n["courses"], base);
  if (const FormatPreset* p = find_format_preset(preset);
      p != nullptr && !p->grades.empty() && r.grades) {
    // The preset's grade words join the feed's own grade map (which wins).
    const CodeTranslator& grades = *r.grades;
    CodeTranslator joined(grades.kind(), grades.table(),
                          grade_map_with_words(p->grades, grades.table(), grades.map()));
    r.grades = std::move(joined);
  }
  return r;
}

void check_reference_kinds(const YamlNode& n, const ReferenceSet& reference,
                           const RosterKinds& kinds) {
  if (reference.staff_roles && kinds.find(EntityKind::staff) == nullptr &&
      kinds.find(EntityKind::enrollments) == nullptr) {
    n["staff_roles"].fail(
        "checks staff members' and enrollments' roles, but the feed takes neither staff nor "
        "enrollments (kinds:). Add them, or remove the table.");
  }
  if (reference.courses && kinds.find(EntityKind::sections) == nullptr) {
    n["courses"].fail(
        "matches sections' courses, but the feed takes no sections (kinds:). Add sections, or "
        "remove the table.");
  }
}

}  // namespace rosterd
