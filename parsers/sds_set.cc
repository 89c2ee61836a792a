#include "parsers/sds_set.h"

#include <memory>

#include "core/text.h"
#include "core/utf8.h"
#include "parsers/set_reading.h"

namespace rosterd {
namespace {

using namespace set_reading;

using FlagIndex = std::unordered_map<std::string, std::string, StringHash, std::equal_to<>>;

// SDS v2.1's special-education flags (userFlags.csv), carried as the student's diagnoses; the
// layout's other flags (ell, freeLunch, ...) are not rosterd's.
bool special_education_flag(std::string_view flag) {
  return iequals(flag, "iep") || iequals(flag, "504");
}

// School Data Sync v2.1's student layout: users.csv, completed from roles.csv (the student role:
// school and grade), orgs.csv (the school is known), demographics.csv (birthDate) and
// userFlags.csv (iep, 504).
class SdsStudents : public CompletingSink {
 public:
  SdsStudents(const RoleIndex& roles, const RelatedIndex& orgs, const RelatedIndex& demographics,
              const FlagIndex& flags, RowSink& out, std::vector<std::string> names)
      : CompletingSink(out),
        roles_(roles),
        orgs_(orgs),
        demographics_(demographics),
        flags_(flags),
        names_(std::move(names)) {}

  // Extras of the users.csv rows: sourcedId.
  void on_row(const RawRow& in) override {
    const std::string_view key = trim(in.extras[0]);
    const auto roles = roles_.find(key);
    if (roles == roles_.end()) return;  // teachers, guardians, administrators
    begin(in);
    // The student's role: the only one, or the only primary one.
    const std::vector<StudentRole>& all = roles->second;
    const StudentRole* role = all.size() == 1 ? &all.front() : nullptr;
    std::vector<std::uint32_t> primary_lines;
    for (const StudentRole& r : all) {
      if (all.size() > 1 && r.primary) {
        role = primary_lines.empty() ? &r : nullptr;
        primary_lines.push_back(r.line);
      }
    }
    if (role == nullptr) {
      const bool two_primary = primary_lines.size() > 1;
      problem(DiscrepancyCode::related_row_twice, Field::campus,
              names_[0] + " (student roles on lines " +
                  std::to_string(two_primary ? primary_lines[0] : all[0].line) + " and " +
                  std::to_string(two_primary ? primary_lines[1] : all[1].line) + ", " +
                  (two_primary ? "both primary" : "neither primary") + ")");
    } else {
      row_.values[field_index(Field::grade)] = role->grade;
      if (const auto org = orgs_.find(role->org); org == orgs_.end()) {
        problem(DiscrepancyCode::related_row_missing, Field::campus,
                names_[1] + " (org " + display_safe(role->org) + ")");
      } else if (org->second.second_line != 0) {
        problem(DiscrepancyCode::related_row_twice, Field::campus,
                names_[1] + " (org " + display_safe(role->org) + " on lines " +
                    std::to_string(org->second.line) + " and " +
                    std::to_string(org->second.second_line) + ")");
      } else {
        row_.values[field_index(Field::campus)] = role->org;
        row_.school_name = org->second.also;
        row_.school_file = names_[1];
      }
    }
    complete(Field::birth_date, demographics_, key, names_[2]);
    if (const auto it = flags_.find(key); it != flags_.end())
      row_.values[field_index(Field::diagnoses)] = it->second;
    emit();
  }

 private:
  const RoleIndex& roles_;
  const RelatedIndex& orgs_;
  const RelatedIndex& demographics_;
  const FlagIndex& flags_;
  std::vector<std::string> names_;  // roles.csv, orgs.csv, demographics.csv as the set has them
};

// The column `f` of `format` (a preset's, or the feed's override), or `fallback`.
std::string column_or(const RosterFormat& format, Field f, const char* fallback) {
  const std::string& c = format.columns[field_index(f)];
  return c.empty() ? std::string(fallback) : c;
}

}  // namespace

FileSummary read_sds_set(const RosterFormat& format, const RosterSet& set,
                         const std::vector<RowSink*>& sinks) {
  FileSummary summary;
  const SetMember* users = set.find("users.csv");
  summary.name = set.name + "/" + (users != nullptr ? users->name : std::string("users.csv"));
  for (const char* file :
       {"users.csv", "roles.csv", "orgs.csv", "demographics.csv", "userFlags.csv"}) {
    if (set.find(file) != nullptr) continue;
    return missing_member(std::move(summary), file,
                          "a School Data Sync v2.1 set needs users.csv, roles.csv, orgs.csv, "
                          "demographics.csv and userFlags.csv, the last with its header alone "
                          "when no student has a flag",
                          set);
  }
  const SetMember& roles_file = *set.find("roles.csv");
  const SetMember& orgs_file = *set.find("orgs.csv");
  const SetMember& demographics_file = *set.find("demographics.csv");
  const SetMember& flags_file = *set.find("userFlags.csv");

  RoleIndex roles;
  FileSummary r =
      read_member(roles_file, format.encoding,
                  {{"userSourcedId", false},
                   {"role", false},
                   {column_or(format, Field::campus, "orgSourcedId"), false},
                   {column_or(format, Field::grade, "grade"), true},
                   {"isPrimary", true}},
                  [&](const RawRow& row) {
                    const std::string_view user = trim(row.extras[0]);
                    if (user.empty() || !iequals(trim(row.extras[1]), "student")) return;
                    roles[std::string(user)].push_back(
                        {std::string(trim(row.extras[2])), std::string(trim(row.extras[3])),
                         iequals(trim(row.extras[4]), "true"), row.line});
                  });
  if (r.refusal) return refused(std::move(summary), member_refusal(r, roles_file.name), set);
  RelatedIndex orgs;
  FileSummary o = index_member(orgs_file, format.encoding, "sourcedId", "type", orgs, "name");
  if (o.refusal) return refused(std::move(summary), member_refusal(o, orgs_file.name), set);
  RelatedIndex birth_dates;
  FileSummary dem = index_member(demographics_file, format.encoding, "userSourcedId",
                                 column_or(format, Field::birth_date, "birthDate"), birth_dates);
  if (dem.refusal)
    return refused(std::move(summary), member_refusal(dem, demographics_file.name), set);
  FlagIndex flags;
  const std::string separator(1, format.list_separator);
  FileSummary fl =
      read_member(flags_file, format.encoding,
                  {{"userSourcedId", false}, {column_or(format, Field::diagnoses, "flag"), false}},
                  [&](const RawRow& row) {
                    const std::string_view user = trim(row.extras[0]);
                    const std::string_view flag = trim(row.extras[1]);
                    if (user.empty() || !special_education_flag(flag)) return;
                    std::string& list = flags[std::string(user)];
                    list += (list.empty() ? "" : separator) + ascii_lower(flag);
                  });
  // A header alone is a set with no flags, not an empty file.
  if (fl.refusal && fl.refusal->code != DiscrepancyCode::empty_file)
    return refused(std::move(summary), member_refusal(fl, flags_file.name), set);

  RosterFormat user_format = format;
  for (Field f : {Field::birth_date, Field::grade, Field::campus, Field::diagnoses}) {
    user_format.columns[field_index(f)].clear();
    user_format.optional_columns.set(field_index(f));
  }
  user_format.extra_columns = {{"sourcedId", false}};
  std::vector<std::unique_ptr<CompletingSink>> parts;
  for (RowSink* sink : sinks) {
    parts.push_back(std::make_unique<SdsStudents>(
        roles, orgs, birth_dates, flags, *sink,
        std::vector<std::string>{roles_file.name, orgs_file.name, demographics_file.name}));
  }
  FileSummary u = read_students(std::move(user_format), *users, parts, summary.rows);
  if (u.refusal) return refused(std::move(summary), member_refusal(u, users->name), set);
  if (summary.rows == 0) {
    Discrepancy d;
    d.code = DiscrepancyCode::empty_file;
    d.detail = " (" + users->name + " has no user with a student role in " + roles_file.name + ")";
    return refused(std::move(summary), std::move(d), set);
  }
  set_identity(summary, {{users->name, u},
                         {roles_file.name, r},
                         {orgs_file.name, o},
                         {demographics_file.name, dem},
                         {flags_file.name, fl}});
  return summary;
}

}  // namespace rosterd
