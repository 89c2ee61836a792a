#include "validators/set_references.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"

namespace rosterd {
namespace {

// The accepted keys of each single-key kind the set has a file of, viewing the files' rows
// (which outlive the check).
struct KnownKeys {
  std::array<std::optional<std::unordered_set<std::string_view>>, kEntityKindCount> accepted;
  std::array<std::optional<std::unordered_map<std::string_view, std::uint32_t>>, kEntityKindCount>
      rejected_line;  // a key whose rows are all rejected: the first line, for the message

  void learn(const KindCheckResult& r) {
    const EntityKindInfo& info = kind_info(r.kind);
    if (info.key.size() != 1) return;
    const auto k = static_cast<std::size_t>(r.kind);
    accepted[k].emplace();
    rejected_line[k].emplace();
    accepted[k]->reserve(r.rows.size());
    for (EntityTable::Index i = 0; i < r.rows.size(); ++i) {
      if (!r.rows.rejected(i)) accepted[k]->insert(r.rows.get(i, info.key[0]));
    }
    for (EntityTable::Index i = 0; i < r.rows.size(); ++i) {
      const std::string_view key = r.rows.get(i, info.key[0]);
      if (r.rows.rejected(i) && accepted[k]->count(key) == 0)
        rejected_line[k]->emplace(key, r.rows.line(i));
    }
  }
};

std::optional<EntityKind> kind_of(Referent r) {
  switch (r) {
    case Referent::staff:
      return EntityKind::staff;
    case Referent::courses:
      return EntityKind::courses;
    case Referent::terms:
      return EntityKind::terms;
    case Referent::sections:
      return EntityKind::sections;
    case Referent::guardians:
      return EntityKind::guardians;
    default:
      return std::nullopt;
  }
}

class ReferenceChecker {
 public:
  explicit ReferenceChecker(const SetKeys& keys) : keys_(keys) {}

  // The set has a file of `kind`, refused whole: every reference to that kind fails.
  void refused(EntityKind kind) { refused_[static_cast<std::size_t>(kind)] = true; }

  void check(KindCheckResult& r) {
    // A reference to its own kind (a term's parent term) names a row of this very file: its
    // keys are learnt first, and again after each pass that rejected a row, until none does
    // (a term whose parent is rejected is rejected in turn).
    for (;;) {
      known_.learn(r);
      if (!pass(r)) break;
    }
    known_.learn(r);
    recount_rows_warned(r);
  }

  // Checks the references of every accepted row once; whether it rejected any, when the kind
  // refers to itself (another pass may then reject more).
  bool pass(KindCheckResult& r) {
    const EntityKindInfo& info = kind_info(r.kind);
    bool self = false;
    for (const EntityField& f : info.fields)
      self = self || kind_of(f.refers_to) == r.kind;
    bool rejected_any = false;
    const std::optional<std::size_t> role = entity_field(info, "role");
    for (EntityTable::Index i = 0; i < r.rows.size(); ++i) {
      if (r.rows.rejected(i)) continue;
      bool failed = false;
      for (std::size_t f = 0; f < info.fields.size(); ++f) {
        const EntityField& field = info.fields[f];
        if (field.refers_to == Referent::none) continue;
        const std::string_view value = r.rows.get(i, f);
        if (value.empty()) continue;
        const bool list = field.type == ValueType::id_list || field.type == ValueType::code_list;
        const auto check_one = [&](std::string_view one) {
          one = trim(one);
          if (one.empty()) return;
          const std::optional<std::string> problem =
              missing(field.refers_to, one, role ? r.rows.get(i, *role) : std::string_view());
          if (!problem) return;
          Discrepancy d;
          d.line = r.rows.line(i);
          d.kind = r.kind;
          d.kind_field = static_cast<std::uint8_t>(f);
          d.code = problem->starts_with("role:") ? DiscrepancyCode::role_conflict
                                                 : DiscrepancyCode::unknown_reference;
          d.detail = problem->starts_with("role:") ? problem->substr(5) : *problem;
          d.value = std::string(one);
          d.student_id = key_of(r, i);
          r.discrepancies.push_back(std::move(d));
          failed = true;
        };
        if (!list) {
          check_one(value);
        } else {
          for (const std::string_view one : split(value, r.list_separator))
            check_one(one);
        }
      }
      if (failed) {
        r.rows.set_rejected(i);
        ++r.counts.rows_rejected;
        rejected_any = true;
      }
    }
    return self && rejected_any;
  }

  // Warns on each accepted section no teacher teaches or no student attends.
  void sections(KindCheckResult& sections, const KindCheckResult* enrollments) {
    std::unordered_set<std::string_view> taught, attended;
    if (enrollments != nullptr) {
      const EntityKindInfo& e = kind_info(EntityKind::enrollments);
      const std::size_t section = *entity_field(e, "section_id");
      const std::size_t role = *entity_field(e, "role");
      for (EntityTable::Index i = 0; i < enrollments->rows.size(); ++i) {
        if (enrollments->rows.rejected(i)) continue;
        const std::string_view id = enrollments->rows.get(i, section);
        (is_student_role(enrollments->rows.get(i, role)) ? attended : taught).insert(id);
      }
    }
    const EntityKindInfo& s = kind_info(EntityKind::sections);
    const std::size_t teachers = *entity_field(s, "teacher_ids");
    for (EntityTable::Index i = 0; i < sections.rows.size(); ++i) {
      if (sections.rows.rejected(i)) continue;
      const std::string id(sections.rows.get(i, 0));
      const auto warn = [&](DiscrepancyCode code) {
        Discrepancy d;
        d.line = sections.rows.line(i);
        d.code = code;
        d.kind = EntityKind::sections;
        d.student_id = id;
        sections.discrepancies.push_back(std::move(d));
      };
      bool named = false;
      for (std::string_view t : split(sections.rows.get(i, teachers), sections.list_separator))
        named = named || !trim(t).empty();
      if (!named && taught.count(id) == 0) warn(DiscrepancyCode::section_without_teacher);
      if (enrollments != nullptr && attended.count(id) == 0)
        warn(DiscrepancyCode::section_without_students);
    }
    recount_rows_warned(sections);
  }

 private:
  static bool is_student_role(std::string_view role) { return iequals(role, "student"); }

  static std::string key_of(const KindCheckResult& r, EntityTable::Index i) {
    std::string k;
    for (std::size_t n = 0; n < kind_info(r.kind).key.size(); ++n)
      k += (n == 0 ? "" : "/") + std::string(r.rows.get(i, kind_info(r.kind).key[n]));
    return k;
  }

  // Why a student's ID names no student the set accepts.
  std::string no_student(std::string_view id) const {
    if (keys_.rejected_student) {
      if (const std::uint32_t line = keys_.rejected_student(id); line != 0)
        return "its row in the students' file (line " + std::to_string(line) + ") is rejected";
    }
    return "the students' file has no such student";
  }

  // Why `id` names nothing the set has ("the staff file (its row on line 7 is rejected)"), or
  // "role:..." for a person of the other role; nullopt when it is fine or cannot be told.
  std::optional<std::string> missing(Referent to, std::string_view id,
                                     std::string_view role) const {
    const std::string_view key = id;
    if (to == Referent::students) {
      if (keys_.student(id)) return std::nullopt;
      return no_student(id);
    }
    if (to == Referent::schools) {
      if (!keys_.school || keys_.school(id)) return std::nullopt;
      return std::string(
          "the platform has no such school (add it to the feed's campus map, or correct it)");
    }
    if (to == Referent::people) {
      const bool student = keys_.student(id);
      const auto& staff = known_.accepted[static_cast<std::size_t>(EntityKind::staff)];
      const bool staff_member = staff && staff->count(key) != 0;
      if (is_student_role(role)) {
        if (student) return std::nullopt;
        if (staff_member) return std::string("role:a staff member's ID, enrolled as a student");
        return no_student(id);
      }
      if (refused_[static_cast<std::size_t>(EntityKind::staff)])
        return std::string("the staff file was refused whole");
      if (!staff) return std::nullopt;  // no staff file: a teacher cannot be told
      if (staff_member) return std::nullopt;
      if (student) return std::string("role:a student's ID, enrolled as ") + std::string(role);
      return std::string("the staff file has no such person");
    }
    const std::optional<EntityKind> kind = kind_of(to);
    if (!kind) return std::nullopt;
    const auto k = static_cast<std::size_t>(*kind);
    // A file refused whole names nothing: its rows cannot be told from rows it lacks.
    if (!refused_[k] && !known_.accepted[k]) return std::nullopt;  // no file of that kind
    if (!refused_[k] && known_.accepted[k]->count(key) != 0) return std::nullopt;
    const std::string file = "the " + std::string(kind_info(*kind).name) + " file";
    if (refused_[k]) return file + " was refused whole";
    const auto rejected = known_.rejected_line[k]->find(key);
    if (rejected != known_.rejected_line[k]->end())
      return "its row in " + file + " (line " + std::to_string(rejected->second) + ") is rejected";
    return file + " has no such row";
  }

  const SetKeys& keys_;
  KnownKeys known_;
  std::array<bool, kEntityKindCount> refused_{};  // kinds whose file was refused whole
};

}  // namespace

void check_set_references(std::vector<KindCheckResult>& kinds, const SetKeys& keys) {
  std::array<KindCheckResult*, kEntityKindCount> by_kind{};
  ReferenceChecker checker(keys);
  for (KindCheckResult& r : kinds) {
    if (r.refused()) {
      checker.refused(r.kind);
    } else {
      by_kind[static_cast<std::size_t>(r.kind)] = &r;
    }
  }
  for (KindCheckResult* r : by_kind) {
    if (r != nullptr) checker.check(*r);
  }
  if (KindCheckResult* sections = by_kind[static_cast<std::size_t>(EntityKind::sections)]) {
    checker.sections(*sections, by_kind[static_cast<std::size_t>(EntityKind::enrollments)]);
  }
  for (KindCheckResult* r : by_kind) {
    if (r == nullptr) continue;
    std::stable_sort(r->discrepancies.begin(), r->discrepancies.end(),
                     [](const Discrepancy& a, const Discrepancy& b) { return a.line < b.line; });
  }
}

}  // namespace rosterd
