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

// Indexes a member by its key column (extras[0]), keeping extras[1] of each key.
FileSummary index_member(const SetMember& m, Encoding encoding, const std::string& key,
                         const std::string& value, RelatedIndex& index) {
  return read_member(m, encoding, {{key, false}, {value, false}}, [&](const RawRow& r) {
    const std::string_view k = trim(r.extras[0]);
    if (k.empty()) return;
    auto [it, fresh] = index.try_emplace(std::string(k));
    if (fresh) {
      it->second.value = std::string(trim(r.extras[1]));
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

// OneRoster 1.1's student layout: users.csv (role student), demographics.csv (birthDate),
// orgs.csv (the school among a user's orgSourcedIds), manifest.csv (bulk).
class OneRosterStudents : public RowSink {
 public:
  // `committed`: for a delta set (read_roster_set), else null.
  OneRosterStudents(const RelatedIndex& demographics, const RelatedIndex& orgs, RowSink& out,
                    std::string demographics_name, std::string orgs_name,
                    const CommittedLookup* committed)
      : demographics_(demographics),
        orgs_(orgs),
        out_(out),
        demographics_name_(std::move(demographics_name)),
        orgs_name_(std::move(orgs_name)),
        committed_(committed) {}

  // Extras of the users.csv rows: sourcedId, role, the orgs' column.
  void on_row(const RawRow& in) override {
    if (!iequals(trim(in.extras[1]), "student")) return;  // teachers, guardians, aides
    row_ = in;
    const std::string_view id = row_.values[field_index(Field::state_id)];
    // A delta's student: what the delta leaves out is the committed roster's.
    std::optional<std::vector<std::string>> before;
    if (committed_ != nullptr) before = committed_->student(id);
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
      ++students_;
      out_.on_row(row_);
      return;
    }
    const auto problem = [&](DiscrepancyCode code, Field f, std::string detail) {
      Discrepancy d;
      d.line = row_.line;
      d.code = code;
      d.field = f;
      d.student_id = display_safe(id);
      d.detail = std::move(detail);
      row_.problems.push_back(std::move(d));
    };
    const std::string_view key = trim(in.extras[0]);
    if (const auto it = demographics_.find(key); it == demographics_.end()) {
      if (!keep_committed(Field::birth_date))
        problem(DiscrepancyCode::related_row_missing, Field::birth_date, demographics_name_);
    } else if (it->second.second_line != 0) {
      problem(DiscrepancyCode::related_row_twice, Field::birth_date,
              demographics_name_ + " (lines " + std::to_string(it->second.line) + " and " +
                  std::to_string(it->second.second_line) + ")");
    } else {
      row_.values[field_index(Field::birth_date)] = it->second.value;
    }
    // The student's school: the first of its orgs that orgs.csv lists as a school.
    std::string_view school;
    std::string_view unknown;
    for (std::string_view org : split(in.extras[2], ',')) {
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
      break;
    }
    if (!school.empty()) {
      row_.values[field_index(Field::campus)] = school;
    } else if (!unknown.empty()) {
      problem(DiscrepancyCode::related_row_missing, Field::campus,
              orgs_name_ + " (org " + display_safe(unknown) + ")");
    }
    // OneRoster lists a user's grades; the first is the student's.
    std::string_view& grade = row_.values[field_index(Field::grade)];
    grade = trim(grade.substr(0, grade.find(',')));
    ++students_;
    out_.on_row(row_);
  }

  std::uint32_t students() const { return students_; }

 private:
  const RelatedIndex& demographics_;
  const RelatedIndex& orgs_;
  RowSink& out_;
  std::string demographics_name_;
  std::string orgs_name_;
  const CommittedLookup* committed_;
  std::array<std::string, kFieldCount> filled_;  // the committed values row_ points into
  RawRow row_;
  std::uint32_t students_ = 0;
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

FileSummary read_oneroster(const RosterFormat& format, const RosterSet& set,
                           const std::vector<RowSink*>& sinks, const CommittedLookup& committed) {
  FileSummary summary;
  const SetMember* manifest = set.find("manifest.csv");
  const SetMember* users = set.find("users.csv");
  const SetMember* demographics = set.find("demographics.csv");
  const SetMember* orgs = set.find("orgs.csv");
  summary.name = set.name + "/" + (users != nullptr ? users->name : std::string("users.csv"));
  const auto missing = [&](const char* name) {
    Discrepancy d;
    d.code = DiscrepancyCode::missing_member;
    d.value = name;
    d.detail = " (a OneRoster set needs manifest.csv, users.csv, orgs.csv and demographics.csv)";
    return refused(std::move(summary), std::move(d), set);
  };
  if (manifest == nullptr) return missing("manifest.csv");
  if (users == nullptr) return missing("users.csv");

  // The manifest: the students must come whole (bulk), not as changes (delta).
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
  // Bulk: every student, every time. Delta: the users that changed; then orgs.csv and
  // demographics.csv list changes too, or nothing (absent).
  summary.delta = mode_of("file.users") == "delta";
  for (const char* file : {"file.users", "file.orgs", "file.demographics"}) {
    const std::string mode = mode_of(file);
    if (mode == "bulk" || (summary.delta && (mode == "delta" || mode == "absent"))) continue;
    Discrepancy d;
    d.code = DiscrepancyCode::unreadable;
    d.detail = manifest->name + " says " + file + " is " + (mode.empty() ? "empty" : mode) +
               (summary.delta ? ": in a delta set, orgs and demographics are bulk, delta or absent"
                              : ": rosterd reads a OneRoster set whose users, orgs and "
                                "demographics are bulk (every student, every time), or whose "
                                "users are a delta");
    return refused(std::move(summary), std::move(d), set);
  }
  // A delta with no org or demographic changes may leave those files out.
  if (orgs == nullptr && !(summary.delta && mode_of("file.orgs") == "absent"))
    return missing("orgs.csv");
  if (demographics == nullptr && !(summary.delta && mode_of("file.demographics") == "absent"))
    return missing("demographics.csv");

  RelatedIndex org_types;
  FileSummary o;
  if (orgs != nullptr) {
    o = index_member(*orgs, format.encoding, "sourcedId", "type", org_types);
    if (o.refusal) return refused(std::move(summary), member_refusal(o, orgs->name), set);
  }
  RelatedIndex birth_dates;
  const std::string& birth_column = format.columns[field_index(Field::birth_date)];
  FileSummary dem;
  if (demographics != nullptr) {
    dem = index_member(*demographics, format.encoding, "sourcedId",
                       birth_column.empty() ? "birthDate" : birth_column, birth_dates);
    if (dem.refusal)
      return refused(std::move(summary), member_refusal(dem, demographics->name), set);
  }
  const std::string orgs_name = orgs != nullptr ? orgs->name : std::string("orgs.csv");
  const std::string demographics_name =
      demographics != nullptr ? demographics->name : std::string("demographics.csv");
  // A delta's students are completed from the committed roster, one row at a time: one part.
  const CommittedLookup* lookup = summary.delta && committed ? &committed : nullptr;

  // users.csv: the fields from the format's columns; the birth date and the school come from
  // the other files, so their columns are read as extras or not at all. A large file is read
  // in parts at once, one completing sink a part (the indexes are only read).
  RosterFormat user_format = format;
  const std::string orgs_column = format.columns[field_index(Field::campus)].empty()
                                      ? std::string("orgSourcedIds")
                                      : format.columns[field_index(Field::campus)];
  for (Field f : {Field::birth_date, Field::campus}) {
    user_format.columns[field_index(f)].clear();
    user_format.optional_columns.set(field_index(f));
  }
  user_format.extra_columns = {{"sourcedId", false}, {"role", false}, {orgs_column, false}};
  std::vector<std::unique_ptr<OneRosterStudents>> parts;
  std::vector<RowSink*> part_sinks;
  for (RowSink* sink : sinks) {
    parts.push_back(std::make_unique<OneRosterStudents>(birth_dates, org_types, *sink,
                                                        demographics_name, orgs_name, lookup));
    part_sinks.push_back(parts.back().get());
    if (summary.delta) break;
  }
  const RosterReader reader(std::move(user_format));
  FileSummary u = users->path.empty() ? reader.read_bytes(users->name, users->bytes, *parts[0])
                                      : reader.read_file(users->path, part_sinks);
  if (u.refusal) return refused(std::move(summary), member_refusal(u, users->name), set);
  for (const auto& p : parts)
    summary.rows += p->students();
  if (summary.rows == 0 && !summary.delta) {  // a delta may change no student
    Discrepancy d;
    d.code = DiscrepancyCode::empty_file;
    d.detail = " (" + users->name + " has no user whose role is student)";
    return refused(std::move(summary), std::move(d), set);
  }
  std::vector<std::pair<std::string, FileSummary>> read = {{manifest->name, m}, {users->name, u}};
  if (orgs != nullptr) read.emplace_back(orgs->name, o);
  if (demographics != nullptr) read.emplace_back(demographics->name, dem);
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

FileSummary read_roster_set(const RosterFormat& format, const RosterSet& set,
                            const std::vector<RowSink*>& sinks, const CommittedLookup& committed) {
  if (iequals(format.preset, "oneroster-1.1")) return read_oneroster(format, set, sinks, committed);
  throw Error("the preset \"" + format.preset + "\" is not a layout of several files.");
}

}  // namespace rosterd
