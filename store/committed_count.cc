#include "store/committed_count.h"

#include "core/text.h"

namespace rosterd {

std::string damaged_store_advice(const std::string& where, SqlDialect dialect) {
  const std::string after =
      "each roster file is a whole roster, so the next file the district sends brings the "
      "restored store up to date (or ingest the newest copy in state_dir/archive/FEED at once). "
      "`rosterd store-check` tells whether a store is whole.";
  if (dialect == SqlDialect::postgresql) {
    return "The roster store " + where +
           " does not add up; rosterd changed nothing. If a rosterd of an older version still "
           "runs against this database, stop it (every instance must run the same version) and "
           "run `rosterd store-check`; otherwise restore the database's last backup "
           "(docs/store.md, \"A damaged store\"): " +
           after;
  }
  return "The roster store " + where +
         " is damaged; rosterd changed nothing. Stop rosterd, restore the store's last backup "
         "(docs/store.md, \"A damaged store\"), then start it again: " +
         after;
}

void count_students(SqlDb& db, const std::string& feed, std::int64_t delta) {
  if (delta == 0) return;
  Statement q(db,
              "INSERT INTO feed_rosters (feed, students) VALUES (?, ?) ON CONFLICT (feed) DO "
              "UPDATE SET students = feed_rosters.students + excluded.students");
  q.bind(1, feed).bind(2, delta).run();
}

namespace {

std::string mismatch(const std::string& feed, std::int64_t recorded, std::int64_t read) {
  return "feed " + feed + " has " + group_thousands(static_cast<unsigned long long>(recorded)) +
         " committed students, but " + group_thousands(static_cast<unsigned long long>(read)) +
         " could be read";
}

}  // namespace

void WholeReadCheck::finish() {
  std::int64_t read = read_;
  std::int64_t recorded = recorded_;
  if (read_ == 0) {
    // No row, so no count came with the scan: a feed whose every page is lost reads as empty.
    // Both are asked again in one statement (one snapshot), so that a feed's first load
    // committing between the scan and this is not taken for damage.
    Statement q(db_, std::string("SELECT count(*), ") + kRecordedStudentsColumn +
                         " FROM students WHERE feed = ?1");
    q.bind(1, feed_);
    q.step();
    read = q.integer(0);
    recorded = q.is_null(1) ? 0 : q.integer(1);
  }
  if (recorded == read) return;
  throw StoreDamagedError(mismatch(feed_, recorded, read) + ". " +
                          damaged_store_advice(db_.where(), db_.dialect()));
}

std::vector<std::string> find_store_damage(SqlDb& db, bool thorough) {
  std::vector<std::string> problems;
  if (thorough && db.dialect() == SqlDialect::sqlite) {
    // The first ten findings: enough to know, short enough to read.
    Statement q(db, "PRAGMA quick_check(10)");
    while (q.step()) {
      if (q.text(0) != "ok") problems.emplace_back(q.text(0));
    }
  }
  // Every feed the store has a count for, and every feed with students (a lost count row).
  Statement feeds(db,
                  "SELECT feed FROM feed_rosters UNION SELECT DISTINCT feed FROM students ORDER "
                  "BY 1");
  std::vector<std::string> names;
  while (feeds.step())
    names.emplace_back(feeds.text(0));
  for (const std::string& feed : names) {
    Statement q(db, std::string("SELECT count(*), ") + kRecordedStudentsColumn +
                        " FROM students WHERE feed = ?1");
    q.bind(1, feed);
    q.step();
    const std::int64_t read = q.integer(0);
    const std::int64_t recorded = q.is_null(1) ? 0 : q.integer(1);
    if (read != recorded) problems.push_back(mismatch(feed, recorded, read));
  }
  return problems;
}

}  // namespace rosterd
