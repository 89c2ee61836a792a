// The console's people in the store (users, roles, keys), the action log, and the secrets
// behind them (core/secret.h).
#include <doctest/doctest.h>

#include "core/clock.h"
#include "core/secret.h"
#include "ops/console_access.h"
#include "ops/run_actions.h"
#include "pipeline/mailer.h"
#include "tests/support/store_fixture.h"

namespace rosterd::testing {

TEST_CASE("a password hash is Argon2id, salted, and matches only its password") {
  const std::string h = password_hash("correct horse battery");
  CHECK(h.starts_with("$argon2id$"));
  CHECK(password_matches(h, "correct horse battery"));
  CHECK_FALSE(password_matches(h, "correct horse batterx"));
  CHECK_FALSE(password_matches(h, ""));
  CHECK_FALSE(password_matches("", "correct horse battery"));
  CHECK_FALSE(password_matches("$argon2id$garbage", "correct horse battery"));
  CHECK(password_hash("correct horse battery") != h);  // a new salt each time
  CHECK_THROWS_WITH_AS(password_hash("short"), doctest::Contains("8 to 1,024"), UsageError);
}

TEST_CASE("random keys are hex of the asked length and never repeat") {
  const std::string a = random_key(), b = random_key();
  CHECK(a.size() == 64);
  CHECK(a != b);
  CHECK(a.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(key_digest(a).size() == 64);
  CHECK(key_digest(a) != a);
  CHECK(same_secret(a, a));
  CHECK_FALSE(same_secret(a, b));
  CHECK_FALSE(same_secret(a, a.substr(1)));
}

TEST_CASE_TEMPLATE("store: console users, their roles, and keys that expire or are used once", B,
                   Sqlite, Postgres) {
  Fixture<B> f;
  ConsoleUsers& users = f.store->users();
  const auto id = users.add("Pat@District.ORG", "Pat Doe", "",
                            {{"gen", ConsoleRole::approver}, {"other", ConsoleRole::viewer}});
  CHECK_THROWS_WITH_AS(users.add("pat@district.org", "Again", "", {}), doctest::Contains("already"),
                       Error);
  const auto pat = users.find("PAT@district.org");
  REQUIRE(pat);
  CHECK(pat->id == id);
  CHECK(pat->email == "pat@district.org");
  REQUIRE(pat->grants.size() == 2);
  CHECK(pat->grants[0].feed == "gen");
  CHECK(pat->grants[0].role == ConsoleRole::approver);
  CHECK(pat->password_hash.empty());

  const std::int64_t now = f.store->clock().now();
  users.add_key({"d-session", id, KeyKind::session, "127.0.0.1", "csrf", now, now, now + 60});
  users.add_key({"d-old", id, KeyKind::session, "", "", now, now, now - 1});
  users.add_key({"d-token", id, KeyKind::token, "ci", "", now, now, 0});
  users.add_key({"d-link", id, KeyKind::link, "", "", now, now, now + 60});
  CHECK(users.key("d-session", KeyKind::session));
  CHECK_FALSE(users.key("d-session", KeyKind::token));  // a session is no API token
  CHECK_FALSE(users.key("d-old", KeyKind::session));    // expired
  CHECK(users.key("d-token", KeyKind::token));          // never expires
  CHECK(users.keys(KeyKind::token).size() == 1);

  CHECK(users.take_link("d-link") == id);
  CHECK_FALSE(users.take_link("d-link"));     // once
  CHECK_FALSE(users.take_link("d-session"));  // a session is no link

  users.set_password(id, "hash");
  CHECK(users.get(id)->password_hash == "hash");
  CHECK_FALSE(users.key("d-session", KeyKind::session));  // a new password ends the sessions
  users.add_key({"d-expired-token", id, KeyKind::token, "old", "", now, now, now - 1});
  CHECK(users.drop_expired() == 1);
  CHECK(users.keys(KeyKind::token).size() == 1);

  CHECK(users.remove("pat@district.org"));
  CHECK_FALSE(users.remove("pat@district.org"));
  CHECK_FALSE(users.key("d-token", KeyKind::token));  // the user's keys go with them
  CHECK(users.list().empty());
}

TEST_CASE_TEMPLATE("store: a decision and who made it, from where and why, commit together", B,
                   Sqlite, Postgres) {
  Fixture<B> f;
  f.ingest(rows(40));
  const IngestOutcome held = f.ingest(rows(30));
  REQUIRE(held.decision.decision == Decision::held);
  const Actor pat{"pat@district.org", ActionSource::console, "192.0.2.7", "withdrawals confirmed"};
  approve_run(*f.store, held.run_id, pat);
  const RunView view = show_run(*f.store, held.run_id);
  REQUIRE(view.actions.size() == 1);
  CHECK(view.actions[0].who == "pat@district.org");
  CHECK(view.actions[0].via == "console");
  CHECK(view.actions[0].address == "192.0.2.7");
  CHECK(view.actions[0].action == "approve");
  CHECK(view.actions[0].reason == "withdrawals confirmed");
  CHECK(view.run.reason.find("reason: withdrawals confirmed") != std::string::npos);
  CHECK(f.store->actions().recent("gen", 10).size() == 1);

  // A refused decision leaves no record of itself.
  CHECK_THROWS_AS(reject_run(*f.store, held.run_id, pat), Error);
  CHECK(f.store->actions().recent("", 10).size() == 1);
}

}  // namespace rosterd::testing

namespace rosterd::testing {

TEST_CASE_TEMPLATE("store: mail lists set in the console replace the configuration's, kind by kind",
                   B, Sqlite, Postgres) {
  // (No mail is sent: the test only asks which lists a mail would go to.)
  Fixture<B> f(
      "    notify: {qa_report: [yaml@district.org], held: [held@district.org]}\n"
      "smtp: {url: \"smtp://127.0.0.1:9\", from: rosterd@district.org}\n");
  const Actor pat{"pat@district.org", ActionSource::console, "192.0.2.7", ""};
  std::optional<FeedConfig> adjusted;
  CHECK(&with_mail_lists(f.feed(), *f.store, adjusted) == &f.feed());  // nothing set: as is
  f.store->mail_lists().set("gen", "qa_report", {"a@district.org", "b@district.org"}, pat);
  f.store->mail_lists().set("gen", "failures", {}, pat);
  const FeedConfig& mails = with_mail_lists(f.feed(), *f.store, adjusted);
  CHECK(mails.notify.qa_report == std::vector<std::string>{"a@district.org", "b@district.org"});
  CHECK(mails.notify.held == std::vector<std::string>{"held@district.org"});  // the YAML's
  CHECK(mails.notify.failures.empty());                                       // nobody
  CHECK(f.store->mail_lists().for_feed("gen").at("qa_report").changed_by == "pat@district.org");
  CHECK(f.store->mail_lists().reset("gen", "qa_report", pat));
  CHECK_FALSE(f.store->mail_lists().reset("gen", "qa_report", pat));
  CHECK(with_mail_lists(f.feed(), *f.store, adjusted).notify.qa_report ==
        std::vector<std::string>{"yaml@district.org"});
  CHECK(f.store->actions().recent("gen", 10).size() == 3);  // two sets and a reset
}

}  // namespace rosterd::testing

namespace rosterd::testing {

TEST_CASE("a session ends 12 hours after sign-in however busy; a new password ends other links") {
  TempDir dir;
  ManualClock clock(1'800'000'000);
  const auto store = open_sqlite_store((dir / "console.db").string(), clock);
  Config config;
  config.console.session_idle = std::chrono::minutes(30);
  NewConsoleUser pat{"pat@district.org", "Pat", {{"*", ConsoleRole::viewer}}, "first password"};
  add_console_user(*store, config, pat, tester());
  const auto session = sign_in(*store, config, "pat@district.org", "first password", "192.0.2.7");
  REQUIRE(session);
  // Busy all day: a request every 20 minutes keeps it from idling out, until 12 hours.
  for (int i = 0; i < 35; ++i) {
    clock.advance(20 * 60);
    CHECK(find_session(*store, config, session->key));
  }
  clock.advance(21 * 60);  // 12 h 1 min after sign-in
  CHECK_FALSE(find_session(*store, config, session->key));

  // Two links out; the first sets a password; the second no longer works.
  const std::string one = password_link(*store, config, "pat@district.org", tester());
  const std::string two = password_link(*store, config, "pat@district.org", tester());
  const auto key = [](const std::string& link) { return link.substr(link.find('=') + 1); };
  CHECK(set_password_with_link(*store, config, key(one), "second password", "192.0.2.7"));
  CHECK_FALSE(set_password_with_link(*store, config, key(two), "third password", "192.0.2.7"));
  CHECK_FALSE(sign_in(*store, config, "pat@district.org", "first password", "192.0.2.7"));
  CHECK(sign_in(*store, config, "pat@district.org", "second password", "192.0.2.7"));
}

}  // namespace rosterd::testing

namespace rosterd::testing {

TEST_CASE("a mail link: found by its key only, used once, released, forgotten a week after") {
  TempDir dir;
  ManualClock clock(1'800'000'000);
  const auto store = open_sqlite_store((dir / "links.db").string(), clock);
  MailLinks& links = store->mail_links();
  const std::string key =
      links.issue("gen", 7, "pat@district.org", "review", std::chrono::hours(72));
  CHECK(key.size() == 64);
  CHECK(key.find_first_not_of("0123456789abcdef") == std::string::npos);
  // The store keeps its digest, never the key.
  const std::string stored = key_digest(key);
  CHECK_FALSE(links.find(stored));
  const auto found = links.find(key);
  REQUIRE(found);
  CHECK(found->run == 7);
  CHECK(found->recipient == "pat@district.org");
  CHECK(found->expires == 1'800'000'000 + 72 * 3600);
  CHECK_FALSE(links.find(std::string(64, '0')));
  CHECK_FALSE(links.find("short"));
  // Once: the second use fails; a failed decision releases it.
  CHECK(links.use(key, "approve run 7"));
  CHECK_FALSE(links.use(key, "reject run 7"));
  CHECK(links.find(key)->used_for == "approve run 7");
  links.release(key);
  CHECK(links.find(key)->used == 0);
  CHECK(links.use(key, "reject run 7"));
  // Kept a week past its expiry (the page says "expired"), then forgotten.
  clock.advance(72 * 3600 + 6 * 86400);
  CHECK(links.forget_expired() == 0);
  clock.advance(2 * 86400);
  CHECK(links.forget_expired() == 1);
  CHECK_FALSE(links.find(key));
}

}  // namespace rosterd::testing
