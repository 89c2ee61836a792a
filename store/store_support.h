// What the store's concept classes (run_records, drop_ledger, outbox, ...) share: the students
// table's column list, the keys stored beside a student, timestamps, and the names runs and
// messages are tagged with. Internal to the store layer.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/discrepancy.h"
#include "core/field.h"
#include "core/student_table.h"
#include "planner/plan.h"
#include "store/sql_db.h"

namespace rosterd {

// The students table's columns of the kFieldCount values, in Field order: the one list every
// statement and bulk insert of students takes them from.
inline constexpr std::array<const char*, kFieldCount> kStudentFields = {
    "state_id", "local_id", "first_name", "middle_name", "last_name", "birth_date",
    "grade",    "campus",   "diagnoses",  "status",      "ela_score", "math_score"};

// kStudentFields joined by ", ", for a SELECT.
extern const std::string kStudentColumns;

// `before`, the student field columns, then `after`: a bulk insert's column list.
std::vector<std::string> with_student_fields(std::initializer_list<const char*> before,
                                             std::initializer_list<const char*> after);

// What the store keeps beside a student's values, computed from them: the digest the plan
// compares and the identity key the matcher looks up.
struct StoredKeys {
  std::int64_t digest = 0;
  std::int64_t identity = 0;
};
StoredKeys stored_keys(const StudentValues& v);

// Now by `clock`, as the store records times (UTC, ISO 8601).
std::string now_utc(const Clock& clock);
std::string host_name();
// "rosterd@HOST:PID": names this process in pg_stat_activity, runs and `rosterd status`.
std::string instance_name();
// True while process `pid` of this host exists (EPERM: it does, under another user).
bool process_alive(std::int64_t pid);

// The columns a run's discrepancy is read with, and the discrepancy they make.
inline constexpr const char* kDiscrepancyColumns = "line, student_id, field, code, value, detail";
Discrepancy read_discrepancy(const Statement& q);

// The columns a run's recorded change is read with, and the change they make.
inline constexpr const char* kChangeColumns =
    "state_id, kind, changed_fields, line, before, after, platform_id";
Change read_change(const Statement& q);
// A committed ingest's addition, from a students row read with kStudentColumns.
Change read_addition(const Statement& q);

// The id a statement ending in RETURNING id gave back. Throws StoreError when it gave none.
std::int64_t returned_id(Statement& ins);

}  // namespace rosterd
