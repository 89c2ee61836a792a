#include "ops/console_access.h"

#include "config/config_values.h"
#include "core/civil_date.h"
#include "core/secret.h"
#include "core/text.h"

namespace rosterd {
namespace {

ConsoleUser require_user(RosterStore& store, const std::string& email) {
  auto u = store.users().find(email);
  if (!u) throw NotFoundError(NotFoundError::What::user, "there is no console user " + email + ".");
  return *u;
}

ConsoleSession open_session(RosterStore& store, const Config& config, const ConsoleUser& user,
                            const std::string& address) {
  ConsoleSession s{random_key(), random_key(), user};
  const std::int64_t now = store.clock().now();
  store.users().add_key({key_digest(s.key), user.id, KeyKind::session, address, s.csrf, now, now,
                         now + config.console.session_idle.count()});
  return s;
}

std::string new_link(RosterStore& store, const Config& config, std::int64_t user) {
  const std::string key = random_key();
  const std::int64_t now = store.clock().now();
  store.users().add_key({key_digest(key), user, KeyKind::link, "", "", now, now,
                         now + config.console.link_valid_for.count()});
  return config.console.public_url + "/set-password?key=" + key;
}

constexpr std::size_t kTokenIdLength = 12;
constexpr std::int64_t kSessionLifetime = 12 * 3600;

}  // namespace

std::string grants_text(const std::vector<ConsoleGrant>& grants) {
  std::string out;
  for (const ConsoleGrant& g : grants) {
    out += out.empty() ? "" : ", ";
    out += std::string(console_role_name(g.role)) +
           (g.feed == kEveryFeed ? " on every feed" : " on " + g.feed);
  }
  return out;
}

bool may(const ConsoleUser& user, const std::string& feed, ConsoleRole needed) {
  for (const ConsoleGrant& g : user.grants) {
    if (g.role == ConsoleRole::admin) return true;
    if ((g.feed == feed || g.feed == kEveryFeed) && g.role >= needed) return true;
  }
  return false;
}

std::vector<std::string> visible_feeds(const ConsoleUser& user, const Config& config) {
  std::vector<std::string> out;
  for (const auto& [name, feed] : config.feeds)
    if (may(user, name, ConsoleRole::viewer)) out.push_back(name);
  return out;
}

AddedConsoleUser add_console_user(RosterStore& store, const Config& config,
                                  const NewConsoleUser& user, const Actor& by) {
  if (!plausible_address(user.email))
    throw UsageError("\"" + user.email + "\" is not an email address; users sign in with theirs.");
  if (user.grants.empty()) throw UsageError("a user needs a role (--role viewer|approver|admin).");
  for (const ConsoleGrant& g : user.grants) {
    if (g.role == ConsoleRole::admin && g.feed != kEveryFeed)
      throw UsageError("an admin has every feed: leave --feed out for --role admin.");
    if (g.feed != kEveryFeed && !config.feeds.contains(g.feed)) {
      std::string names;
      for (const auto& [name, f] : config.feeds)
        names += (names.empty() ? "" : ", ") + name;
      throw UsageError("there is no feed \"" + g.feed + "\" in " + config.file.string() +
                       " (feeds: " + names + ").");
    }
  }
  const std::string hash = user.password ? password_hash(*user.password) : std::string();
  AddedConsoleUser out;
  const std::int64_t id = store.users().add(user.email, user.name, hash, user.grants);
  out.user = *store.users().get(id);
  if (!user.password) out.set_password_link = new_link(store, config, id);
  store.actions().record(by, "user add", "", std::nullopt, std::nullopt,
                         out.user.email + " as " + grants_text(user.grants));
  return out;
}

void remove_console_user(RosterStore& store, const std::string& email, const Actor& by) {
  const ConsoleUser u = require_user(store, email);
  store.users().remove(u.email);
  store.actions().record(by, "user remove", "", std::nullopt, std::nullopt, u.email);
}

std::string password_link(RosterStore& store, const Config& config, const std::string& email,
                          const Actor& by) {
  const ConsoleUser u = require_user(store, email);
  const std::string link = new_link(store, config, u.id);
  store.actions().record(by, "password link", "", std::nullopt, std::nullopt, u.email);
  return link;
}

NewToken create_token(RosterStore& store, const std::string& email, const std::string& name,
                      std::chrono::seconds valid_for, const Actor& by) {
  const ConsoleUser u = require_user(store, email);
  NewToken t;
  t.secret = random_key();
  const std::string digest = key_digest(t.secret);
  t.id = digest.substr(0, kTokenIdLength);
  const std::int64_t now = store.clock().now();
  t.expires = valid_for.count() == 0 ? 0 : now + valid_for.count();
  store.users().add_key({digest, u.id, KeyKind::token, name, "", now, now, t.expires});
  store.actions().record(by, "token create", "", std::nullopt, std::nullopt,
                         "token " + t.id + " for " + u.email);
  return t;
}

std::vector<TokenInfo> list_tokens(RosterStore& store) {
  std::vector<TokenInfo> out;
  for (const ConsoleKey& k : store.users().keys(KeyKind::token)) {
    const auto u = store.users().get(k.user);
    out.push_back({k.digest.substr(0, kTokenIdLength), u ? u->email : "", k.label,
                   utc_timestamp(k.created), k.expires == 0 ? "" : utc_timestamp(k.expires)});
  }
  return out;
}

void revoke_token(RosterStore& store, const std::string& id, const Actor& by) {
  const std::string want = ascii_lower(id);
  for (const ConsoleKey& k : store.users().keys(KeyKind::token)) {
    if (want.size() == kTokenIdLength && k.digest.starts_with(want)) {
      store.users().remove_key(k.digest);
      store.actions().record(by, "token revoke", "", std::nullopt, std::nullopt, "token " + want);
      return;
    }
  }
  throw NotFoundError(NotFoundError::What::token, "there is no token " + id + ".");
}

std::optional<ConsoleSession> sign_in(RosterStore& store, const Config& config,
                                      const std::string& email, const std::string& password,
                                      const std::string& address) {
  const auto u = store.users().find(email);
  // An unknown email costs the same as a wrong password: timing tells nothing either.
  static const std::string kDecoy = password_hash("a decoy nobody signs in with");
  const bool ok =
      password_matches(u && !u->password_hash.empty() ? u->password_hash : kDecoy, password) && u &&
      !u->password_hash.empty();
  if (!ok) return std::nullopt;
  store.users().drop_expired();
  return open_session(store, config, *u, address);
}

std::optional<ConsoleSession> set_password_with_link(RosterStore& store, const Config& config,
                                                     const std::string& link_key,
                                                     const std::string& password,
                                                     const std::string& address) {
  // An unknown link costs no Argon2 run; a refused password keeps the link.
  if (!store.users().key(key_digest(link_key), KeyKind::link)) return std::nullopt;
  const std::string hash = password_hash(password);
  const auto user = store.users().take_link(key_digest(link_key));
  if (!user) return std::nullopt;
  store.users().set_password(*user, hash);
  const auto u = store.users().get(*user);
  if (!u) return std::nullopt;
  store.actions().record(Actor{u->email, ActionSource::console, address, ""}, "password set", "",
                         std::nullopt, std::nullopt, u->email);
  return open_session(store, config, *u, address);
}

std::optional<ConsoleSession> find_session(RosterStore& store, const Config& config,
                                           const std::string& key) {
  const std::string digest = key_digest(key);
  const auto k = store.users().key(digest, KeyKind::session);
  if (!k) return std::nullopt;
  const std::int64_t now_at = store.clock().now();
  if (now_at - k->created > kSessionLifetime) {
    store.users().remove_key(digest);  // signed in too long ago, however busy
    return std::nullopt;
  }
  const auto u = store.users().get(k->user);
  if (!u) return std::nullopt;
  const std::int64_t now = store.clock().now();
  // Renewed at most once a minute: a page's requests do not each write the store.
  if (now - k->last_used >= 60)
    store.users().touch_key(digest, now + config.console.session_idle.count());
  return ConsoleSession{key, k->csrf, *u};
}

void sign_out(RosterStore& store, const std::string& key) {
  store.users().remove_key(key_digest(key));
}

std::optional<ConsoleUser> token_user(RosterStore& store, const std::string& token) {
  const auto k = store.users().key(key_digest(token), KeyKind::token);
  if (!k) return std::nullopt;
  return store.users().get(k->user);
}

}  // namespace rosterd
