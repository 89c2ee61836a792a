// The CSV files a district's mail carries, for people who open them in a spreadsheet
// (notify/csv_cell.h: BOM, IDs as text, formulas neutralised): every discrepancy and possible
// match of a run, and the students a held run would change.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "notify/mail_words.h"
#include "report/run_report.h"

namespace rosterd {

// A student a held run would change: a planned deactivation, or a proposed re-key.
struct Affected {
  std::string change;  // "deactivate", "new state ID"
  std::string state_id;
  std::string new_state_id;
  std::vector<std::string> values;  // before-image, kFieldCount (may be empty)
};

// The run's planned deactivations and proposed re-keys; only `campus`'s when it is set.
std::vector<Affected> affected_students(const RunReport& r, const std::string& campus);

// How many of them a mail's body lists; the CSV has them all.
inline constexpr std::size_t kAffectedShown = 20;

// "rosterd-FEED-run-N": the start of the attachments' names (the feed's name file-safe).
std::string attachment_base(const RunReport& r);

// The rows of some discrepancies, found by their lines: local ID and school. Indexes only the
// lines asked for (a few examples, or every discrepancy), not a million-row file.
class RowsByLine {
 public:
  RowsByLine(const RunReport& r, const std::vector<const Discrepancy*>& wanted);
  std::string get(std::uint32_t line, Field f) const;

 private:
  const StudentTable* rows_;
  std::unordered_map<std::uint32_t, StudentTable::Index> index_;
};

// severity,line,state_id,local_id,school_code,school_name,column,value,message,how_to_fix: one
// row a discrepancy of `ds` (as shown: PII already withheld) and one a possible match.
std::string discrepancy_csv(const std::vector<Discrepancy>& ds, const RunReport& r,
                            const DistrictTerms* terms, bool full_pii, const RowsByLine& rows);

// kind,file,severity,line,key,field,value,message,how_to_fix: one row a discrepancy of the set's
// other files (r.kinds), a name, email or phone withheld unless `full_pii`. Empty when they
// have none.
std::string kind_discrepancy_csv(const RunReport& r, bool full_pii);

// change,state_id,new_state_id,local_id,school_code,school_name,grade (and the names and birth
// date with `full_pii`).
std::string affected_csv(const std::vector<Affected>& who, const DistrictTerms* terms,
                         bool full_pii);

}  // namespace rosterd
