#include "store/mail_links.h"

#include "core/secret.h"
#include "store/store_support.h"

namespace rosterd {

std::string_view mail_links_sql() {
  return R"sql(
CREATE TABLE mail_links (
  digest TEXT NOT NULL PRIMARY KEY,
  feed TEXT NOT NULL,
  run BIGINT NOT NULL,
  recipient TEXT NOT NULL,
  action TEXT NOT NULL,
  created BIGINT NOT NULL,
  expires BIGINT NOT NULL,
  used BIGINT NOT NULL DEFAULT 0,
  used_for TEXT NOT NULL DEFAULT ''
);
CREATE INDEX mail_links_expires ON mail_links(expires);
)sql";
}

std::string MailLinks::issue(const std::string& feed, std::int64_t run,
                             const std::string& recipient, const std::string& action,
                             std::chrono::seconds valid_for) {
  const std::string key = random_key();
  const std::int64_t now = clock_.now();
  Statement ins(db_,
                "INSERT INTO mail_links (digest, feed, run, recipient, action, created, expires) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, key_digest(key))
      .bind(2, feed)
      .bind(3, run)
      .bind(4, recipient)
      .bind(5, action)
      .bind(6, now)
      .bind(7, now + valid_for.count())
      .run();
  return key;
}

std::optional<MailLinkRecord> MailLinks::find(const std::string& key) {
  if (key.size() != 64) return std::nullopt;
  Statement q(db_,
              "SELECT feed, run, recipient, action, created, expires, used, used_for FROM "
              "mail_links WHERE digest = ?");
  q.bind(1, key_digest(key));
  if (!q.step()) return std::nullopt;
  MailLinkRecord l;
  l.feed = q.text(0);
  l.run = q.integer(1);
  l.recipient = q.text(2);
  l.action = q.text(3);
  l.created = q.integer(4);
  l.expires = q.integer(5);
  l.used = q.integer(6);
  l.used_for = q.text(7);
  return l;
}

bool MailLinks::use(const std::string& key, const std::string& what) {
  const std::int64_t now = clock_.now();
  Statement q(db_,
              "UPDATE mail_links SET used = ?, used_for = ? WHERE digest = ? AND used = 0 AND "
              "expires >= ?");
  q.bind(1, now).bind(2, what).bind(3, key_digest(key)).bind(4, now).run();
  return db_.changes() == 1;
}

void MailLinks::release(const std::string& key) {
  Statement q(db_, "UPDATE mail_links SET used = 0, used_for = '' WHERE digest = ?");
  q.bind(1, key_digest(key)).run();
}

std::size_t MailLinks::forget_expired() {
  Statement q(db_, "DELETE FROM mail_links WHERE expires < ?");
  q.bind(1, clock_.now() - 7 * 86400).run();
  return static_cast<std::size_t>(db_.changes());
}

}  // namespace rosterd
