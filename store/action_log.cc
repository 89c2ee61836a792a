#include "store/action_log.h"

#include <array>

#include "store/store_support.h"

namespace rosterd {
namespace {

constexpr std::array<std::string_view, 5> kSources = {"cli", "console", "api", "mail link",
                                                      "rosterd"};

constexpr const char* kColumns =
    "id, at, who, via, address, action, feed, run, alert, reason, detail FROM actions";

ActionRecord read_action(const Statement& q) {
  ActionRecord a;
  a.id = q.integer(0);
  a.at = q.text(1);
  a.who = q.text(2);
  a.via = q.text(3);
  a.address = q.text(4);
  a.action = q.text(5);
  a.feed = q.text(6);
  a.run = q.optional_integer(7);
  a.alert = q.optional_integer(8);
  a.reason = q.text(9);
  a.detail = q.text(10);
  return a;
}

}  // namespace

std::string_view action_source_name(ActionSource via) {
  return kSources[static_cast<std::size_t>(via)];
}

void ActionLog::record(const Actor& by, std::string_view action, const std::string& feed,
                       std::optional<std::int64_t> run, std::optional<std::int64_t> alert,
                       const std::string& detail) {
  Statement ins(db_,
                "INSERT INTO actions (at, who, via, address, action, feed, run, alert, reason, "
                "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, now_utc(clock_))
      .bind(2, by.who)
      .bind(3, action_source_name(by.via))
      .bind(4, by.address)
      .bind(5, action)
      .bind(6, feed)
      .bind(7, run)
      .bind(8, alert)
      .bind(9, by.reason)
      .bind(10, detail)
      .run();
}

std::vector<ActionRecord> ActionLog::for_run(std::int64_t run) {
  std::vector<ActionRecord> out;
  Statement q(db_, std::string("SELECT ") + kColumns + " WHERE run = ? ORDER BY id");
  q.bind(1, run);
  while (q.step())
    out.push_back(read_action(q));
  return out;
}

std::vector<ActionRecord> ActionLog::recent(const std::string& feed, std::size_t last) {
  std::vector<ActionRecord> out;
  Statement q(db_, std::string("SELECT ") + kColumns +
                       (feed.empty() ? " WHERE ? = '' " : " WHERE feed = ? ") +
                       "ORDER BY id DESC LIMIT ?");
  q.bind(1, feed).bind(2, static_cast<std::int64_t>(last));
  while (q.step())
    out.push_back(read_action(q));
  return out;
}

}  // namespace rosterd
