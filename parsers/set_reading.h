// What the readers of a set of files share (parsers/roster_set.h: OneRoster, School Data Sync
// v2.1, a one-file layout with its file of schools): reading a member, indexing it by a key,
// completing each student's row from the indexes, and a set's identity or refusal. Internal
// to the parsers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/text.h"
#include "core/utf8.h"
#include "parsers/roster_reader.h"
#include "parsers/roster_set.h"

namespace rosterd::set_reading {

// A key's row in a file the students' rows are completed from.
struct Related {
  std::string value;              // the column wanted (a birth date, an org's type)
  std::string also;               // a second column, when one is wanted (an org's name)
  std::uint32_t line = 0;         // the first row with the key
  std::uint32_t second_line = 0;  // another row with the same key, if any
};
using RelatedIndex = std::unordered_map<std::string, Related, StringHash, std::equal_to<>>;

// A user's student roles in a roles.csv (School Data Sync v2.1, OneRoster 1.2), by user.
struct StudentRole {
  std::string org;
  std::string grade;
  bool primary = false;
  std::uint32_t line = 0;
};
using RoleIndex =
    std::unordered_map<std::string, std::vector<StudentRole>, StringHash, std::equal_to<>>;

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
std::string short_name(std::string_view name);

// Indexes a member by its key column (extras[0]), keeping extras[1] of each key (the column
// `value`; when `value_optional`, a name the file may lack, kept as short_name), and the
// optional column `also` (a name, short_name) when named.
FileSummary index_member(const SetMember& m, Encoding encoding, const std::string& key,
                         const std::string& value, RelatedIndex& index,
                         const std::string& also = {}, bool value_optional = false);

// A member's refusal, as the set's: its detail names the member.
Discrepancy member_refusal(const FileSummary& s, const std::string& member);

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
                          std::uint32_t& students);

// Whether a side file's refusal refuses the set: a delta's orgs.csv or demographics.csv with its
// header alone lists no changes, which is no fault.
bool refuses(const FileSummary& member, bool delta);

// The set's identity (set_sha256), and the members' bytes.
void set_identity(FileSummary& summary,
                  const std::vector<std::pair<std::string, FileSummary>>& members);

// A refused set's identity, from every member of it (those read and those not).
FileSummary refused(FileSummary summary, Discrepancy why, const RosterSet& set);

// The set refused for lacking the file `file`; `needs` says what the layout needs.
FileSummary missing_member(FileSummary summary, const char* file, const std::string& needs,
                           const RosterSet& set);

}  // namespace rosterd::set_reading
