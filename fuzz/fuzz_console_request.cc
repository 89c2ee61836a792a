// Whatever a client sends the console: the bytes are read as an HTTP request the way the server
// reads one (Boost.Beast's parser, the same head and body limits), then everything the routes
// take from it is parsed: the path's segments, the query and a form body, the cookie, a
// multipart upload; and every value goes through the HTML escape. Nothing may crash or read out
// of bounds, and each parser keeps its promise:
//  - no path segment is "." or "..", holds a '/', or a NUL byte;
//  - a decoded value encodes and decodes back to itself;
//  - escaped text holds no '<', '>', '"' or '\'' and no control byte.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "console/form_data.h"
#include "core/html_text.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "console request: %s\n", what);
  std::abort();
}

void check_escaped(std::string_view text) {
  const std::string e = rosterd::html_escape(text);
  for (const char c : e) {
    const auto u = static_cast<unsigned char>(c);
    require(c != '<' && c != '>' && c != '"' && c != '\'', "a markup character survived escaping");
    require(u >= 0x20 && u != 0x7f, "a control byte survived escaping");
  }
}

void check_value(const std::string& v) {
  const auto back = rosterd::percent_decode(rosterd::percent_encode(v), false);
  require(back && *back == v, "a value does not survive encoding and decoding");
  check_escaped(v);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  beast::error_code ec;
  parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  // Parsed or not, the parts below see what a route would: the request if whole, the raw bytes
  // otherwise (as a path, a query and a body).
  std::string target(bytes.substr(0, 256)), body(bytes), content_type, cookie;
  if (!ec && parser.is_done()) {
    const auto& req = parser.get();
    target = std::string(req.target());
    body = req.body();
    content_type = std::string(req[http::field::content_type]);
    cookie = std::string(req[http::field::cookie]);
  }
  const std::size_t q = target.find('?');
  const std::string path = target.substr(0, q);
  const std::string query = q == std::string::npos ? "" : target.substr(q + 1);
  if (const auto segs = rosterd::path_segments(path)) {
    for (const std::string& s : *segs) {
      require(s != "." && s != ".." && s.find('/') == std::string::npos &&
                  s.find('\0') == std::string::npos,
              "a path segment escapes");
      check_value(s);
    }
  }
  for (const auto& fields : {rosterd::parse_form(query), rosterd::parse_form(body)}) {
    for (const auto& [k, v] : fields) {
      require(!k.empty(), "a form field without a name");
      check_value(k);
      check_value(v);
    }
  }
  if (const auto c = rosterd::cookie_value(cookie, "rosterd_session")) check_escaped(*c);
  if (const auto parts = rosterd::parse_multipart(
          content_type.empty() ? std::string(bytes.substr(0, 120)) : content_type, body)) {
    for (const auto& p : *parts) {
      check_escaped(p.name);
      check_escaped(p.filename);
      require(p.content.size() <= body.size(), "a part larger than the body");
    }
  }
  return 0;
}
