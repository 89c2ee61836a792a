#include "parsers/oneroster_set.h"

#include <array>
#include <map>
#include <memory>
#include <optional>

#include "core/text.h"
#include "core/utf8.h"
#include "parsers/format_preset.h"
#include "parsers/set_reading.h"

namespace rosterd {
namespace {

using namespace set_reading;

// OneRoster's student layout: users.csv, completed from demographics.csv (birthDate) and
// orgs.csv (which of the user's orgs is a school). In 1.1 users.csv gives the role and the orgs
// (orgSourcedIds); in 1.2 roles.csv does (a row per role: the student's, the primary first),
// with users.csv's primaryOrgSourcedId after them.
class OneRosterStudents : public CompletingSink {
 public:
  // `delta`: the set is a delta; `committed`: what it is completed from (read_roster_set), or
  // null. `roles`: 1.2's roles (`roles_name` names their file), null for 1.1.
  OneRosterStudents(const RelatedIndex& demographics, const RelatedIndex& orgs, RowSink& out,
                    std::string demographics_name, std::string orgs_name, bool delta,
                    const CommittedLookup* committed, const RoleIndex* roles = nullptr,
                    std::string roles_name = {})
      : CompletingSink(out),
        demographics_(demographics),
        orgs_(orgs),
        demographics_name_(std::move(demographics_name)),
        orgs_name_(std::move(orgs_name)),
        delta_(delta),
        committed_(committed),
        roles_(roles),
        roles_name_(std::move(roles_name)) {}

  // Extras of the users.csv rows: sourcedId, then (1.1) role and the orgs' column, or (1.2)
  // primaryOrgSourcedId.
  void on_row(const RawRow& in) override {
    const std::string_view key = trim(in.extras[0]);
    const std::vector<StudentRole>* roles = nullptr;
    if (roles_ != nullptr) {
      const auto it = roles_->find(key);
      if (it != roles_->end()) roles = &it->second;
    }
    // Teachers, guardians, aides are not read.
    if (roles_ == nullptr && !iequals(trim(in.extras[1]), "student")) return;
    // A delta's student: what the delta leaves out is the committed roster's.
    std::optional<std::vector<std::string>> before;
    if (committed_ != nullptr)
      before = committed_->student(in.values[field_index(Field::state_id)]);
    // In 1.2, a user none of whose roles is a student's is not a student either, unless a
    // delta changes a student the roster has (their student roles withdrawn with them, or not
    // changed). A user with no role at all is a student only in a delta (whose roles did not
    // change), when the roster has them; in a whole set it breaks the layout, and is reported
    // on its line rather than taken as gone.
    if (roles != nullptr && roles->empty()) {
      if (!(delta_ && before)) return;
      roles = nullptr;
    }
    const bool roleless = roles_ != nullptr && roles == nullptr;
    if (roleless && delta_ && !before) return;
    begin(in);
    // OneRoster lists a user's grades; the first is the student's.
    std::string_view& grade = row_.values[field_index(Field::grade)];
    grade = trim(grade.substr(0, grade.find(',')));
    const auto keep_committed = [&](Field f) {
      if (!before) return false;
      filled_[field_index(f)] = (*before)[field_index(f)];
      row_.values[field_index(f)] = filled_[field_index(f)];
      row_.committed.set(field_index(f));
      return true;
    };
    if (committed_ != nullptr &&
        iequals(trim(row_.values[field_index(Field::status)]), "tobedeleted")) {
      if (!before) return;  // not on the roster: nothing to withdraw
      for (Field f : kAllFields) {
        if (f != Field::state_id && f != Field::status) keep_committed(f);
      }
      emit();
      return;
    }
    if (!complete(Field::birth_date, demographics_, key, demographics_name_, before.has_value()) &&
        demographics_.find(key) == demographics_.end()) {
      keep_committed(Field::birth_date);
    }
    if (roleless && !delta_) {
      problem(DiscrepancyCode::related_row_missing, Field::campus,
              roles_name_ +
                  " (the user has no role at all: give them one there, or leave them "
                  "out of users.csv)");
      emit();
      return;
    }
    // The student's school: the first of its orgs that orgs.csv lists as a school.
    std::vector<std::string_view> orgs;
    if (roles_ == nullptr) {
      for (std::string_view org : split(in.extras[2], ','))
        orgs.push_back(org);
    } else if (!student_orgs(roles, trim(in.extras[1]), before.has_value(), orgs)) {
      emit();
      return;
    }
    std::string_view school;
    std::string_view unknown;
    for (std::string_view org : orgs) {
      org = trim(org);
      if (org.empty()) continue;
      const auto it = orgs_.find(org);
      if (it == orgs_.end()) {
        // A delta's orgs.csv lists changed orgs only: a school the roster knows is one still.
        if (committed_ != nullptr && committed_->known_school(org)) {
          school = org;
          break;
        }
        if (unknown.empty()) unknown = org;
        continue;
      }
      if (!iequals(it->second.value, "school")) continue;
      if (it->second.second_line != 0) {
        problem(DiscrepancyCode::related_row_twice, Field::campus,
                orgs_name_ + " (org " + display_safe(org) + " on lines " +
                    std::to_string(it->second.line) + " and " +
                    std::to_string(it->second.second_line) + ")");
        school = {};
        unknown = {};
        break;
      }
      school = org;
      row_.school_name = it->second.also;
      row_.school_file = orgs_name_;
      break;
    }
    if (!school.empty()) {
      row_.values[field_index(Field::campus)] = school;
    } else if (!unknown.empty()) {
      problem(DiscrepancyCode::related_row_missing, Field::campus,
              orgs_name_ + " (org " + display_safe(unknown) + ")");
    } else if (orgs.empty() && roles_ != nullptr) {
      // A 1.2 delta's student whose primary role the delta does not give (student_orgs).
      keep_committed(Field::campus);
    }
    emit();
  }

 private:
  const RelatedIndex& demographics_;
  const RelatedIndex& orgs_;
  std::string demographics_name_;
  std::string orgs_name_;
  // 1.2: the orgs of `roles` (the student's, null when the delta has none), primary first,
  // then `primary_org` (users.csv's primaryOrgSourcedId). Two primary student roles at
  // different orgs are reported, not guessed between: false then. A delta's student the
  // roster has (`on_roster`) whose primary role the delta does not give keeps their school
  // (no orgs): neither a new secondary role nor primaryOrgSourcedId moves them.
  bool student_orgs(const std::vector<StudentRole>* roles, std::string_view primary_org,
                    bool on_roster, std::vector<std::string_view>& orgs) {
    if (roles != nullptr) {
      const StudentRole* first_primary = nullptr;
      for (const StudentRole& r : *roles) {
        if (!r.primary) continue;
        if (first_primary != nullptr && r.org != first_primary->org) {
          problem(DiscrepancyCode::related_row_twice, Field::campus,
                  roles_name_ + " (primary student roles on lines " +
                      std::to_string(first_primary->line) + " and " + std::to_string(r.line) +
                      ", at orgs " + display_safe(first_primary->org) + " and " +
                      display_safe(r.org) + ")");
          return false;
        }
        if (first_primary == nullptr) first_primary = &r;
        orgs.push_back(r.org);
      }
      if (first_primary == nullptr && on_roster) return true;
      for (const StudentRole& r : *roles)
        if (!r.primary) orgs.push_back(r.org);
    } else if (on_roster) {
      return true;
    }
    if (!primary_org.empty()) orgs.push_back(primary_org);
    return true;
  }

  bool delta_;
  const CommittedLookup* committed_;
  const RoleIndex* roles_;
  std::string roles_name_;
  std::array<std::string, kFieldCount> filled_;  // the committed values row_ points into
};

}  // namespace

// `version`: "1.1" or "1.2", the preset's.
FileSummary read_oneroster_set(const RosterFormat& format, const RosterSet& set,
                               const std::vector<RowSink*>& sinks, const CommittedLookup& committed,
                               std::string_view version) {
  const bool v12 = version == "1.2";
  FileSummary summary;
  const SetMember* manifest = set.find("manifest.csv");
  const SetMember* users = set.find("users.csv");
  const SetMember* roles_file = v12 ? set.find("roles.csv") : nullptr;
  const SetMember* demographics = set.find("demographics.csv");
  const SetMember* orgs = set.find("orgs.csv");
  summary.name = set.name + "/" + (users != nullptr ? users->name : std::string("users.csv"));
  const auto missing = [&](const char* name) {
    return missing_member(std::move(summary), name,
                          v12 ? "a OneRoster 1.2 set needs manifest.csv, users.csv, roles.csv, "
                                "orgs.csv and demographics.csv"
                              : "a OneRoster set needs manifest.csv, users.csv, orgs.csv and "
                                "demographics.csv",
                          set);
  };
  if (manifest == nullptr) return missing("manifest.csv");
  if (users == nullptr) return missing("users.csv");

  // The manifest: the students come whole (bulk) or as changes (delta).
  std::map<std::string, std::string, std::less<>> properties;
  FileSummary m = read_member(*manifest, format.encoding,
                              {{"propertyName", false}, {"value", false}}, [&](const RawRow& r) {
                                properties[ascii_lower(trim(r.extras[0]))] =
                                    ascii_lower(trim(r.extras[1]));
                              });
  if (m.refusal) return refused(std::move(summary), member_refusal(m, manifest->name), set);
  const auto mode_of = [&](const char* file) {
    const auto it = properties.find(file);
    return it == properties.end() ? std::string("absent") : it->second;
  };
  // A set of the other version is laid out otherwise (1.2 moved the role and the orgs out of
  // users.csv): said as such rather than as a missing column.
  if (const auto v = properties.find("oneroster.version");
      v != properties.end() && v->second != version) {
    Discrepancy d;
    d.code = DiscrepancyCode::unreadable;
    const bool known = find_format_preset("oneroster-" + v->second) != nullptr;
    d.detail = manifest->name + " says oneroster.version " + display_safe(v->second) +
               ", but the feed's preset is oneroster-" + std::string(version) +
               (known ? ": set the feed's format to {preset: oneroster-" + v->second +
                            "}, or ask the district for OneRoster " + std::string(version)
                      : ": rosterd reads OneRoster 1.1 and 1.2; ask the district for OneRoster " +
                            std::string(version));
    return refused(std::move(summary), std::move(d), set);
  }
  // Bulk: every student, every time. Delta: the users that changed; then the other files list
  // changes too, or nothing (absent).
  summary.delta = mode_of("file.users") == "delta";
  std::vector<const char*> modes = {"file.users", "file.orgs", "file.demographics"};
  if (v12) modes.push_back("file.roles");
  for (const char* file : modes) {
    const std::string mode = mode_of(file);
    if (mode == "bulk" || (summary.delta && (mode == "delta" || mode == "absent"))) continue;
    Discrepancy d;
    d.code = DiscrepancyCode::unreadable;
    d.detail = manifest->name + " says " + file + " is " + (mode.empty() ? "empty" : mode) +
               (summary.delta ? (v12 ? ": in a delta set, roles, orgs and demographics are bulk, "
                                       "delta or absent"
                                     : ": in a delta set, orgs and demographics are bulk, delta "
                                       "or absent")
                              : (v12 ? ": rosterd reads a OneRoster 1.2 set whose users, roles, "
                                       "orgs and demographics are bulk (every student, every "
                                       "time), or whose users are a delta"
                                     : ": rosterd reads a OneRoster set whose users, orgs and "
                                       "demographics are bulk (every student, every time), or "
                                       "whose users are a delta"));
    return refused(std::move(summary), std::move(d), set);
  }
  // A delta with no changes to a side file may leave it out.
  if (orgs == nullptr && !(summary.delta && mode_of("file.orgs") == "absent"))
    return missing("orgs.csv");
  if (demographics == nullptr && !(summary.delta && mode_of("file.demographics") == "absent"))
    return missing("demographics.csv");
  if (v12 && roles_file == nullptr && !(summary.delta && mode_of("file.roles") == "absent"))
    return missing("roles.csv");

  RelatedIndex org_types;
  FileSummary o;
  if (orgs != nullptr) {
    o = index_member(*orgs, format.encoding, "sourcedId", "type", org_types, "name");
    if (refuses(o, summary.delta))
      return refused(std::move(summary), member_refusal(o, orgs->name), set);
  }
  RelatedIndex birth_dates;
  const std::string& birth_column = format.columns[field_index(Field::birth_date)];
  FileSummary dem;
  if (demographics != nullptr) {
    dem = index_member(*demographics, format.encoding, "sourcedId",
                       birth_column.empty() ? "birthDate" : birth_column, birth_dates);
    if (refuses(dem, summary.delta))
      return refused(std::move(summary), member_refusal(dem, demographics->name), set);
  }
  const std::string orgs_column = format.columns[field_index(Field::campus)].empty()
                                      ? std::string(v12 ? "orgSourcedId" : "orgSourcedIds")
                                      : format.columns[field_index(Field::campus)];
  // 1.2's roles.csv: each user's student roles (a delta's withdrawn ones left out), and an
  // empty entry for a user whose roles are others'.
  RoleIndex roles;
  FileSummary r;
  if (roles_file != nullptr) {
    r = read_member(*roles_file, format.encoding,
                    {{"userSourcedId", false},
                     {"role", false},
                     {orgs_column, false},
                     {"roleType", false},
                     {"status", true}},
                    [&](const RawRow& row) {
                      const std::string_view user = trim(row.extras[0]);
                      if (user.empty()) return;
                      // Every user with a role has an entry; a student's lists its roles.
                      std::vector<StudentRole>& of_user = roles[std::string(user)];
                      if (!iequals(trim(row.extras[1]), "student") ||
                          iequals(trim(row.extras[4]), "tobedeleted"))
                        return;
                      of_user.push_back({std::string(trim(row.extras[2])),
                                         {},
                                         iequals(trim(row.extras[3]), "primary"),
                                         row.line});
                    });
    if (refuses(r, summary.delta))
      return refused(std::move(summary), member_refusal(r, roles_file->name), set);
  }
  const std::string orgs_name = orgs != nullptr ? orgs->name : std::string("orgs.csv");
  const std::string demographics_name =
      demographics != nullptr ? demographics->name : std::string("demographics.csv");
  const std::string roles_name =
      roles_file != nullptr ? roles_file->name : std::string("roles.csv");
  // A delta's students are completed from the committed roster, one row at a time: one part.
  const CommittedLookup* lookup = summary.delta && committed ? &committed : nullptr;

  // users.csv: the fields from the format's columns; the birth date and the school come from
  // the other files, so their columns are read as extras or not at all. A large file is read
  // in parts at once, one completing sink a part (the indexes are only read).
  RosterFormat user_format = format;
  for (Field f : {Field::birth_date, Field::campus}) {
    user_format.columns[field_index(f)].clear();
    user_format.optional_columns.set(field_index(f));
  }
  if (v12)
    user_format.extra_columns = {{"sourcedId", false}, {"primaryOrgSourcedId", true}};
  else
    user_format.extra_columns = {{"sourcedId", false}, {"role", false}, {orgs_column, false}};
  std::vector<std::unique_ptr<CompletingSink>> parts;
  for (RowSink* sink : sinks) {
    parts.push_back(std::make_unique<OneRosterStudents>(
        birth_dates, org_types, *sink, demographics_name, orgs_name, summary.delta, lookup,
        v12 ? &roles : nullptr, roles_name));
    if (summary.delta) break;
  }
  FileSummary u = read_students(std::move(user_format), *users, parts, summary.rows);
  if (u.refusal) return refused(std::move(summary), member_refusal(u, users->name), set);
  if (summary.rows == 0 && !summary.delta) {  // a delta may change no student
    Discrepancy d;
    d.code = DiscrepancyCode::empty_file;
    d.detail = v12 ? " (" + users->name + " has no user with a student role in " + roles_name + ")"
                   : " (" + users->name + " has no user whose role is student)";
    return refused(std::move(summary), std::move(d), set);
  }
  std::vector<std::pair<std::string, FileSummary>> read = {{manifest->name, m}, {users->name, u}};
  if (orgs != nullptr) read.emplace_back(orgs->name, o);
  if (demographics != nullptr) read.emplace_back(demographics->name, dem);
  if (roles_file != nullptr) read.emplace_back(roles_file->name, r);
  set_identity(summary, read);
  return summary;
}

}  // namespace rosterd
