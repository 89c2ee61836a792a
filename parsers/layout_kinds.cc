#include "parsers/layout_kinds.h"

#include <algorithm>
#include <array>

#include "core/civil_date.h"
#include "core/error.h"
#include "core/text.h"
#include "parsers/layout_kind_readers.h"

namespace rosterd {

std::string_view layout_kind_file(const FormatPreset& preset, EntityKind kind) {
  // Each layout's file of each kind, in EntityKind order: staff, courses, terms, sections,
  // enrollments, guardians, guardian links.
  using Files = std::array<std::string_view, kEntityKindCount>;
  static constexpr Files kOneRoster = {"users.csv",   "courses.csv",     "academicSessions.csv",
                                       "classes.csv", "enrollments.csv", "users.csv",
                                       "users.csv"};
  static constexpr Files kSds = {"users.csv",        "courses.csv",     "academicSessions.csv",
                                 "classes.csv",      "enrollments.csv", "users.csv",
                                 "relationships.csv"};
  static constexpr Files kClever = {"teachers.csv", "sections.csv",    "sections.csv",
                                    "sections.csv", "enrollments.csv", "students.csv",
                                    "students.csv"};
  const auto k = static_cast<std::size_t>(kind);
  if (preset.name == "oneroster-1.1" || preset.name == "oneroster-1.2") return kOneRoster[k];
  if (preset.name == "sds-v2.1") return kSds[k];
  if (preset.name == "clever") return kClever[k];
  return {};
}

std::vector<LayoutKindRows> read_layout_kinds(const FormatPreset& preset, const RosterSet& set,
                                              Encoding encoding, std::span<const EntityKind> kinds,
                                              std::string_view student_key) {
  std::vector<LayoutKindRows> out;
  for (EntityKind k : kinds) {
    if (layout_kind_file(preset, k).empty())
      throw Error("the " + std::string(preset.title) + " layout carries no " +
                  std::string(kind_info(k).name) + ".");
    LayoutKindRows rows;
    rows.kind = k;
    rows.file.name = std::string(layout_kind_file(preset, k));
    out.push_back(std::move(rows));
  }
  if (preset.name == "oneroster-1.1" || preset.name == "oneroster-1.2") {
    layout_kinds::read_oneroster(set, {encoding, std::string(student_key)},
                                 preset.name == "oneroster-1.2", kinds, out);
  } else if (preset.name == "sds-v2.1") {
    layout_kinds::read_sds(set, {encoding, std::string(student_key)}, kinds, out);
  } else if (preset.name == "clever") {
    layout_kinds::read_clever(set, {encoding, std::string(student_key)}, kinds, out);
  }
  return out;
}

namespace layout_kinds {

bool wants(std::span<const EntityKind> kinds, EntityKind kind) {
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

LayoutKindRows& entry(std::vector<LayoutKindRows>& out, EntityKind kind) {
  for (LayoutKindRows& r : out)
    if (r.kind == kind) return r;
  throw Error("internal: a layout's kind was read that was not asked for.");
}

void refuse_missing(LayoutKindRows& rows, std::string_view file) {
  Discrepancy d;
  d.code = DiscrepancyCode::missing_member;
  d.value = std::string(file);
  d.detail = " (the feed takes " + std::string(kind_info(rows.kind).name) + " from it)";
  rows.rows.clear();
  rows.file.name = std::string(file);
  rows.file.refusal = std::move(d);
}

void refuse_member(LayoutKindRows& rows, const FileSummary& s, const std::string& file) {
  rows.rows.clear();
  rows.file = s;
  rows.file.name = file;
  rows.file.refusal = set_reading::member_refusal(s, file);
}

LayoutRow begin_row(EntityKind kind, const RawRow& r) {
  LayoutRow row;
  row.line = r.line;
  row.values.assign(kind_info(kind).fields.size(), std::string());
  row.problems = r.problems;
  row.broken = r.broken;
  return row;
}

void set(LayoutRow& row, EntityKind kind, std::string_view name, std::string_view value) {
  row.values[*entity_field(kind_info(kind), name)] = std::string(trim(value));
}

const std::string& get(const LayoutRow& row, EntityKind kind, std::string_view name) {
  return row.values[*entity_field(kind_info(kind), name)];
}

std::string_view first_item(std::string_view list) {
  return trim(list.substr(0, list.find(',')));
}

std::vector<std::string_view> items(std::string_view list) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = list.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? list.size() : comma;
    const std::string_view item = trim(list.substr(start, end - start));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string school_orgs(const std::vector<std::string_view>& orgs,
                        const set_reading::RelatedIndex& types) {
  std::vector<std::string_view> schools;
  std::vector<std::string_view> all;
  for (std::string_view o : orgs) {
    if (std::find(all.begin(), all.end(), o) != all.end()) continue;
    all.push_back(o);
    const auto it = types.find(o);
    if (it != types.end() && iequals(it->second.value, "school")) schools.push_back(o);
  }
  const std::vector<std::string_view>& kept = schools.empty() ? all : schools;
  std::string s;
  for (std::string_view o : kept)
    s += (s.empty() ? "" : ",") + std::string(o);
  return s;
}

StudentKeys read_student_keys(const SetMember* users, Encoding encoding, std::string_view own,
                              std::string_view key) {
  StudentKeys keys;
  keys.own = std::string(own);
  if (users == nullptr || key.empty() || iequals(key, own)) return keys;
  keys.mapped = true;
  // Students only (OneRoster 1.1's role column, when the file has one): a teacher's ID is never
  // read as a student's key.
  set_reading::read_member(
      *users, encoding, {{std::string(own), true}, {std::string(key), true}, {"role", true}},
      [&](const RawRow& r) {
        const std::string_view from = trim(r.extras[0]);
        const std::string_view role = trim(r.extras[2]);
        if (from.empty() || r.broken || (!role.empty() && !iequals(role, "student"))) return;
        keys.by_id.try_emplace(std::string(from), trim(r.extras[1]));
      });
  return keys;
}

std::string StudentKeys::of(std::string_view id) const {
  if (!mapped) return std::string(id);
  const auto it = by_id.find(id);
  // An ID the students' file does not key (unknown, blank key) names no student: shown with its
  // column, so that it can never be taken for another student's key.
  if (it == by_id.end() || it->second.empty()) return own + " " + std::string(id);
  return it->second;
}

void DerivedRows::add(const std::string& key, LayoutRow row, std::vector<LayoutRow>& out) {
  if (!row.broken) row.problems.clear();  // told with the row of the file it comes from
  const auto it = at_.find(key);
  if (it == at_.end()) {
    at_.emplace(key, std::make_pair(out.size(), row.broken));
    out.push_back(std::move(row));
  } else if (it->second.second && !row.broken) {
    out[it->second.first] = std::move(row);
    it->second.second = false;
  }
}

std::string sortable_date(std::string_view date) {
  const std::string_view d = trim(date);
  for (const char* format : {"%Y-%m-%d", "%m/%d/%Y"})
    if (const auto parsed = parse_date(d, format)) return to_iso(*parsed);
  return std::string(d);
}

bool is_guardian_role(std::string_view role) {
  return iequals(role, "parent") || iequals(role, "guardian") || iequals(role, "relative");
}

}  // namespace layout_kinds
}  // namespace rosterd
