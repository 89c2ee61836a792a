#include "validators/whole_roster_check.h"

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/text.h"
#include "parsers/format_preset.h"
#include "parsers/layout_kinds.h"
#include "parsers/set_reading.h"
#include "validators/feed_scope.h"
#include "validators/guardian_contacts.h"
#include "validators/people_roles.h"
#include "validators/set_references.h"

namespace rosterd {
namespace {

CheckResult refused_set(const RosterSet& set, std::string name, Discrepancy why) {
  CheckResult r;
  FileSummary summary;
  summary.name = std::move(name);
  r.file = set_reading::refused(std::move(summary), std::move(why), set);
  ++r.by_code[static_cast<std::size_t>(r.file.refusal->code)];
  return r;
}

// Leaves out of `k` the rows `drop` names (by index), with their discrepancies, counting them
// as out of scope: they are not the feed's.
template <typename Drop>
void drop_rows(KindCheckResult& k, Drop drop) {
  const EntityKindInfo& info = kind_info(k.kind);
  EntityTable kept(info.fields.size());
  std::unordered_set<std::uint32_t> dropped_lines;
  std::vector<std::string_view> values(info.fields.size());
  for (EntityTable::Index r = 0; r < k.rows.size(); ++r) {
    if (drop(r)) {
      dropped_lines.insert(k.rows.line(r));
      continue;
    }
    for (std::size_t f = 0; f < values.size(); ++f)
      values[f] = k.rows.get(r, f);
    const EntityTable::Index at = kept.append(values, k.rows.line(r));
    if (k.rows.rejected(r)) kept.set_rejected(at);
  }
  if (dropped_lines.empty()) return;
  std::erase_if(k.discrepancies,
                [&](const Discrepancy& d) { return dropped_lines.contains(d.line); });
  k.rows_out_of_scope += static_cast<std::uint32_t>(dropped_lines.size());
  k.rows = std::move(kept);
  k.counts.rows_read = static_cast<std::uint32_t>(k.rows.size());
  k.counts.rows_rejected = 0;
  for (EntityTable::Index r = 0; r < k.rows.size(); ++r)
    if (k.rows.rejected(r)) ++k.counts.rows_rejected;
  recount_rows_warned(k);
}

// Leaves out of `k` the rows that name a student in `excluded` or one the feed's `scope` has
// opted out (listed in the students' file or not: an opted-out student leaves no discrepancy
// behind) — an enrollment's person, a guardian link's student — with their discrepancies:
// they go with the student.
void leave_out(KindCheckResult& k, const std::unordered_set<std::string_view>& excluded,
               const FeedScope* scope) {
  const EntityKindInfo& info = kind_info(k.kind);
  std::vector<std::size_t> student_fields;
  for (std::size_t f = 0; f < info.fields.size(); ++f) {
    if (info.fields[f].refers_to == Referent::students ||
        info.fields[f].refers_to == Referent::people)
      student_fields.push_back(f);
  }
  if (student_fields.empty() || (excluded.empty() && scope == nullptr)) return;
  // A person is a student's only in the student role (a teacher may share an ID's digits).
  const auto role = entity_field(info, "role");
  drop_rows(k, [&](EntityTable::Index r) {
    for (std::size_t f : student_fields) {
      const bool as_student = info.fields[f].refers_to == Referent::students ||
                              (role && iequals(k.rows.get(r, *role), "student"));
      if (!as_student) continue;
      const std::string_view id = k.rows.get(r, f);
      if (excluded.contains(id) || (scope != nullptr && scope->opted_out(id))) return true;
    }
    return false;
  });
}

// Leaves out the sections the feed's scope does not take (by section, course or term) and the
// enrollments in them.
void leave_out_sections(std::vector<KindCheckResult>& kinds, const FeedScope& scope) {
  KindCheckResult* sections = find_kind(kinds, EntityKind::sections);
  KindCheckResult* enrollments = find_kind(kinds, EntityKind::enrollments);
  if (sections == nullptr) return;
  const EntityKindInfo& s = kind_info(EntityKind::sections);
  const std::size_t id = *entity_field(s, "section_id");
  const std::size_t course = *entity_field(s, "course_code");
  const std::size_t term = *entity_field(s, "term_id");
  std::unordered_set<std::string> out;
  drop_rows(*sections, [&](EntityTable::Index r) {
    if (scope.takes_section(sections->rows.get(r, id), sections->rows.get(r, course),
                            sections->rows.get(r, term)))
      return false;
    out.emplace(sections->rows.get(r, id));
    return true;
  });
  if (enrollments == nullptr || out.empty()) return;
  const std::size_t section = *entity_field(kind_info(EntityKind::enrollments), "section_id");
  drop_rows(*enrollments, [&](EntityTable::Index r) {
    return out.contains(std::string(enrollments->rows.get(r, section)));
  });
}

Discrepancy missing(const std::string& file, std::string_view what) {
  Discrepancy d;
  d.code = DiscrepancyCode::missing_member;
  d.value = file;
  d.detail = " (the feed takes " + std::string(what) + " from it)";
  return d;
}

// Checks the kinds' references across the set, once every file is read: only accepted students
// can be enrolled or linked to a guardian, and a student the feed does not take (opted out, or
// out of its scope) takes their rows of other kinds along, unreported.
void check_across(CheckResult& result, const RowChecker& checker, const CheckRun& run) {
  std::unordered_set<std::string_view> accepted;
  std::unordered_set<std::string_view> excluded;
  std::unordered_map<std::string_view, std::uint32_t> rejected;
  accepted.reserve(result.students.size());
  const FeedScope* scope = run.scope;
  for (StudentTable::Index row = 0; row < result.students.size(); ++row) {
    const std::string_view id = result.students.get(row, Field::state_id);
    if (scope != nullptr && scope->opted_out(id)) {
      excluded.insert(id);
    } else if (result.students.rejected(row)) {
      rejected.emplace(id, result.students.line(row));
    } else if (scope != nullptr && !scope->takes(result.students.get(row, Field::campus),
                                                 result.students.get(row, Field::grade))) {
      excluded.insert(id);
    } else {
      accepted.insert(id);
    }
  }
  for (KindCheckResult& k : result.kinds)
    leave_out(k, excluded, scope);
  if (scope != nullptr && scope->filters_sections()) leave_out_sections(result.kinds, *scope);
  SetKeys keys;
  keys.student = [&](std::string_view id) { return accepted.contains(id); };
  keys.rejected_student = [&](std::string_view id) -> std::uint32_t {
    const auto it = rejected.find(id);
    return it == rejected.end() ? 0 : it->second;
  };
  keys.school = [&](std::string_view code) { return checker.campus_code(code).has_value(); };
  check_set_references(result.kinds, keys);
  check_guardian_contacts(result.kinds);
  check_people_in_two_roles(result.kinds, run.kinds->person_key);
}

// Two members of one name, however spelled, leave which to read to chance: refused.
std::optional<Discrepancy> spelled_twice(const RosterSet& set, std::string_view file) {
  std::vector<std::string> named;
  for (const SetMember& m : set.members)
    if (iequals(m.name, file)) named.push_back(m.name);
  if (named.size() < 2) return std::nullopt;
  Discrepancy d;
  d.code = DiscrepancyCode::unreadable;
  d.detail = "the set holds both \"" + named[0] + "\" and \"" + named[1] +
             "\", which name the same file" + std::string(kLikelyCause) +
             "the export ran twice into one folder: keep one and send the set again";
  return d;
}

// A standard layout's set (RosterKinds::layout): the students as the layout's reader gives them,
// the other kinds from the layout's files (parsers/layout_kinds.h).
CheckResult check_layout_roster(const RosterFormat& format, const RowChecker& checker,
                                const RosterSet& set, const CheckRun& run) {
  const RosterKinds& kinds = *run.kinds;
  const FormatPreset* preset = find_format_preset(kinds.layout);
  if (preset == nullptr) throw Error("the layout \"" + kinds.layout + "\" is not known.");
  const std::string name =
      set.name + "/" +
      (set.find(preset->roster_file) != nullptr ? set.find(preset->roster_file)->name
                                                : std::string(preset->roster_file));
  std::vector<std::string_view> files(preset->set_files.begin(), preset->set_files.end());
  for (const KindMember& m : kinds.members)
    files.push_back(m.file);
  for (std::string_view f : files)
    if (auto twice = spelled_twice(set, f)) return refused_set(set, name, *twice);

  // Every student's values are kept: the scope needs their grade and campus.
  CheckRun keeping = run;
  keeping.keep_rows = true;
  CheckResult result = check_roster_set(format, checker, set, keeping);
  if (result.refused()) return result;
  if (result.file.delta) {
    Discrepancy d;
    d.code = DiscrepancyCode::unreadable;
    d.detail =
        "the set lists changed students only (a delta), but the feed takes other kinds, "
        "which are read whole: ask the district for a bulk export";
    return refused_set(set, name, std::move(d));
  }
  std::vector<EntityKind> asked;
  for (const KindMember& m : kinds.members)
    asked.push_back(m.kind);
  const std::vector<LayoutKindRows> rows = read_layout_kinds(
      *preset, set, format.encoding, asked, format.columns[field_index(Field::state_id)]);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    KindCheckResult k = check_layout_kind(kinds.members[i].format, rows[i], &checker.reference());
    if (k.refused()) return refused_set(set, name, *k.file.refusal);
    result.kinds.push_back(std::move(k));
  }
  check_across(result, checker, run);
  // The set's identity: every file in it, as a drop's set is named.
  FileSummary summary = set_reading::refused(result.file, Discrepancy{}, set);
  summary.refusal.reset();
  summary.rows = result.file.rows;
  summary.name = name;
  result.file = std::move(summary);
  return result;
}

}  // namespace

CheckResult check_whole_roster(const RosterFormat& format, const RowChecker& checker,
                               const RosterSet& set, const CheckRun& run) {
  const RosterKinds& kinds = *run.kinds;
  if (!kinds.layout.empty()) return check_layout_roster(format, checker, set, run);
  const auto once = [&](const std::string& file) { return spelled_twice(set, file); };
  const SetMember* students = set.find(kinds.students_file);
  const std::string name = set.name + "/" + (students ? students->name : kinds.students_file);
  if (students == nullptr) return refused_set(set, name, missing(kinds.students_file, "students"));
  if (auto twice = once(kinds.students_file)) return refused_set(set, name, *twice);
  for (const KindMember& m : kinds.members) {
    if (set.find(m.file) == nullptr)
      return refused_set(set, name, missing(m.file, kind_info(m.kind).name));
    if (auto twice = once(m.file)) return refused_set(set, name, *twice);
  }

  const RosterReader reader(format);
  // Every student's values are kept: the scope needs their grade and campus.
  CheckRun keeping = run;
  keeping.keep_rows = true;
  CheckResult result =
      students->path.empty()
          ? check_roster_bytes(reader, checker, students->name, students->bytes, keeping)
          : check_roster_file(reader, checker, students->path, keeping);
  if (result.refused())
    return refused_set(set, name, set_reading::member_refusal(result.file, students->name));
  std::vector<std::pair<std::string, FileSummary>> read{{students->name, result.file}};

  for (const KindMember& m : kinds.members) {
    const SetMember& member = *set.find(m.file);
    KindCheckResult k =
        member.path.empty()
            ? check_kind_bytes(m.kind, m.format, member.name, member.bytes, &checker.reference())
            : check_kind_file(m.kind, m.format, member.path, &checker.reference());
    if (k.refused())
      return refused_set(set, name, set_reading::member_refusal(k.file, member.name));
    read.emplace_back(member.name, k.file);
    result.kinds.push_back(std::move(k));
  }

  check_across(result, checker, run);

  FileSummary summary = result.file;
  summary.name = name;
  set_reading::set_identity(summary, read);
  result.file = std::move(summary);
  return result;
}

}  // namespace rosterd
