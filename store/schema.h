// The store's schema, as versioned migrations for each database. Each migration runs once, in
// order, in its own transaction; never edit one that has shipped, add the next. Both lists
// describe one schema (docs/store.md); a change is made to both.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rosterd {

class SqliteDb;

// The platform's read interface (docs/store.md): each feed's committed students, one row each,
// with platform codes. Its columns are a promise: later versions may add columns at the end,
// never rename, remove or change the meaning of one.
inline constexpr std::string_view kRosterCurrentView = R"sql(
CREATE VIEW roster_current AS
SELECT s.feed AS feed, s.state_id AS state_id, s.local_id AS local_id,
       s.first_name AS first_name, s.middle_name AS middle_name, s.last_name AS last_name,
       s.birth_date AS birth_date, s.grade AS grade, s.campus AS campus,
       s.diagnoses AS diagnoses, CASE WHEN s.status = 'A' THEN 1 ELSE 0 END AS active,
       s.ela_score AS ela_score, s.math_score AS math_score, s.platform_id AS platform_id,
       s.added_run AS added_run, s.updated_run AS updated_run, r.finished AS updated_at
FROM students s LEFT JOIN runs r ON r.id = s.updated_run;
)sql";

// The committed student count of each feed (feed_rosters), kept by every transaction that adds or
// removes students, so that a read of a damaged store cannot pass for a short roster; and the
// read view with it as its last column, `feed_students`, for the platform to compare its own
// count with. SQLite migration 9, PostgreSQL migration 4.
inline constexpr std::string_view kFeedRostersTable = R"sql(
CREATE TABLE feed_rosters (
  feed TEXT NOT NULL PRIMARY KEY,
  students BIGINT NOT NULL
);
INSERT INTO feed_rosters (feed, students) SELECT feed, count(*) FROM students GROUP BY feed;
)sql";
inline constexpr std::string_view kRosterCurrentViewSelect = R"sql(
SELECT s.feed AS feed, s.state_id AS state_id, s.local_id AS local_id,
       s.first_name AS first_name, s.middle_name AS middle_name, s.last_name AS last_name,
       s.birth_date AS birth_date, s.grade AS grade, s.campus AS campus,
       s.diagnoses AS diagnoses, CASE WHEN s.status = 'A' THEN 1 ELSE 0 END AS active,
       s.ela_score AS ela_score, s.math_score AS math_score, s.platform_id AS platform_id,
       s.added_run AS added_run, s.updated_run AS updated_run, r.finished AS updated_at,
       f.students AS feed_students
FROM students s LEFT JOIN runs r ON r.id = s.updated_run LEFT JOIN feed_rosters f ON f.feed = s.feed;
)sql";

// The console's users, their roles and keys, and the log of who did what (console_users.h,
// action_log.h), with `id_column` as the generated key's type. SQLite migration 10, PostgreSQL
// migration 5.
std::string console_tables_sql(std::string_view id_column);

// The mail lists people set in the console (mail_lists.h). SQLite migration 11, PostgreSQL 6.
std::string_view mail_lists_sql();

// A run's counts by school, for the console's run page (run_records.h). SQLite migration 12,
// PostgreSQL 7.
std::string_view run_campuses_sql();

const std::vector<std::string_view>& sqlite_migrations();
// PostgreSQL's first migration is the whole schema as SQLite's version 6 left it; its second
// is SQLite's seventh (the view), its third SQLite's eighth, its fourth SQLite's ninth, its
// fifth SQLite's tenth.
const std::vector<std::string_view>& postgres_migrations();

// Sets a new SQLite connection up before it migrates: WAL, full sync, foreign keys, and the
// rosterd_identity_key(last_name, birth_date) function that SQLite migration 4 calls to fill
// the key of students stored before it.
void prepare_sqlite_connection(SqliteDb& db);

}  // namespace rosterd
