#include "config/safeguard_section.h"

#include <algorithm>
#include <string>

#include "core/entity_kind.h"
#include "core/field.h"

namespace rosterd {

void parse_policy(const YamlNode& n, Policy& p) {
  n.expect_keys({"commit", "on_trip", "max_deactivate_pct", "max_row_drop_pct", "max_reject_pct",
                 "max_update_pct", "max_field_change_pct", "staff", "courses", "terms", "sections",
                 "enrollments", "guardians", "guardian_links"});
  for (const EntityKindInfo& k : all_entity_kinds()) {
    // A kind's own limits (`policy.enrollments.max_deactivate_pct`); the students' otherwise.
    const YamlNode own = n[k.name];
    if (own.is_null()) continue;
    if (!own.is_map()) own.fail("must be a mapping: {max_deactivate_pct: 10, max_reject_pct: 5}.");
    own.expect_keys({"max_deactivate_pct", "max_reject_pct", "max_update_pct"});
    KindPolicy& kp = p.kinds[static_cast<std::size_t>(k.kind)];
    if (!own["max_deactivate_pct"].is_null())
      kp.max_deactivate_pct = own["max_deactivate_pct"].as_number_in(0, 100, "a percentage");
    if (!own["max_reject_pct"].is_null())
      kp.max_reject_pct = own["max_reject_pct"].as_number_in(0, 100, "a percentage");
    if (!own["max_update_pct"].is_null())
      kp.max_update_pct = own["max_update_pct"].as_number_in(0, 100, "a percentage");
  }
  if (!n["commit"].is_null()) {
    p.commit = n["commit"].as_choice({"auto", "manual"}) == "manual" ? CommitMode::manual
                                                                     : CommitMode::automatic;
  }
  if (!n["on_trip"].is_null()) {
    p.on_trip = n["on_trip"].as_choice({"hold", "hold_unsafe"}) == "hold_unsafe"
                    ? OnTrip::hold_unsafe
                    : OnTrip::hold;
  }
  const auto pct = [&](const char* key, double& out) {
    if (!n[key].is_null()) out = n[key].as_number_in(0, 100, "a percentage");
  };
  pct("max_deactivate_pct", p.max_deactivate_pct);
  pct("max_row_drop_pct", p.max_row_drop_pct);
  pct("max_reject_pct", p.max_reject_pct);
  pct("max_update_pct", p.max_update_pct);
  const YamlNode fields = n["max_field_change_pct"];
  if (!fields.is_null()) {
    if (!fields.is_map())
      fields.fail("must map field names to percentages: {birth_date: 2, last_name: 10}.");
    for (const auto& [key, value] : fields.entries()) {
      const std::optional<Field> f = field_from_name(key);
      if (!f || !field_change_limitable(*f)) {
        value.fail(
            "is not a field whose changes are limited; use local_id, first_name, "
            "middle_name, last_name, birth_date, grade, campus, diagnoses, ela_score or "
            "math_score.");
      }
      // `none` (YAML null) lifts a default limit.
      std::optional<double>& limit = p.max_field_change_pct[field_index(*f)];
      if (value.is_null()) {
        limit.reset();
      } else {
        limit = value.as_number_in(0, 100, "a percentage");
      }
    }
  }
}

namespace {

std::optional<RolloverConfig> parse_rollover(const YamlNode& r) {
  if (r.is_null()) return std::nullopt;
  r.expect_keys({"window", "grades", "entry_grades"});
  if (r["window"].is_null())
    r.fail("needs `window:`, the dates of the summer rollover, e.g. \"06-15..09-30\".");
  RolloverConfig c;
  const auto window = parse_yearly_window(r["window"].as_string());
  if (!window) {
    r["window"].fail(
        "must be two month-day dates, \"MM-DD..MM-DD\" (\"06-15..09-30\"), the first "
        "and last day of the rollover.");
  }
  c.window = *window;
  c.grades = r["grades"].is_null() ? default_grade_ladder() : r["grades"].as_string_list();
  for (std::size_t i = 0; i < c.grades.size(); ++i) {
    if (c.grades[i].empty() ||
        std::find(c.grades.begin(), c.grades.begin() + static_cast<std::ptrdiff_t>(i),
                  c.grades[i]) != c.grades.begin() + static_cast<std::ptrdiff_t>(i))
      r["grades"].fail("must list platform grade codes once each, lowest first.");
  }
  if (c.grades.size() < 2) r["grades"].fail("must list at least two grades, lowest first.");
  if (r["entry_grades"].is_null()) {
    c.entry_grades.assign(c.grades.begin(), c.grades.begin() + 2);
  } else {
    c.entry_grades = r["entry_grades"].as_string_list();
    for (const std::string& g : c.entry_grades) {
      if (std::find(c.grades.begin(), c.grades.end(), g) == c.grades.end())
        r["entry_grades"].fail("names \"" + g + "\", which is not in `grades`.");
    }
  }
  return c;
}

}  // namespace

void parse_school_year(const YamlNode& n, std::optional<RolloverConfig>& rollover,
                       std::vector<YearlyWindow>& blackout) {
  if (n.is_null()) return;
  n.expect_keys({"rollover", "blackout"});
  rollover = parse_rollover(n["rollover"]);
  const YamlNode b = n["blackout"];
  if (b.is_null()) return;
  if (!b.is_sequence()) b.fail("must be a list of windows, e.g. [\"06-20..07-31\"].");
  for (const YamlNode& item : b.items()) {
    const auto w = parse_yearly_window(item.as_string());
    if (!w) {
      item.fail(
          "must be two month-day dates, \"MM-DD..MM-DD\" (\"06-20..07-31\"), the first and "
          "last day nothing commits.");
    }
    blackout.push_back(*w);
  }
}

void parse_expect(const YamlNode& n, std::optional<ExpectedCount>& students,
                  std::map<EntityKind, ExpectedCount>& kinds) {
  if (n.is_null()) return;
  if (!n.is_map()) n.fail("must map kinds to counts: {students: \"5200±2%\"}.");
  for (const auto& [kind, value] : n.entries()) {
    const auto other = entity_kind_from_name(kind);
    if (kind != "students" && !other)
      value.fail("is not a kind of the roster; use students or a kind the feed takes.");
    const auto count = parse_expected_count(value.as_string());
    if (!count) {
      value.fail(
          "must be the count the district confirmed and how far the first set may be from it, "
          "as \"5200±2%\" (or \"5200+-2%\"), at least 1, the margin at most 100% with two "
          "decimals; \"5200\" alone means exactly.");
    }
    if (other)
      kinds[*other] = *count;
    else
      students = count;
  }
}

}  // namespace rosterd
