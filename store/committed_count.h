// Each feed's committed student count (the feed_rosters table), kept by every transaction that
// adds or removes students, and compared with what every full read of a feed's students finds.
//
// A damaged SQLite file does not always say so: one flipped byte in an interior page of the
// students table can end a range scan early without an error, and an export, a plan or the
// platform's read view would then see a short roster, as if most of the district had left. A
// count kept beside the rows, in the same transactions, turns that into a refusal with what to do.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/sql_db.h"

namespace rosterd {

// Adds `delta` to `feed`'s count. REQUIRES: inside the transaction that added or removed the rows.
void count_students(SqlDb& db, const std::string& feed, std::int64_t delta);

// The SQL of a column giving the feed's recorded count in the same statement (one snapshot) as a
// scan of its students; it reads parameter ?1 as the feed.
inline constexpr const char* kRecordedStudentsColumn =
    "(SELECT students FROM feed_rosters WHERE feed = ?1)";

// Counts the students a full read of one feed visits, and refuses the read when it found fewer
// or more than the feed's recorded count.
class WholeReadCheck {
 public:
  WholeReadCheck(SqlDb& db, std::string feed) : db_(db), feed_(std::move(feed)) {}
  // One student read; `recorded` is the kRecordedStudentsColumn of its row (NULL as 0).
  void row(std::int64_t recorded) {
    ++read_;
    recorded_ = recorded;
  }
  // After the last row. Throws StoreDamagedError when the count differs.
  void finish();

 private:
  SqlDb& db_;
  std::string feed_;
  std::int64_t read_ = 0;
  std::int64_t recorded_ = -1;  // -1: no row read; asked for in finish()
};

// Every problem a check of the whole store finds (empty: it is whole): SQLite's quick_check when
// `thorough` (it reads every page), then each feed's students counted against its record.
std::vector<std::string> find_store_damage(SqlDb& db, bool thorough);

}  // namespace rosterd
