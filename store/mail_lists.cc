#include "store/mail_lists.h"

#include "core/text.h"
#include "store/store_support.h"

namespace rosterd {

std::map<std::string, StoredMailList> MailLists::for_feed(const std::string& feed) {
  std::map<std::string, StoredMailList> out;
  Statement q(db_, "SELECT kind, addresses, changed, changed_by FROM mail_lists WHERE feed = ?");
  q.bind(1, feed);
  while (q.step()) {
    StoredMailList l;
    for (std::string_view a : split(q.text(1), '\n'))
      if (!a.empty()) l.addresses.emplace_back(a);
    l.changed = q.text(2);
    l.changed_by = q.text(3);
    out.emplace(std::string(q.text(0)), std::move(l));
  }
  return out;
}

void MailLists::set(const std::string& feed, const std::string& kind,
                    const std::vector<std::string>& addresses, const Actor& by) {
  std::string joined;
  for (const std::string& a : addresses)
    joined += (joined.empty() ? "" : "\n") + a;
  Transaction tx(db_);
  Statement del(db_, "DELETE FROM mail_lists WHERE feed = ? AND kind = ?");
  del.bind(1, feed).bind(2, kind).run();
  Statement ins(db_,
                "INSERT INTO mail_lists (feed, kind, addresses, changed, changed_by) VALUES (?, "
                "?, ?, ?, ?)");
  ins.bind(1, feed).bind(2, kind).bind(3, joined).bind(4, now_utc(clock_)).bind(5, by.who).run();
  actions_.record(by, "mail list", feed, std::nullopt, std::nullopt,
                  kind + ": " +
                      (addresses.empty() ? std::string("nobody")
                                         : std::to_string(addresses.size()) + " addresses"));
  tx.commit();
}

bool MailLists::reset(const std::string& feed, const std::string& kind, const Actor& by) {
  Transaction tx(db_);
  Statement del(db_, "DELETE FROM mail_lists WHERE feed = ? AND kind = ?");
  del.bind(1, feed).bind(2, kind).run();
  if (db_.changes() == 0) return false;
  actions_.record(by, "mail list", feed, std::nullopt, std::nullopt,
                  kind + ": back to the configuration's list");
  tx.commit();
  return true;
}

}  // namespace rosterd
