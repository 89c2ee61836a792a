#include "parsers/roster_set.h"

#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>

#include "core/error.h"
#include "core/hash.h"
#include "core/sha256.h"
#include "core/text.h"
#include "core/utf8.h"

namespace rosterd {
namespace {

// A key's row in a file the students' rows are completed from.
struct Related {
  std::string value;              // the column wanted (a birth date, an org's type)
  std::string also;               // a second column, when one is wanted (an org's name)
  std::uint32_t line = 0;         // the first row with the key
  std::uint32_t second_line = 0;  // another row with the same key, if any
};
using RelatedIndex = std::unordered_map<std::string, Related, StringHash, std::equal_to<>>;

// Reads a member in the students' file's encoding (keys must join byte for byte), whose rows
// are only its extra columns, handing each to `on_row`.
template <typename OnRow>
FileSummary read_member(const SetMember& m, Encoding encoding, std::vector<ExtraColumn> columns,
                        OnRow on_row) {
  RosterFormat f;
  f.delimiter = ',';
  f.quote = QuoteMode::double_quote;
  f.encoding = encoding;
  f.columns.fill(std::string());
  f.optional_columns.set();
  f.required.reset();
  f.extra_columns = std::move(columns);
  struct Sink : RowSink {
    OnRow& on;
    explicit Sink(OnRow& o) : on(o) {}
    void on_row(const RawRow& r) override { on(r); }
  } sink(on_row);
  const RosterReader reader(std::move(f));
  return m.path.empty() ? reader.read_bytes(m.name, m.bytes, sink)
                        : reader.read_file(m.path, std::vector<RowSink*>{&sink});
}

// A school's name as reports quote it: at most about 100 bytes, cut at a character boundary,
// so that a hostile file's long name is not copied onto every row that names it.
std::string short_name(std::string_view name) {
  constexpr std::size_t kMost = 100;
  if (name.size() <= kMost) return std::string(name);
  std::size_t cut = kMost;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80)
    --cut;
  return std::string(name.substr(0, cut)) + "...";
}

// Indexes a member by its key column (extras[0]), keeping extras[1] of each key (the column
// `value`; when `value_optional`, a name the file may lack, kept as short_name), and the
// optional column `also` (a name, short_name) when named.
FileSummary index_member(const SetMember& m, Encoding encoding, const std::string& key,
                         const std::string& value, RelatedIndex& index,
                         const std::string& also = {}, bool value_optional = false) {
  std::vector<ExtraColumn> columns = {{key, false}, {value, value_optional}};
  if (!also.empty()) columns.push_back({also, true});
  return read_member(m, encoding, std::move(columns), [&](const RawRow& r) {
    const std::string_view k = trim(r.extras[0]);
    if (k.empty()) return;
    auto [it, fresh] = index.try_emplace(std::string(k));
    if (fresh) {
      it->second.value =
          value_optional ? short_name(trim(r.extras[1])) : std::string(trim(r.extras[1]));
      if (r.extras.size() > 2) it->second.also = short_name(trim(r.extras[2]));
      it->second.line = r.line;
    } else if (it->second.second_line == 0) {
      it->second.second_line = r.line;
    }
  });
}

// A member's refusal, as the set's: its detail names the member.
Discrepancy member_refusal(const FileSummary& s, const std::string& member) {
  Discrepancy d = *s.refusal;
  d.detail = " in " + member + d.detail;
  if (d.code == DiscrepancyCode::empty_file) d.detail = " (" + member + " has no rows)";
  return d;
}

// A sink that completes each student's row of the students' file from the set's other files,
// then hands it on: the part of a reader every set layout shares.
class CompletingSink : public RowSink {
 public:
  explicit CompletingSink(RowSink& out) : out_(out) {}
  std::uint32_t students() const { return students_; }

 protected:
  // Starts a student's row (a copy of `in`, which completions change).
  void begin(const RawRow& in) { row_ = in; }
  // Reports a problem of the row's `f`, found in another file (`detail` names it).
  void problem(DiscrepancyCode code, Field f, std::string detail) {
    Discrepancy d;
    d.line = row_.line;
    d.code = code;
    d.field = f;
    d.student_id = display_safe(row_.values[field_index(Field::state_id)]);
    d.detail = std::move(detail);
    row_.problems.push_back(std::move(d));
  }
  // Sets `f` from `index`'s row for `key`; a missing or repeated row is reported against
  // `file` and false returned. `missing_ok` leaves a missing row unreported (the caller fills
  // the field otherwise).
  bool complete(Field f, const RelatedIndex& index, std::string_view key, const std::string& file,
                bool missing_ok = false) {
    const auto it = index.find(key);
    if (it == index.end()) {
      if (!missing_ok) problem(DiscrepancyCode::related_row_missing, f, file);
      return false;
    }
    if (it->second.second_line != 0) {
      problem(DiscrepancyCode::related_row_twice, f,
              file + " (lines " + std::to_string(it->second.line) + " and " +
                  std::to_string(it->second.second_line) + ")");
      return false;
    }
    row_.values[field_index(f)] = it->second.value;
    return true;
  }
  // Hands the completed row on.
  void emit() {
    ++students_;
    out_.on_row(row_);
  }

  RawRow row_;

 private:
  RowSink& out_;
  std::uint32_t students_ = 0;
};

// Reads the students' file `users` with `format`, a part a sink (RosterReader::read_file; one
// part from memory), and adds the students the sinks completed to `students`.
FileSummary read_students(RosterFormat format, const SetMember& users,
                          const std::vector<std::unique_ptr<CompletingSink>>& parts,
                          std::uint32_t& students) {
  std::vector<RowSink*> sinks;
  for (const auto& p : parts)
    sinks.push_back(p.get());
  const RosterReader reader(std::move(format));
  FileSummary u = users.path.empty() ? reader.read_bytes(users.name, users.bytes, *parts[0])
                                     : reader.read_file(users.path, sinks);
  for (const auto& p : parts)
    students += p->students();
  return u;
}

// Whether a side file's refusal refuses the set: a delta's orgs.csv or demographics.csv with its
// header alone lists no changes, which is no fault.
bool refuses(const FileSummary& member, bool delta) {
  return member.refusal && !(delta && member.refusal->code == DiscrepancyCode::empty_file);
}

// A user's student roles in a roles.csv (School Data Sync v2.1, OneRoster 1.2), by user.
struct StudentRole {
  std::string org;
  std::string grade;
  bool primary = false;
  std::uint32_t line = 0;
};
using RoleIndex =
    std::unordered_map<std::string, std::vector<StudentRole>, StringHash, std::equal_to<>>;

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

// The set's identity (set_sha256), and the members' bytes.
void set_identity(FileSummary& summary,
                  const std::vector<std::pair<std::string, FileSummary>>& members) {
  std::vector<std::pair<std::string, std::string>> hashes;
  summary.bytes = 0;
  for (const auto& [name, m] : members) {
    hashes.emplace_back(name, m.sha256);
    summary.bytes += m.bytes;
  }
  summary.sha256 = set_sha256(std::move(hashes));
}

// A refused set's identity, from every member of it (those read and those not).
FileSummary refused(FileSummary summary, Discrepancy why, const RosterSet& set) {
  std::vector<std::pair<std::string, FileSummary>> members;
  for (const SetMember& m : set.members) {
    FileSummary f;
    if (m.path.empty()) {
      f.sha256 = sha256_hex(m.bytes);
      f.bytes = m.bytes.size();
    } else {
      f.sha256 = sha256_of_file(m.path, f.bytes);
    }
    members.emplace_back(m.name, std::move(f));
  }
  set_identity(summary, std::move(members));
  summary.rows = 0;
  summary.refusal = std::move(why);
  return summary;
}

// The set refused for lacking the file `file`; `needs` says what the layout needs.
FileSummary missing_member(FileSummary summary, const char* file, const std::string& needs,
                           const RosterSet& set) {
  Discrepancy d;
  d.code = DiscrepancyCode::missing_member;
  d.value = file;
  d.detail = " (" + needs + ")";
  return refused(std::move(summary), std::move(d), set);
}

// `version`: "1.1" or "1.2", the preset's.
FileSummary read_oneroster(const RosterFormat& format, const RosterSet& set,
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

FileSummary read_sds(const RosterFormat& format, const RosterSet& set,
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

// A one-file layout's students, each school looked up in the layout's file of schools.
class SchoolCheckedStudents : public CompletingSink {
 public:
  SchoolCheckedStudents(const RelatedIndex& schools, std::string schools_name, RowSink& out)
      : CompletingSink(out), schools_(schools), schools_name_(std::move(schools_name)) {}

  void on_row(const RawRow& in) override {
    begin(in);
    const std::string_view school = trim(row_.values[field_index(Field::campus)]);
    if (!school.empty()) {
      if (const auto it = schools_.find(school); it == schools_.end()) {
        problem(DiscrepancyCode::related_row_missing, Field::campus,
                schools_name_ + " (school " + display_safe(school) + ")");
      } else if (it->second.second_line != 0) {
        problem(DiscrepancyCode::related_row_twice, Field::campus,
                schools_name_ + " (school " + display_safe(school) + " on lines " +
                    std::to_string(it->second.line) + " and " +
                    std::to_string(it->second.second_line) + ")");
      } else {
        row_.school_name = it->second.value;
        row_.school_file = schools_name_;
      }
    }
    emit();
  }

 private:
  const RelatedIndex& schools_;
  std::string schools_name_;
};

// A layout whose roster file may come alone (Clever, School Data Sync classic), as a set: its
// roster file, checked against its file of schools when the set has one.
FileSummary read_with_schools(const RosterFormat& format, const FormatPreset& preset,
                              const RosterSet& set, const std::vector<RowSink*>& sinks) {
  FileSummary summary;
  const SetMember* roster = set.find(preset.roster_file);
  summary.name =
      set.name + "/" + (roster != nullptr ? roster->name : std::string(preset.roster_file));
  if (roster == nullptr) {
    return missing_member(std::move(summary), std::string(preset.roster_file).c_str(),
                          "the set's students are in " + std::string(preset.roster_file) +
                              "; the other files of the layout may come with it or not",
                          set);
  }
  // The file of schools is keyed by the layout's school column: a feed that reads the school
  // from another column (UK School Data Sync's School DfE Number) does not look it up there.
  const bool own_school_column = iequals(format.columns[field_index(Field::campus)],
                                         preset.format.columns[field_index(Field::campus)]);
  const SetMember* schools_file = own_school_column ? set.find(preset.schools.file) : nullptr;
  RelatedIndex schools;
  FileSummary sf;
  if (schools_file != nullptr) {
    // The names only label reports: a file without them still lists the schools.
    sf = index_member(*schools_file, format.encoding, std::string(preset.schools.code_column),
                      std::string(preset.schools.name_column), schools, {}, true);
    if (sf.refusal) return refused(std::move(summary), member_refusal(sf, schools_file->name), set);
  }
  FileSummary u;
  if (schools_file == nullptr) {  // nothing to complete: the rows go straight to the sinks
    const RosterReader reader(format);
    u = roster->path.empty() ? reader.read_bytes(roster->name, roster->bytes, *sinks[0])
                             : reader.read_file(roster->path, sinks);
    summary.rows = u.rows;
  } else {
    std::vector<std::unique_ptr<CompletingSink>> parts;
    for (RowSink* sink : sinks)
      parts.push_back(std::make_unique<SchoolCheckedStudents>(schools, schools_file->name, *sink));
    u = read_students(format, *roster, parts, summary.rows);
  }
  if (u.refusal) return refused(std::move(summary), member_refusal(u, roster->name), set);
  std::vector<std::pair<std::string, FileSummary>> read = {{roster->name, u}};
  if (schools_file != nullptr) read.emplace_back(schools_file->name, sf);
  set_identity(summary, read);
  return summary;
}

}  // namespace

const SetMember* RosterSet::find(std::string_view file) const {
  for (const SetMember& m : members)
    if (iequals(m.name, file)) return &m;
  return nullptr;
}

RosterSet roster_set_of_folder(const std::filesystem::path& folder) {
  RosterSet set;
  set.name = folder.filename().empty() ? folder.parent_path().filename().string()
                                       : folder.filename().string();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (!entry.is_regular_file(ec) || entry.is_symlink(ec)) continue;
    set.members.push_back({entry.path().filename().string(), entry.path(), {}});
  }
  if (ec)
    throw Error("cannot read the folder " + display_safe(folder.string()) + ": " + ec.message() +
                ".");
  std::sort(set.members.begin(), set.members.end(),
            [](const SetMember& a, const SetMember& b) { return a.name < b.name; });
  return set;
}

std::string set_sha256(std::vector<std::pair<std::string, std::string>> members) {
  std::sort(members.begin(), members.end());
  Sha256 hash;
  for (const auto& [name, sha] : members) {
    hash.update(name);
    hash.update("\n", 1);
    hash.update(sha);
    hash.update("\n", 1);
  }
  return hash.hex_digest();
}

bool is_set_layout(const FormatPreset& preset) {
  return !preset.set_files.empty();
}

bool reads_alone(const FormatPreset& preset) {
  return preset.set_files.size() == 1 && preset.set_files.front() == preset.roster_file;
}

FileSummary read_roster_set(const RosterFormat& format, const RosterSet& set,
                            const std::vector<RowSink*>& sinks, const CommittedLookup& committed) {
  if (iequals(format.preset, "oneroster-1.1"))
    return read_oneroster(format, set, sinks, committed, "1.1");
  if (iequals(format.preset, "oneroster-1.2"))
    return read_oneroster(format, set, sinks, committed, "1.2");
  if (iequals(format.preset, "sds-v2.1")) return read_sds(format, set, sinks);
  if (const FormatPreset* p = find_format_preset(format.preset); p != nullptr && reads_alone(*p))
    return read_with_schools(format, *p, set, sinks);
  throw Error("the preset \"" + format.preset + "\" is not a layout of several files.");
}

}  // namespace rosterd
