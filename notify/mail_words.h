// How the district's mail names things: schools by code and name, the district's own column
// headers, counts in words, each discrepancy code as a heading, each tripped safeguard as a
// clause ("it would deactivate 16 of 49 students (33%)"), percentages rounded as people read
// them. Shared by the mail's banner, its subject, its sections and its CSVs.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/field.h"
#include "report/run_report.h"

namespace rosterd {

// How the district names things: its column headers, and the platform's school names.
struct DistrictTerms {
  std::array<std::string, kFieldCount> columns;  // the header of each field's column
  std::map<std::string, std::string, std::less<>> school_names;  // platform campus code -> name
};

// "1 row", "3 rows".
std::string count(unsigned long long n, const char* one, const char* many);
// Platform code and name: "201 Lincoln Elementary"; the code alone when the name is unknown.
std::string school_label(const DistrictTerms* terms, std::string_view code);
// The school's name alone; "" when unknown.
std::string school_name(const DistrictTerms* terms, std::string_view code);
// The district's header of the field's column ("LNAME"); rosterd's field name without terms.
std::string column_label(const DistrictTerms* terms, Field f);
// What a code's discrepancies are, as a heading ("Grades the platform does not know").
std::string code_title(DiscrepancyCode code);
// "adds 5 students, updates 8 and deactivates 7"; "changes no student".
std::string changes_phrase(const PlanCounts& p);
// What a tripped safeguard found, as a clause ("it would deactivate 16 of 49 students (33%)").
std::string trip_clause(const RunReport& r, const SafeguardTrip& t, const DistrictTerms* terms);
// The run's trips in the order a reader needs: what the run would do, then why it happened.
std::vector<const SafeguardTrip*> ordered_trips(const RunReport& r);
// "the feed allows 5%".
std::string limit_text(const SafeguardTrip& t);
// The alerts that keep a row from being added (possible and existing matches).
std::size_t possible_matches(const RunReport& r);
// A percentage as people read it: "33%", "0.4%", "0%".
std::string rounded_pct(double value);
// "Núñez, José Luis" from a record's values; "" when it has none.
std::string person_name(const std::vector<std::string>& values);

}  // namespace rosterd
