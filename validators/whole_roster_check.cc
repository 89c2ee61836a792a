#include "validators/whole_roster_check.h"

#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/text.h"
#include "parsers/set_reading.h"
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

Discrepancy missing(const std::string& file, std::string_view what) {
  Discrepancy d;
  d.code = DiscrepancyCode::missing_member;
  d.value = file;
  d.detail = " (the feed takes " + std::string(what) + " from it)";
  return d;
}

}  // namespace

CheckResult check_whole_roster(const RosterFormat& format, const RowChecker& checker,
                               const RosterSet& set, const CheckRun& run) {
  const RosterKinds& kinds = *run.kinds;
  const std::string name = set.name + "/" + kinds.students_file;
  const SetMember* students = set.find(kinds.students_file);
  if (students == nullptr) return refused_set(set, name, missing(kinds.students_file, "students"));
  for (const KindMember& m : kinds.members) {
    if (set.find(m.file) == nullptr)
      return refused_set(set, name, missing(m.file, kind_info(m.kind).name));
  }

  const RosterReader reader(format);
  CheckResult result =
      students->path.empty()
          ? check_roster_bytes(reader, checker, students->name, students->bytes, run)
          : check_roster_file(reader, checker, students->path, run);
  if (result.refused())
    return refused_set(set, name, set_reading::member_refusal(result.file, students->name));
  std::vector<std::pair<std::string, FileSummary>> read{{students->name, result.file}};

  for (const KindMember& m : kinds.members) {
    const SetMember& member = *set.find(m.file);
    KindCheckResult k = member.path.empty()
                            ? check_kind_bytes(m.kind, m.format, member.name, member.bytes)
                            : check_kind_file(m.kind, m.format, member.path);
    if (k.refused())
      return refused_set(set, name, set_reading::member_refusal(k.file, member.name));
    read.emplace_back(member.name, k.file);
    result.kinds.push_back(std::move(k));
  }

  // Only accepted students can be enrolled or linked to a guardian.
  std::unordered_set<std::string_view> accepted;
  accepted.reserve(result.students.size());
  for (StudentTable::Index row = 0; row < result.students.size(); ++row) {
    if (!result.students.rejected(row)) accepted.insert(result.students.get(row, Field::state_id));
  }
  SetKeys keys;
  keys.student = [&](std::string_view id) { return accepted.contains(id); };
  keys.school = [&](std::string_view code) { return checker.campus_code(code).has_value(); };
  check_set_references(result.kinds, keys);

  FileSummary summary = result.file;
  summary.name = name;
  set_reading::set_identity(summary, read);
  result.file = std::move(summary);
  return result;
}

}  // namespace rosterd
