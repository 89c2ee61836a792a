#include "store/feed_pauses.h"

#include "store/store_support.h"

namespace rosterd {

std::string_view feed_pauses_sql() {
  return R"sql(
CREATE TABLE feed_pauses (
  feed TEXT PRIMARY KEY,
  since TEXT NOT NULL,
  until TEXT NOT NULL,
  reason TEXT NOT NULL,
  paused_by TEXT NOT NULL
);
)sql";
}

FeedPause FeedPauses::pause(const std::string& feed, std::optional<CivilDate> until,
                            const std::string& reason, const Actor& by) {
  FeedPause p{feed, now_utc(clock_), until, reason, by.who};
  Transaction tx(db_);
  Statement del(db_, "DELETE FROM feed_pauses WHERE feed = ?");
  del.bind(1, feed).run();
  Statement ins(db_,
                "INSERT INTO feed_pauses (feed, since, until, reason, paused_by) VALUES (?, ?, ?, "
                "?, ?)");
  ins.bind(1, feed)
      .bind(2, p.since)
      .bind(3, until ? to_iso(*until) : std::string())
      .bind(4, reason)
      .bind(5, by.who)
      .run();
  actions_.record(by, "pause", feed, std::nullopt, std::nullopt,
                  until ? "until " + to_iso(*until) : std::string("until resumed"));
  tx.commit();
  return p;
}

bool FeedPauses::resume(const std::string& feed, const Actor& by) {
  Transaction tx(db_);
  Statement del(db_, "DELETE FROM feed_pauses WHERE feed = ?");
  del.bind(1, feed).run();
  if (db_.changes() == 0) return false;
  actions_.record(by, "resume", feed, std::nullopt, std::nullopt, "");
  tx.commit();
  return true;
}

std::optional<FeedPause> FeedPauses::in_force(const std::string& feed, CivilDate today) {
  Statement q(db_, "SELECT since, until, reason, paused_by FROM feed_pauses WHERE feed = ?");
  q.bind(1, feed);
  if (!q.step()) return std::nullopt;
  FeedPause p;
  p.feed = feed;
  p.since = std::string(q.text(0));
  if (!q.text(1).empty()) p.until = parse_date(q.text(1), "%Y-%m-%d");
  p.reason = std::string(q.text(2));
  p.by = std::string(q.text(3));
  if (p.until && *p.until < today) return std::nullopt;  // over
  return p;
}

}  // namespace rosterd
