#include "store/console_users.h"

#include <array>

#include "core/text.h"
#include "store/store_support.h"

namespace rosterd {
namespace {

constexpr std::array<std::string_view, 3> kRoleNames = {"viewer", "approver", "admin"};
constexpr std::array<std::string_view, 3> kKeyKinds = {"session", "token", "link"};

std::string_view kind_name(KeyKind kind) {
  return kKeyKinds[static_cast<std::size_t>(kind)];
}

KeyKind parse_kind(std::string_view name) {
  for (std::size_t i = 0; i < kKeyKinds.size(); ++i)
    if (kKeyKinds[i] == name) return static_cast<KeyKind>(i);
  throw StoreError("the store holds a console key of unknown kind \"" + std::string(name) + "\"");
}

constexpr const char* kUserColumns = "id, email, name, password_hash, created FROM console_users";

ConsoleUser read_user(const Statement& q) {
  ConsoleUser u;
  u.id = q.integer(0);
  u.email = q.text(1);
  u.name = q.text(2);
  u.password_hash = q.text(3);
  u.created = q.text(4);
  return u;
}

constexpr const char* kKeyColumns =
    "digest, user_id, kind, label, csrf, created, last_used, expires FROM console_keys";

ConsoleKey read_key(const Statement& q) {
  ConsoleKey k;
  k.digest = q.text(0);
  k.user = q.integer(1);
  k.kind = parse_kind(q.text(2));
  k.label = q.text(3);
  k.csrf = q.text(4);
  k.created = q.integer(5);
  k.last_used = q.integer(6);
  k.expires = q.integer(7);
  return k;
}

}  // namespace

std::string_view console_role_name(ConsoleRole role) {
  return kRoleNames[static_cast<std::size_t>(role)];
}

std::optional<ConsoleRole> parse_console_role(std::string_view name) {
  for (std::size_t i = 0; i < kRoleNames.size(); ++i)
    if (kRoleNames[i] == name) return static_cast<ConsoleRole>(i);
  return std::nullopt;
}

std::int64_t ConsoleUsers::add(const std::string& email, const std::string& name,
                               const std::string& password_hash,
                               const std::vector<ConsoleGrant>& grants) {
  const std::string key = ascii_lower(email);
  Transaction tx(db_);
  Statement exists(db_, "SELECT 1 FROM console_users WHERE email = ?");
  exists.bind(1, key);
  if (exists.step()) throw Error("there is a console user " + key + " already.");
  Statement ins(db_,
                "INSERT INTO console_users (email, name, password_hash, created) VALUES (?, ?, ?, "
                "?) RETURNING id");
  ins.bind(1, key).bind(2, name).bind(3, password_hash).bind(4, now_utc(clock_));
  const std::int64_t id = returned_id(ins);
  Statement role(db_, "INSERT INTO console_roles (user_id, feed, role) VALUES (?, ?, ?)");
  for (const ConsoleGrant& g : grants) {
    role.bind(1, id).bind(2, g.feed).bind(3, console_role_name(g.role)).run();
  }
  tx.commit();
  return id;
}

bool ConsoleUsers::remove(const std::string& email) {
  Transaction tx(db_);
  const auto user = find(email);
  if (!user) return false;
  for (const char* sql :
       {"DELETE FROM console_keys WHERE user_id = ?", "DELETE FROM console_roles WHERE user_id = ?",
        "DELETE FROM console_users WHERE id = ?"}) {
    Statement del(db_, sql);
    del.bind(1, user->id).run();
  }
  tx.commit();
  return true;
}

void ConsoleUsers::set_password(std::int64_t user, const std::string& password_hash) {
  Transaction tx(db_);
  Statement up(db_, "UPDATE console_users SET password_hash = ? WHERE id = ?");
  up.bind(1, password_hash).bind(2, user).run();
  // A new password ends every session the old one opened, and every link still unused.
  Statement del(db_, "DELETE FROM console_keys WHERE user_id = ? AND kind IN ('session', 'link')");
  del.bind(1, user).run();
  tx.commit();
}

std::vector<ConsoleUser> ConsoleUsers::list() {
  std::vector<ConsoleUser> out;
  {
    Statement q(db_, std::string("SELECT ") + kUserColumns + " ORDER BY email");
    while (q.step())
      out.push_back(read_user(q));
  }
  for (ConsoleUser& u : out)
    u.grants = grants_of(u.id);
  return out;
}

std::optional<ConsoleUser> ConsoleUsers::find(const std::string& email) {
  std::optional<ConsoleUser> u;
  {
    Statement q(db_, std::string("SELECT ") + kUserColumns + " WHERE email = ?");
    q.bind(1, ascii_lower(email));
    if (q.step()) u = read_user(q);
  }
  if (u) u->grants = grants_of(u->id);
  return u;
}

std::optional<ConsoleUser> ConsoleUsers::get(std::int64_t id) {
  std::optional<ConsoleUser> u;
  {
    Statement q(db_, std::string("SELECT ") + kUserColumns + " WHERE id = ?");
    q.bind(1, id);
    if (q.step()) u = read_user(q);
  }
  if (u) u->grants = grants_of(u->id);
  return u;
}

std::vector<ConsoleGrant> ConsoleUsers::grants_of(std::int64_t user) {
  std::vector<ConsoleGrant> out;
  Statement q(db_, "SELECT feed, role FROM console_roles WHERE user_id = ? ORDER BY feed");
  q.bind(1, user);
  while (q.step()) {
    const auto role = parse_console_role(q.text(1));
    if (!role)
      throw StoreError("the store holds an unknown console role \"" + std::string(q.text(1)) +
                       "\"");
    out.push_back({std::string(q.text(0)), *role});
  }
  return out;
}

void ConsoleUsers::add_key(const ConsoleKey& key) {
  Statement ins(db_,
                "INSERT INTO console_keys (digest, user_id, kind, label, csrf, created, last_used, "
                "expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  ins.bind(1, key.digest)
      .bind(2, key.user)
      .bind(3, kind_name(key.kind))
      .bind(4, key.label)
      .bind(5, key.csrf)
      .bind(6, key.created)
      .bind(7, key.last_used)
      .bind(8, key.expires)
      .run();
}

std::optional<ConsoleKey> ConsoleUsers::key(const std::string& digest, KeyKind kind) {
  Statement q(db_, std::string("SELECT ") + kKeyColumns +
                       " WHERE digest = ? AND kind = ? AND (expires = 0 OR expires > ?)");
  q.bind(1, digest).bind(2, kind_name(kind)).bind(3, clock_.now());
  if (!q.step()) return std::nullopt;
  return read_key(q);
}

void ConsoleUsers::touch_key(const std::string& digest, std::int64_t idle_expires) {
  Statement up(db_, "UPDATE console_keys SET last_used = ?, expires = ? WHERE digest = ?");
  up.bind(1, clock_.now()).bind(2, idle_expires).bind(3, digest).run();
}

bool ConsoleUsers::remove_key(const std::string& digest) {
  Statement del(db_, "DELETE FROM console_keys WHERE digest = ?");
  del.bind(1, digest).run();
  return db_.changes() > 0;
}

std::optional<std::int64_t> ConsoleUsers::take_link(const std::string& digest) {
  Statement del(db_,
                "DELETE FROM console_keys WHERE digest = ? AND kind = 'link' AND expires > ? "
                "RETURNING user_id");
  del.bind(1, digest).bind(2, clock_.now());
  if (!del.step()) return std::nullopt;
  const std::int64_t user = del.integer(0);
  while (del.step()) {
  }
  return user;
}

std::vector<ConsoleKey> ConsoleUsers::keys(KeyKind kind) {
  std::vector<ConsoleKey> out;
  Statement q(db_, std::string("SELECT ") + kKeyColumns +
                       " WHERE kind = ? AND (expires = 0 OR expires > ?) ORDER BY created, digest");
  q.bind(1, kind_name(kind)).bind(2, clock_.now());
  while (q.step())
    out.push_back(read_key(q));
  return out;
}

std::size_t ConsoleUsers::drop_expired() {
  Statement del(db_, "DELETE FROM console_keys WHERE expires <> 0 AND expires <= ?");
  del.bind(1, clock_.now()).run();
  return static_cast<std::size_t>(db_.changes());
}

}  // namespace rosterd
