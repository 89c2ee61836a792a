// What the console reads from a request (console/form_data.h), its sign-in throttle, and the
// HTML escape every page goes through.
#include <doctest/doctest.h>

#include "console/form_data.h"
#include "console/http_exchange.h"
#include "console/login_throttle.h"
#include "core/html_text.h"

namespace rosterd {

TEST_CASE("a log line never carries a mail link's key, however the path spells it") {
  const std::string key(64, 'c');
  CHECK(loggable_path("/m/" + key) == "/m/…");
  CHECK(loggable_path("/%6D/" + key + "x") == "/%6D/…x");
  CHECK(loggable_path("/runs/12") == "/runs/12");
  CHECK(loggable_path("/feeds/abc-def/check") == "/feeds/abc-def/check");
  CHECK(loggable_path("/m/" + key).find("cccccccccccccccc") == std::string::npos);
}

TEST_CASE("percent-decoding refuses a broken escape and a NUL byte") {
  CHECK(percent_decode("a%20b+c", true) == "a b c");
  CHECK(percent_decode("a+b", false) == "a+b");
  CHECK(percent_decode("%e2%82%AC", false) == "\xe2\x82\xac");
  CHECK_FALSE(percent_decode("%", false));
  CHECK_FALSE(percent_decode("%2", false));
  CHECK_FALSE(percent_decode("%zz", false));
  CHECK_FALSE(percent_decode("%00", false));
  CHECK(percent_encode("a b/é~") == "a%20b%2F%C3%A9~");
}

TEST_CASE("a form keeps its fields in order and leaves out the malformed ones") {
  const FormFields f =
      parse_form("reason=checked+with%20the+registrar&bad=%zz&=x&flag&csrf=1&csrf=2");
  REQUIRE(f.size() == 4);
  CHECK(f[0] == std::pair<std::string, std::string>{"reason", "checked with the registrar"});
  CHECK(f[1] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(form_value(f, "csrf") == "1");  // the first one
  CHECK_FALSE(form_value(f, "bad"));
}

TEST_CASE("a cookie is found by its exact name") {
  CHECK(cookie_value("a=1; rosterd_session=abc; b=2", "rosterd_session") == "abc");
  CHECK_FALSE(cookie_value("xrosterd_session=abc", "rosterd_session"));
  CHECK_FALSE(cookie_value("", "rosterd_session"));
}

TEST_CASE("a path's segments never climb out, whatever the encoding") {
  CHECK(path_segments("/runs/12/changes") == std::vector<std::string>{"runs", "12", "changes"});
  CHECK(path_segments("/feeds/north%20isd") == std::vector<std::string>{"feeds", "north isd"});
  CHECK(path_segments("/") == std::vector<std::string>{});
  CHECK_FALSE(path_segments("runs"));
  CHECK_FALSE(path_segments("/feeds/.."));
  CHECK_FALSE(path_segments("/feeds/%2e%2e/runs"));
  CHECK_FALSE(path_segments("/feeds/a%2fb"));
  CHECK_FALSE(path_segments("/feeds/%00"));
}

TEST_CASE("a multipart upload gives its parts; a broken one gives nothing") {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n"
      "--XyZ\r\nContent-Disposition: form-data; name=\"roster\"; filename=\"night;1.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\nA|B\r\n1|2\r\n--XyZ--\r\n";
  const auto parts = parse_multipart("multipart/form-data; boundary=XyZ", body);
  REQUIRE(parts);
  REQUIRE(parts->size() == 2);
  CHECK((*parts)[0].name == "csrf");
  CHECK((*parts)[0].content == "abc");
  CHECK((*parts)[1].filename == "night;1.txt");
  CHECK((*parts)[1].content == "A|B\r\n1|2");
  CHECK_FALSE(parse_multipart("multipart/form-data", body));  // no boundary
  CHECK_FALSE(parse_multipart("text/plain; boundary=XyZ", body));
  CHECK_FALSE(parse_multipart("multipart/form-data; boundary=XyZ", body.substr(0, 60)));
  CHECK_FALSE(parse_multipart("multipart/form-data; boundary=XyZ",
                              "--XyZ\r\nX-Other: 1\r\n\r\nabc\r\n--XyZ--"));  // no name
}

TEST_CASE("html escaping leaves no markup and no broken bytes") {
  CHECK(html_escape("<script>alert('x')</script> & \"q\"") ==
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  CHECK(html_escape("Núñez") == "Núñez");
  CHECK(html_escape("a\xff"
                    "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(html_escape("a\x01\nb") == "a b");
}

TEST_CASE("the sign-in throttle counts per account and per address, over 15 minutes") {
  LoginThrottle t;
  for (int i = 0; i < 5; ++i) {
    CHECK(t.allowed("pat@x.org", "192.0.2.1", 1000 + i, 5));
    t.failed("pat@x.org", "192.0.2.1", 1000 + i);
  }
  CHECK_FALSE(t.allowed("pat@x.org", "192.0.2.9", 1010, 5));  // the account, from anywhere
  CHECK_FALSE(t.allowed("kim@x.org", "192.0.2.1", 1010, 5));  // the address, for anyone
  CHECK(t.allowed("kim@x.org", "192.0.2.9", 1010, 5));
  CHECK(t.allowed("pat@x.org", "192.0.2.9", 1000 + LoginThrottle::kWindow + 5, 5));  // later
  t.succeeded("pat@x.org");
  CHECK(t.allowed("pat@x.org", "192.0.2.9", 1010, 5));
}

}  // namespace rosterd
