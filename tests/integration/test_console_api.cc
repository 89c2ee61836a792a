// The console's JSON API and its guards against `rosterd run` with a real SQLite store: every
// endpoint for every role (allowed and refused), tokens and sessions, CSRF and origin checks,
// and hostile requests. Run alone: ctest -R integration_console.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/console_world.h"
#include "tests/support/files.h"
#include "tests/support/roster_generator.h"

using namespace rosterd::testing;
using nlohmann::json;

namespace {

json body(const HttpAnswer& a) {
  INFO(a.body);
  return json::parse(a.body);
}

std::string run_path(std::int64_t id, const std::string& rest = "") {
  return "/api/v1/runs/" + std::to_string(id) + rest;
}

}  // namespace

TEST_CASE("console: every route but health, the stylesheet and sign-in asks who you are") {
  ConsoleWorld w;
  CHECK(http_request(w.port, "GET", "/healthz").status == 200);
  CHECK(body(http_request(w.port, "GET", "/healthz"))["status"] == "ok");
  const HttpAnswer css = http_request(w.port, "GET", "/static/console.css");
  CHECK(css.status == 200);
  CHECK(css.header("content-type").starts_with("text/css"));
  CHECK(http_request(w.port, "GET", "/login").status == 200);
  for (const std::string& target :
       std::vector<std::string>{"/api/v1/feeds", "/api/v1/feeds/gen/runs", run_path(w.held_run),
                                run_path(w.held_run, "/changes"), "/api/v1/feeds/gen/alerts",
                                "/api/v1/feeds/gen/students/" + w.matched_id, "/metrics"}) {
    CAPTURE(target);
    const HttpAnswer a = http_request(w.port, "GET", target);
    CHECK(a.status == 401);
    CHECK(body(a)["error"]["code"] == "unauthenticated");
  }
  for (const char* target : {"/", "/feeds/gen", "/runs/1", "/feeds/gen/alerts"}) {
    CAPTURE(target);
    const HttpAnswer a = http_request(w.port, "GET", target);
    CHECK(a.status == 303);
    CHECK(a.header("location").starts_with("/login?next="));
  }
  CHECK(http_request(w.port, "POST", run_path(w.held_run, "/approve"), {}, R"({"reason":"x"})")
            .status == 401);
  CHECK(http_request(w.port, "GET", "/api/v1/feeds",
                     {{"Authorization", "Bearer " + std::string(64, 'a')}})
            .status == 401);
  CHECK(w.sql("SELECT decision FROM runs WHERE id = " + std::to_string(w.held_run)) == "held\n");
}

TEST_CASE("console API: each endpoint for each role, allowed and refused, nothing leaking") {
  ConsoleWorld w;
  using W = ConsoleWorld;

  // Feeds: each sees theirs only.
  const auto feeds_of = [&](const char* who) {
    std::vector<std::string> names;
    const json all = body(w.api(who, "GET", "/api/v1/feeds"));
    for (const auto& f : all["feeds"])
      names.push_back(f["feed"]);
    return names;
  };
  CHECK(feeds_of(W::kAdmin) == std::vector<std::string>{"gen", "north", "west"});
  CHECK(feeds_of(W::kViewer) == std::vector<std::string>{"gen"});
  CHECK(feeds_of(W::kNorth) == std::vector<std::string>{"north"});
  const json gen = body(w.api(W::kViewer, "GET", "/api/v1/feeds"))["feeds"][0];
  CHECK(gen["held_runs"] == 1);
  CHECK(gen["open_alerts"] == 1);
  CHECK(gen["last_run"]["run"] == w.held_run);
  CHECK(gen["last_run"]["state"] == "held");

  // Runs of a feed, with a limit; another district's feed does not exist for you.
  const json runs = body(w.api(W::kViewer, "GET", "/api/v1/feeds/gen/runs?limit=2"));
  REQUIRE(runs["runs"].size() == 2);
  CHECK(runs["runs"][0]["run"] == w.held_run);
  CHECK(w.api(W::kViewer, "GET", "/api/v1/feeds/north/runs").status == 404);
  CHECK(w.api(W::kNorth, "GET", "/api/v1/feeds/gen/runs").status == 404);
  CHECK(w.api(W::kAdmin, "GET", "/api/v1/feeds/nowhere/runs").status == 404);
  CHECK(w.api(W::kViewer, "GET", "/api/v1/feeds/gen/runs?limit=lots").status == 400);

  // One run, as `show --format json`; and its changes, paged and by kind.
  const json run = body(w.api(W::kViewer, "GET", run_path(w.held_run)));
  CHECK(run["decision"] == "held");
  CHECK(run["counts"]["deactivated"] == 4);
  CHECK(w.api(W::kNorth, "GET", run_path(w.held_run)).status == 404);
  CHECK(w.api(W::kViewer, "GET", run_path(w.north_run)).status == 404);
  CHECK(w.api(W::kViewer, "GET", run_path(999999)).status == 404);
  // A run of a feed that takes other kinds shows each kind's counts, in its page and its JSON.
  const HttpAnswer west_page = w.api(W::kAdmin, "GET", "/runs/" + std::to_string(w.west_run));
  REQUIRE(west_page.status == 200);
  CHECK(west_page.body.find("<h2>Other kinds</h2>") != std::string::npos);
  CHECK(west_page.body.find("<th scope=\"row\">staff</th><td>2</td><td>0</td><td>1</td><td>2</td>"
                            "<td>0</td><td>0</td><td>0</td></tr>") != std::string::npos);
  // And each kind's discrepancies, kept by the store with their file's line, the value escaped.
  CHECK(west_page.body.find("<h2>Other kinds' discrepancies</h2>") != std::string::npos);
  CHECK(west_page.body.find("<tr><td>staff</td><td>3</td><td>T2</td><td>warning</td>") !=
        std::string::npos);
  CHECK(west_page.body.find("al&lt;b&gt;bo") != std::string::npos);
  CHECK(west_page.body.find("al<b>bo") == std::string::npos);
  const json west_run = body(w.api(W::kAdmin, "GET", run_path(w.west_run)));
  REQUIRE(west_run["kinds"].size() == 1);
  CHECK(west_run["kinds"][0]["kind"] == "staff");
  CHECK(west_run["kinds"][0]["counts"]["added"] == 2);
  REQUIRE(west_run["kinds"][0]["rows"].size() == 1);
  CHECK(west_run["kinds"][0]["rows"][0]["line"] == 3);
  CHECK(west_run["kinds"][0]["rows"][0]["key"] == "T2");
  CHECK(west_run["kinds"][0]["rows"][0]["field"] == "email");
  CHECK(west_run["kinds"][0]["rows"][0]["value"] == "al<b>bo");
  CHECK(w.api(W::kViewer, "GET", "/runs/" + std::to_string(w.west_run)).status == 404);
  CHECK(body(w.api(W::kViewer, "GET", run_path(w.held_run))).count("kinds") == 0);
  // Another district's run and no run at all answer alike.
  CHECK(w.api(W::kViewer, "GET", run_path(999999)).body ==
        w.api(W::kViewer, "GET", run_path(w.north_run)).body);
  const json changes =
      body(w.api(W::kViewer, "GET", run_path(w.held_run, "/changes?kind=deactivated&limit=3")));
  REQUIRE(changes["changes"].size() == 3);
  CHECK(changes["changes"][0]["kind"] == "deactivated");
  CHECK(changes["changes"][0]["before"]["status"] == "A");
  CHECK(changes["changes"][0]["after"]["status"] == "I");
  const json rest =
      body(w.api(W::kViewer, "GET", run_path(w.held_run, "/changes?kind=deactivated&offset=3")));
  CHECK(rest["changes"].size() == 1);
  CHECK(rest["changes"][0]["state_id"] > changes["changes"][2]["state_id"]);
  CHECK(w.api(W::kViewer, "GET", run_path(w.held_run, "/changes?kind=vanished")).status == 400);

  // Alerts and students.
  const json alerts = body(w.api(W::kViewer, "GET", "/api/v1/feeds/gen/alerts"));
  REQUIRE(alerts["alerts"].size() == 1);
  CHECK(alerts["alerts"][0]["alert"] == w.alert);
  CHECK(alerts["alerts"][0]["candidates"][0]["id"] == w.matched_id);
  CHECK(w.api(W::kNorth, "GET", "/api/v1/feeds/gen/alerts").status == 404);
  const json student = body(w.api(W::kViewer, "GET", "/api/v1/feeds/gen/students/" + w.matched_id));
  CHECK(student["values"]["state_id"] == w.matched_id);
  CHECK(w.api(W::kViewer, "GET", "/api/v1/feeds/gen/students/0000000000").status == 404);
  CHECK(w.api(W::kNorth, "GET", "/api/v1/feeds/gen/students/" + w.matched_id).status == 404);

  // A viewer decides nothing: 403, and the run stays held.
  const std::string reason = R"({"reason": "withdrawals confirmed with the registrar"})";
  HttpAnswer a = w.api(W::kViewer, "POST", run_path(w.held_run, "/approve"), reason);
  CHECK(a.status == 403);
  CHECK(body(a)["error"]["code"] == "forbidden");
  CHECK(w.api(W::kViewer, "POST", run_path(w.held_run, "/reject"), reason).status == 403);
  CHECK(w.api(W::kViewer, "POST", "/api/v1/alerts/" + std::to_string(w.alert) + "/resolve",
              R"({"action": "create"})")
            .status == 403);
  CHECK(w.api(W::kViewer, "POST", "/api/v1/feeds/gen/sync").status == 403);
  CHECK(w.api(W::kViewer, "POST", "/api/v1/feeds/gen/check", "x").status == 403);
  // Another district's approver: the run is not there for them.
  CHECK(w.api(W::kNorth, "POST", run_path(w.held_run, "/approve"), reason).status == 404);
  CHECK(w.api(W::kNorth, "POST", "/api/v1/alerts/" + std::to_string(w.alert) + "/resolve",
              R"({"action": "create"})")
            .status == 404);
  CHECK(w.sql("SELECT decision FROM runs WHERE id = " + std::to_string(w.held_run)) == "held\n");
  CHECK(w.sql("SELECT count(*) FROM actions WHERE via <> 'cli'") == "0\n");

  // Approvers: a reason is required, then approve commits and the history says who and why.
  CHECK(w.api(W::kApprover, "POST", run_path(w.held_run, "/approve"), "{}").status == 400);
  CHECK(w.api(W::kApprover, "POST", run_path(w.held_run, "/approve"), "not json").status == 400);
  a = w.api(W::kApprover, "POST", run_path(w.held_run, "/approve"), reason);
  REQUIRE(a.status == 200);
  CHECK(body(a)["state"] == "committed");
  CHECK(body(a)["decided_by"] == W::kApprover);
  a = w.api(W::kApprover, "POST", run_path(w.held_run, "/approve"), reason);
  CHECK(a.status == 409);  // not held any more
  CHECK(w.api(W::kApprover, "POST", run_path(w.held_run, "/reject"), reason).status == 409);
  const json shown = body(w.api(W::kViewer, "GET", run_path(w.held_run)));
  REQUIRE(shown["actions"].size() == 1);
  CHECK(shown["actions"][0]["who"] == W::kApprover);
  CHECK(shown["actions"][0]["via"] == "api");
  CHECK(shown["actions"][0]["reason"] == "withdrawals confirmed with the registrar");
  const ProcessResult show = w.rosterd({"show", std::to_string(w.held_run)});
  CHECK(show.out.find("approve by approver@district.org (api)") != std::string::npos);

  // Resolve the possible match; a second decision conflicts.
  const std::string resolve = "/api/v1/alerts/" + std::to_string(w.alert) + "/resolve";
  CHECK(w.api(W::kApprover, "POST", resolve, R"({"action": "maybe"})").status == 400);
  a = w.api(W::kApprover, "POST", resolve, R"({"action": "match", "to": ")" + w.matched_id + "\"}");
  REQUIRE(a.status == 200);
  CHECK(body(a)["decided"][0]["status"] == "match");
  CHECK(w.api(W::kApprover, "POST", "/api/v1/alerts/999999/resolve", R"({"action": "create"})")
            .status == 404);

  // Sync now: the service polls gen; north has no source, so there is nothing to poll.
  a = w.api(W::kApprover, "POST", "/api/v1/feeds/gen/sync");
  CHECK(a.status == 202);
  CHECK(body(a)["accepted"] == true);
  CHECK(w.api(W::kNorth, "POST", "/api/v1/feeds/north/sync").status == 409);

  // A test file: the check report, nothing kept.
  const std::string roster = roster_text(
      {{"1000000001", "L1", "Kid", "", "Family1", "2015-02-01", "05", "101", "", "A", "50", "60"},
       {"12", "L2", "Kid", "", "Family2", "2015-03-02", "05", "101", "", "A", "50", "60"}});
  a = w.api(W::kApprover, "POST", "/api/v1/feeds/gen/check?file=test.txt", roster);
  REQUIRE(a.status == 200);
  const json report = body(a);
  CHECK(report["decision"] == "dry-run");
  CHECK(report["counts"]["rows_read"] == 2);
  CHECK(report["counts"]["rows_rejected"] == 1);
  CHECK(report["file"]["name"] == "test.txt");
  CHECK(std::filesystem::is_empty(w.tmp / "state/uploads"));

  // Metrics: Prometheus text, the caller's feeds only.
  a = w.api(W::kViewer, "GET", "/metrics");
  REQUIRE(a.status == 200);
  CHECK(a.header("content-type").starts_with("text/plain; version=0.0.4"));
  CHECK(a.body.find("rosterd_runs_total{feed=\"gen\",decision=\"committed\"} 3") !=
        std::string::npos);
  CHECK(a.body.find("rosterd_held_runs{feed=\"gen\"} 0") != std::string::npos);
  CHECK(a.body.find("rosterd_seconds_since_last_commit{feed=\"gen\"}") != std::string::npos);
  CHECK(a.body.find("north") == std::string::npos);

  // Every action is in the log, with who and from where.
  CHECK(w.sql("SELECT action || '|' || who || '|' || via FROM actions WHERE via <> 'cli' ORDER BY "
              "id") ==
        "approve|approver@district.org|api\nresolve|approver@district.org|api\nsync|approver@"
        "district.org|api\nsync|north@district.org|api\ncheck|approver@district.org|api\n");
}

TEST_CASE("console: a browser session's changes need its CSRF token and its own origin") {
  ConsoleWorld w;
  BrowserSession viewer(w.port, ConsoleWorld::kViewer, ConsoleWorld::kPassword);
  BrowserSession approver(w.port, ConsoleWorld::kApprover, ConsoleWorld::kPassword);
  REQUIRE(viewer.ok());
  REQUIRE(approver.ok());
  const std::string approve = "/runs/" + std::to_string(w.held_run) + "/approve";

  // The viewer's page has no Approve button, and a forged POST is refused.
  const HttpAnswer page = viewer.get("/runs/" + std::to_string(w.held_run));
  CHECK(page.status == 200);
  CHECK(page.body.find(">Approve</button>") == std::string::npos);
  CHECK(page.body.find("101 Lincoln Elementary") != std::string::npos);  // by school, named
  CHECK(viewer.post_form(approve, {{"reason", "forged"}}).status == 403);
  CHECK(approver.get("/runs/" + std::to_string(w.held_run)).body.find(">Approve</button>") !=
        std::string::npos);

  // Without the token, with another session's token, or from another site: refused.
  CHECK(approver.post_form(approve, {{"reason", "no token"}}, false).status == 403);
  CHECK(approver.post_form(approve, {{"reason", "x"}, {"csrf", viewer.csrf()}}, false).status ==
        403);
  HttpAnswer a = http_request(w.port, "POST", approve,
                              {{"Cookie", approver.cookie()},
                               {"Content-Type", "application/x-www-form-urlencoded"},
                               {"Origin", "https://evil.example"}},
                              form_body({{"reason", "x"}, {"csrf", approver.csrf()}}));
  CHECK(a.status == 403);
  // The API with a session cookie needs X-CSRF-Token too.
  a = http_request(w.port, "POST", "/api/v1/runs/" + std::to_string(w.held_run) + "/approve",
                   {{"Cookie", approver.cookie()}, {"Content-Type", "application/json"}},
                   R"({"reason": "x"})");
  CHECK(a.status == 403);
  CHECK(w.sql("SELECT decision FROM runs WHERE id = " + std::to_string(w.held_run)) == "held\n");

  // With everything right it commits, once.
  a = approver.post_form(approve, {{"reason", "checked with the registrar"}});
  CHECK(a.status == 200);
  CHECK(a.body.find("approved and committed") != std::string::npos);
  CHECK(w.sql("SELECT decision || '|' || decided_by FROM runs WHERE id = " +
              std::to_string(w.held_run)) == "committed|approver@district.org\n");
  CHECK(w.sql("SELECT via || '|' || reason FROM actions WHERE via <> 'cli'") ==
        "console|checked with the registrar\n");

  // Who gets which mail: an approver sets a list (a bad address is refused, naming it); a
  // viewer may not; the feed page says where each list comes from.
  CHECK(viewer
            .post_form("/feeds/gen/mail-lists",
                       {{"kind", "qa_report"}, {"addresses", "x@district.org"}})
            .status == 403);
  a = approver.post_form("/feeds/gen/mail-lists",
                         {{"kind", "qa_report"}, {"addresses", "not an address"}});
  CHECK(a.status == 400);
  CHECK(a.body.find("&quot;not an address&quot; is not an email address") != std::string::npos);
  CHECK(approver.post_form("/feeds/gen/mail-lists", {{"kind", "nonsense"}, {"addresses", ""}})
            .status == 400);
  a = approver.post_form(
      "/feeds/gen/mail-lists",
      {{"kind", "qa_report"}, {"addresses", "coord@district.org\nqa@district.org"}});
  CHECK(a.status == 200);
  CHECK(a.body.find("coord@district.org, qa@district.org") != std::string::npos);
  CHECK(a.body.find("set in the console by approver@district.org") != std::string::npos);
  CHECK(w.sql("SELECT addresses FROM mail_lists WHERE feed = 'gen' AND kind = 'qa_report'") ==
        "coord@district.org\nqa@district.org\n");
  a = approver.post_form("/feeds/gen/mail-lists", {{"kind", "qa_report"}, {"reset", "1"}});
  CHECK(a.status == 200);
  CHECK(w.sql("SELECT count(*) FROM mail_lists") == "0\n");
  CHECK(w.sql("SELECT count(*) FROM actions WHERE action = 'mail list'") == "2\n");

  // Signing out ends the session for good.
  const std::string cookie = approver.cookie();
  CHECK(approver.post_form("/logout", {}).status == 303);
  CHECK(http_request(w.port, "GET", "/", {{"Cookie", cookie}}).status == 303);
}

TEST_CASE(
    "console: sign-in answers the same for an unknown email, throttles, and links work once") {
  ConsoleWorld w;
  const auto login = [&](const std::string& email, const std::string& password) {
    return http_request(w.port, "POST", "/login",
                        {{"Content-Type", "application/x-www-form-urlencoded"}},
                        form_body({{"email", email}, {"password", password}}));
  };
  // A new user's one-time link sets the password and signs in, once.
  const ProcessResult added = w.rosterd(
      {"user", "add", "new@district.org", "--name", "New", "--role", "viewer", "--feed", "gen"});
  REQUIRE(added.exit_status == 0);
  const auto at = added.out.find("/set-password?key=");
  REQUIRE(at != std::string::npos);
  const std::string link = added.out.substr(at, added.out.find('\n', at) - at);
  const std::string key = link.substr(link.find('=') + 1);
  CHECK(http_request(w.port, "GET", link).status == 200);
  const auto set = [&](const std::string& pw, const std::string& again) {
    return http_request(w.port, "POST", "/set-password",
                        {{"Content-Type", "application/x-www-form-urlencoded"}},
                        form_body({{"key", key}, {"password", pw}, {"again", again}}));
  };
  CHECK(set("short", "short").status == 400);                  // too short: the link stays
  CHECK(set("long enough 1", "long enough 2").status == 400);  // they differ
  const HttpAnswer done = set("long enough 1", "long enough 1");
  CHECK(done.status == 303);
  CHECK(done.header("set-cookie").find("HttpOnly; SameSite=Strict") != std::string::npos);
  CHECK(set("long enough 1", "long enough 1").status == 400);  // used

  const HttpAnswer unknown = login("nobody@district.org", "whatever1");
  const HttpAnswer wrong = login(ConsoleWorld::kViewer, "whatever1");
  CHECK(unknown.status == 401);
  CHECK(wrong.status == 401);
  CHECK(unknown.body == wrong.body);
  // Five failures from one address (the used link, the two above, two here): the next try is
  // refused, the right password included, for any account from there.
  for (int i = 0; i < 2; ++i)
    CHECK(login(ConsoleWorld::kViewer, "wrong-again").status == 401);
  CHECK(login(ConsoleWorld::kViewer, ConsoleWorld::kPassword).status == 429);
  CHECK(login(ConsoleWorld::kApprover, ConsoleWorld::kPassword).status == 429);  // same address
  CHECK(w.rosterd({"user", "list"}).out.find("viewer@district.org") != std::string::npos);
}

TEST_CASE("console: hostile requests get their error and change nothing") {
  ConsoleWorld w("  max_upload: 64KB\n  request_timeout: 2s\n  max_connections: 8\n");
  const std::string token = "Bearer " + w.tokens.at(ConsoleWorld::kAdmin);
  // Path tricks and unknown routes.
  CHECK(
      http_request(w.port, "GET", "/api/v1/feeds/%2e%2e/runs", {{"Authorization", token}}).status ==
      400);
  CHECK(
      http_request(w.port, "GET", "/api/v1/feeds/a%2fb/runs", {{"Authorization", token}}).status ==
      400);
  CHECK(http_request(w.port, "GET", "/api/v1/nothing", {{"Authorization", token}}).status == 404);
  CHECK(http_request(w.port, "GET", "/api/v1/runs/12abc", {{"Authorization", token}}).status ==
        404);
  CHECK(http_request(w.port, "DELETE", "/api/v1/feeds", {{"Authorization", token}}).status == 404);
  // An upload over console.max_upload: 413.
  const HttpAnswer big = http_request(w.port, "POST", "/api/v1/feeds/gen/check",
                                      {{"Authorization", token}}, std::string(70 * 1024, 'x'));
  CHECK(big.status == 413);
  // Any other body over 64 KiB: 413 too.
  CHECK(http_request(w.port, "POST", "/api/v1/feeds/gen/sync", {{"Authorization", token}},
                     std::string(65 * 1024 + 1, 'x'))
            .status == 413);
  // Not HTTP at all, and headers without end.
  CHECK(http_raw(w.port, "HELLO\r\n\r\n").starts_with("HTTP/1.1 400"));
  CHECK(http_raw(w.port, "GET / HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n")
            .starts_with("HTTP/1.1 431"));
  // A client that sends half a request is cut off by request_timeout.
  const auto started = std::chrono::steady_clock::now();
  CHECK(http_raw(w.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n", 10000).empty());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(8));
  // HTML in a feed's data and in what a user typed comes back escaped.
  const HttpAnswer a =
      http_request(w.port, "GET", "/login?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E");
  CHECK(a.body.find("<script>") == std::string::npos);
  CHECK(a.header("content-security-policy").find("default-src 'none'") != std::string::npos);
  CHECK(a.header("x-frame-options") == "DENY");
  CHECK(a.header("cache-control") == "no-store");
  // A `next` that would add a header or leave the site comes back as "/".
  const HttpAnswer next = http_request(
      w.port, "POST", "/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
      "email=admin%40district.org&password=correct+horse+1&next=%2F%0d%0aSet-Cookie%3a+x%3d1");
  CHECK(next.status == 303);
  CHECK(next.header("location") == "/");
  CHECK(next.headers.count("set-cookie") == 1);
  CHECK(http_request(
            w.port, "POST", "/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
            "email=admin%40district.org&password=correct+horse+1&next=%2F%09%2Fevil.example")
            .header("location") == "/");
  // A Host the console is not reached by (DNS rebinding) and a browser's cross-site POST.
  CHECK(http_request(w.port, "GET", "/api/v1/feeds",
                     {{"Authorization", token}, {"Host", "evil.example"}})
            .status == 421);
  CHECK(http_request(w.port, "POST", "/api/v1/feeds/gen/sync",
                     {{"Authorization", token}, {"Sec-Fetch-Site", "cross-site"}})
            .status == 403);
  // Without credentials an upload route takes no more than any other.
  CHECK(http_request(w.port, "POST", "/api/v1/feeds/gen/check", {}, std::string(65 * 1024 + 1, 'x'))
            .status == 413);
  // Health tells kinds of trouble, never a feed's name.
  CHECK(http_request(w.port, "GET", "/healthz").body.find("gen") == std::string::npos);
  // One address holds at most eight connections (and this console eight in all): the ninth is
  // closed at once, and the console answers again once they are gone.
  const std::string healthz =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(w.port) + "\r\n\r\n";
  {
    // Eight connections the console answered, and so counts: a connection of a request before
    // may still be counted for a moment (its close not yet seen), and one of the eight turned
    // away for it is opened again. Kept alive, each stays open and counted for the idle
    // timeout (5 s).
    std::vector<std::unique_ptr<HeldConnection>> held;
    for (int tries = 0; held.size() < 8 && tries < 100; ++tries) {
      auto c = std::make_unique<HeldConnection>(w.port, healthz);
      if (c->answer_head(5000).starts_with("HTTP/1.1 200")) held.push_back(std::move(c));
    }
    REQUIRE(held.size() == 8);
    CHECK(http_raw(w.port, healthz, 1000).empty());
  }
  bool back = false;
  for (int tries = 0; tries < 100 && !back; ++tries)
    back = http_raw(w.port, healthz, 300).starts_with("HTTP/1.1 200");
  CHECK(back);
  // After all that the service still answers, and nothing changed.
  CHECK(http_request(w.port, "GET", "/healthz").status == 200);
  CHECK(w.sql("SELECT count(*) FROM actions WHERE via <> 'cli'") == "0\n");
}

TEST_CASE("console: with console.tls it speaks https itself, and its cookie is Secure") {
  TempDir certs;
  const auto cert = certs / "cert.pem", key = certs / "key.pem";
  const ProcessResult made =
      run_process("/usr/bin/openssl",
                  {"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                   "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                   "-keyout", key.string(), "-out", cert.string()});
  INFO(made.err);
  REQUIRE(made.exit_status == 0);
  ConsoleWorld w("  tls: {cert_file: " + cert.string() + ", key_file: " + key.string() + "}\n");
  // A client that trusts this certificate: the health answer and a sign-in, over TLS.
  const std::string client = R"py(
import http.client, ssl, sys, urllib.parse
ctx = ssl.create_default_context(cafile=sys.argv[1])
c = http.client.HTTPSConnection("127.0.0.1", int(sys.argv[2]), context=ctx)
c.request("GET", "/healthz")
r = c.getresponse()
print(r.status, r.read().decode().strip())
body = urllib.parse.urlencode({"email": sys.argv[3], "password": sys.argv[4]})
c.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
r = c.getresponse()
r.read()
print(r.status, r.getheader("Set-Cookie"))
)py";
  const ProcessResult r =
      run_process("/usr/bin/python3", {"-c", client, cert.string(), std::to_string(w.port),
                                       ConsoleWorld::kViewer, ConsoleWorld::kPassword});
  INFO(r.err);
  REQUIRE(r.exit_status == 0);
  CHECK(r.out.find("200 {\"problems\":[],\"status\":\"ok\"}") != std::string::npos);
  CHECK(r.out.find("303 __Host-rosterd_session=") != std::string::npos);
  CHECK(r.out.find("; Secure") != std::string::npos);
  // Plain HTTP to the TLS port gets no HTTP answer.
  CHECK_FALSE(http_raw(w.port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 2000)
                  .starts_with("HTTP/1.1 200"));
}

TEST_CASE("console API: an approver rejects a held run with a reason; nothing of it commits") {
  ConsoleWorld w;
  const HttpAnswer a = w.api(ConsoleWorld::kApprover, "POST", run_path(w.held_run, "/reject"),
                             R"({"reason": "the SIS export was cut short"})");
  REQUIRE(a.status == 200);
  CHECK(body(a)["state"] == "rejected");
  CHECK(w.sql("SELECT count(*) FROM students WHERE feed = 'gen' AND status = 'I'") == "0\n");
  CHECK(w.sql("SELECT action || '|' || reason FROM actions WHERE via = 'api'") ==
        "reject|the SIS export was cut short\n");
  CHECK(w.api(ConsoleWorld::kApprover, "POST", run_path(w.held_run, "/approve"),
              R"({"reason": "changed my mind"})")
            .status == 409);
}

TEST_CASE("console: a run cut in two links its halves; the approver approves the held part") {
  ConsoleWorld w;
  // gen under policy.on_trip hold_unsafe; night 4 is night 3 (four students withdrawn, 20%)
  // with two new students: the new students commit, the withdrawals wait.
  std::string yaml = read_file(w.config);
  const std::string at = "    schedule: {poll_every: 1h}\n";
  REQUIRE(yaml.find(at) != std::string::npos);
  yaml.insert(yaml.find(at) + at.size(), "    policy: {on_trip: hold_unsafe}\n");
  std::ofstream(w.config, std::ios::binary) << yaml;
  const std::string more = roster_text(
      {{"3000000001", "N1", "New", "", "Kid", "2015-04-04", "05", "101", "", "A", "", ""},
       {"3000000002", "N2", "New", "", "Kid", "2015-04-05", "05", "101", "", "A", "", ""}});
  const std::string text = read_file(w.tmp / "night-3.txt") + more.substr(more.find('\n') + 1);
  std::ofstream(w.tmp / "night-4.txt", std::ios::binary) << text;
  const ProcessResult r = w.rosterd(
      {"ingest", "--feed", "gen", "--as-of", kGeneratorAsOf, (w.tmp / "night-4.txt").string()});
  INFO(r.out, r.err);
  REQUIRE(r.exit_status == 4);
  const std::int64_t held = std::stoll(w.sql("SELECT id FROM runs WHERE split_of IS NOT NULL"));
  const std::int64_t committed = held - 1;

  const json part = body(w.api(ConsoleWorld::kViewer, "GET", run_path(committed)));
  CHECK(part["decision"] == "committed");
  CHECK(part["held_part"]["run_id"] == held);
  CHECK(part["held_part"]["deactivated"] == 4);
  const json rest = body(w.api(ConsoleWorld::kViewer, "GET", run_path(held)));
  CHECK(rest["decision"] == "held");
  CHECK(rest["split_of"] == committed);
  const json listed = body(w.api(ConsoleWorld::kViewer, "GET", "/api/v1/feeds/gen/runs"));
  CHECK(listed["runs"][0]["split_of"] == committed);
  CHECK(listed["runs"][1]["held_part"] == held);
  // The overtaken run 3 is superseded by the committed part.
  CHECK(w.sql("SELECT decision FROM runs WHERE id = " + std::to_string(w.held_run)) ==
        "superseded\n");

  BrowserSession approver(w.port, ConsoleWorld::kApprover, ConsoleWorld::kPassword);
  REQUIRE(approver.ok());
  const std::string page = approver.get("/runs/" + std::to_string(committed)).body;
  CHECK(page.find("A safeguard held part of this file: <a href=\"/runs/" + std::to_string(held) +
                  "\">run " + std::to_string(held) + "</a>") != std::string::npos);
  const std::string held_page = approver.get("/runs/" + std::to_string(held)).body;
  CHECK(held_page.find("<a href=\"/runs/" + std::to_string(committed) + "\">run " +
                       std::to_string(committed) + "</a>'s file that a safeguard tripped on") !=
        std::string::npos);
  CHECK(held_page.find(">Approve</button>") != std::string::npos);
  const HttpAnswer a = w.api(ConsoleWorld::kApprover, "POST", run_path(held, "/approve"),
                             R"({"reason": "the four left the district"})");
  REQUIRE(a.status == 200);
  CHECK(body(a)["state"] == "committed");
  CHECK(w.sql("SELECT count(*) FROM students WHERE feed = 'gen' AND status = 'A'") == "18\n");
}

TEST_CASE("console: a service whose console cannot listen is never taken for another's") {
  ConsoleWorld w;
  // A second service on the same configuration: its port is the first one's. The first answers
  // on it, but the second never says it listens, and ends.
  const auto second =
      start_console_service({"run", "--config", w.config.string()}, {}, w.tmp / "second.log");
  CHECK(second == nullptr);
  CHECK(http_request(w.port, "GET", "/healthz").status == 200);  // the first still serves
}
