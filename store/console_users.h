// The console's people (docs/console.md): users with their roles per feed, and the keys that
// stand for them — browser sessions, API tokens and one-time set-password links. The store
// keeps a key's SHA-256 only (core/secret.h), never the key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "store/sql_db.h"

namespace rosterd {

// What a user may do on a feed; each role can do what the one before it can.
enum class ConsoleRole {
  viewer,    // sees runs, reports, alerts, students
  approver,  // also decides held runs and alerts, syncs now, tests files, edits mail lists
  admin,     // every feed, and the users
};
std::string_view console_role_name(ConsoleRole role);
// nullopt for a name that is not a role.
std::optional<ConsoleRole> parse_console_role(std::string_view name);

// A role on one feed, or on every feed when `feed` is "*".
struct ConsoleGrant {
  std::string feed;
  ConsoleRole role = ConsoleRole::viewer;
};
inline constexpr std::string_view kEveryFeed = "*";

struct ConsoleUser {
  std::int64_t id = 0;
  std::string email;  // lowercase; how the user logs in and is named in the history
  std::string name;
  std::string password_hash;  // empty until the user sets one
  std::string created;        // UTC
  std::vector<ConsoleGrant> grants;
};

enum class KeyKind {
  session,  // a browser's cookie; expires after idle time
  token,    // an API bearer token; expires on a date, or never
  link,     // a one-time link to set a password; used once
};

struct ConsoleKey {
  std::string digest;  // key_digest(key)
  std::int64_t user = 0;
  KeyKind kind = KeyKind::session;
  std::string label;  // a token's name; a session's address
  std::string csrf;   // a session's form token
  std::int64_t created = 0;
  std::int64_t last_used = 0;
  std::int64_t expires = 0;  // seconds since the epoch; 0: never
};

class ConsoleUsers {
 public:
  ConsoleUsers(SqlDb& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Adds a user (email lowercased). Throws Error when one with that email exists.
  std::int64_t add(const std::string& email, const std::string& name,
                   const std::string& password_hash, const std::vector<ConsoleGrant>& grants);
  // Removes the user, their roles and every key of theirs. False when there is no such user.
  bool remove(const std::string& email);
  // Also ends the user's sessions and unused set-password links.
  void set_password(std::int64_t user, const std::string& password_hash);
  std::vector<ConsoleUser> list();
  std::optional<ConsoleUser> find(const std::string& email);
  std::optional<ConsoleUser> get(std::int64_t id);

  void add_key(const ConsoleKey& key);
  // The key of that digest and kind while it is neither expired nor revoked.
  std::optional<ConsoleKey> key(const std::string& digest, KeyKind kind);
  // A session was used: it expires `idle` seconds from now.
  void touch_key(const std::string& digest, std::int64_t idle_expires);
  // Removes a key (a logout, a revoked token). False when there was none.
  bool remove_key(const std::string& digest);
  // Takes a one-time link: its user, and the link is gone; nullopt when it is unknown, used or
  // expired. Two requests racing for one link: one wins.
  std::optional<std::int64_t> take_link(const std::string& digest);
  // Every live key of one kind, oldest first (tokens for `token list`).
  std::vector<ConsoleKey> keys(KeyKind kind);
  // Drops every expired key; returns how many.
  std::size_t drop_expired();

 private:
  std::vector<ConsoleGrant> grants_of(std::int64_t user);

  SqlDb& db_;
  const Clock& clock_;
};

}  // namespace rosterd
