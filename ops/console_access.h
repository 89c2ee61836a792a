// Who may use the console, and how they prove it (docs/console.md, "People and roles"): users
// and their roles (`rosterd user`), API tokens (`rosterd token`), one-time set-password links,
// and signing in and out. Each change to people is in the action log.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "store/roster_store.h"

namespace rosterd {

// "approver on gen, viewer on every feed": a user's roles in words.
std::string grants_text(const std::vector<ConsoleGrant>& grants);

// True when `user` has at least `needed` on `feed` (a grant on that feed or on every feed; an
// admin anywhere is an admin everywhere).
bool may(const ConsoleUser& user, const std::string& feed, ConsoleRole needed);
// The feeds of `config` the user may see, by name.
std::vector<std::string> visible_feeds(const ConsoleUser& user, const Config& config);

struct NewConsoleUser {
  std::string email;
  std::string name;
  std::vector<ConsoleGrant> grants;  // admin: one grant on "*"
  std::optional<std::string> password;
};

struct AddedConsoleUser {
  ConsoleUser user;
  // Without a password: the one-time link that sets it (public_url/set-password?key=...).
  std::string set_password_link;
};

// Adds a user. Throws UsageError for an email that is not one, a feed the configuration does
// not have, an admin limited to some feeds, a password too short; Error when the email is taken.
AddedConsoleUser add_console_user(RosterStore& store, const Config& config,
                                  const NewConsoleUser& user, const Actor& by);
// Throws NotFoundError when there is no such user.
void remove_console_user(RosterStore& store, const std::string& email, const Actor& by);
// A new one-time link for `email` to set a password (and sign in): for a forgotten password, or
// the demo admin of a fresh install. Throws NotFoundError for an unknown user.
std::string password_link(RosterStore& store, const Config& config, const std::string& email,
                          const Actor& by);

struct NewToken {
  std::string id;      // what `token list` shows and `token revoke` takes: 12 hex digits
  std::string secret;  // the bearer token, shown once; the store keeps its digest only
  std::int64_t expires = 0;
};
// `valid_for` zero: never expires. Throws NotFoundError for an unknown user.
NewToken create_token(RosterStore& store, const std::string& email, const std::string& name,
                      std::chrono::seconds valid_for, const Actor& by);
struct TokenInfo {
  std::string id;
  std::string email;
  std::string name;
  std::string created;  // UTC
  std::string expires;  // UTC; empty: never
};
std::vector<TokenInfo> list_tokens(RosterStore& store);
// Throws NotFoundError when no live token has that id.
void revoke_token(RosterStore& store, const std::string& id, const Actor& by);

// A signed-in browser: the cookie's value and the token its forms carry.
struct ConsoleSession {
  std::string key;   // the cookie value; the store keeps its digest
  std::string csrf;  // goes in every form; compared with the session's
  ConsoleUser user;
};
// Signs in with email and password: nullopt when either is wrong (the caller answers the same
// for both). The session expires after config.console.session_idle without use.
std::optional<ConsoleSession> sign_in(RosterStore& store, const Config& config,
                                      const std::string& email, const std::string& password,
                                      const std::string& address);
// Sets the password of the user a one-time link names and signs them in; nullopt when the link
// is unknown, used or expired. Throws UsageError for a password out of bounds (the link stays).
std::optional<ConsoleSession> set_password_with_link(RosterStore& store, const Config& config,
                                                     const std::string& link_key,
                                                     const std::string& password,
                                                     const std::string& address);
// The session a cookie names, its idle time renewed; nullopt when unknown or expired.
std::optional<ConsoleSession> find_session(RosterStore& store, const Config& config,
                                           const std::string& key);
void sign_out(RosterStore& store, const std::string& key);
// The user a bearer token names; nullopt when unknown, revoked or expired.
std::optional<ConsoleUser> token_user(RosterStore& store, const std::string& token);

}  // namespace rosterd
