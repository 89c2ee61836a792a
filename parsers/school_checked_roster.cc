#include "parsers/school_checked_roster.h"

#include <memory>

#include "core/text.h"
#include "core/utf8.h"
#include "parsers/set_reading.h"

namespace rosterd {
namespace {

using namespace set_reading;

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

}  // namespace

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

}  // namespace rosterd
