#include "tests/support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cctype>
#include <chrono>
#include <stdexcept>

namespace rosterd::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string HttpAnswer::header(const std::string& lowercase_name) const {
  const auto it = headers.find(lowercase_name);
  return it == headers.end() ? "" : it->second;
}

HttpAnswer http_request(int port, const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers,
                        const std::string& body) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::seconds(60));
  stream.connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [name, value] : headers)
    req.set(name, value);
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::uint64_t{1} << 30);
  parser.skip(method == "HEAD");  // the answer to HEAD has the GET's length and no body
  http::read(stream, buffer, parser);
  const auto& res = parser.get();
  HttpAnswer a;
  a.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    for (char& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    a.headers.emplace(name, std::string(f.value()));
  }
  a.body = res.body();
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  return a;
}

std::string http_raw(int port, const std::string& raw, int timeout_ms) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  stream.expires_after(std::chrono::milliseconds(timeout_ms));
  stream.connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)));
  beast::error_code ec;
  asio::write(stream.socket(), asio::buffer(raw), ec);
  std::string out;
  char buf[4096];
  while (true) {
    stream.expires_after(std::chrono::milliseconds(timeout_ms));
    const std::size_t n = stream.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
  }
  return out;
}

HeldConnection::HeldConnection(int port, const std::string& bytes) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + " failed");
  if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) < 0)
    throw std::runtime_error("send failed");
}

HeldConnection::~HeldConnection() {
  ::close(fd_);
}

std::string HeldConnection::answer_head(int timeout_ms) {
  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (out.find("\r\n\r\n") == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;  // closed (or reset) by the server
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

std::string form_body(const std::vector<std::pair<std::string, std::string>>& fields) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    for (const std::string* s : {&k, &v}) {
      for (const char c : *s) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
          out += c;
        } else {
          out += '%';
          out += kHex[u >> 4];
          out += kHex[u & 15];
        }
      }
      if (s == &k) out += '=';
    }
  }
  return out;
}

BrowserSession::BrowserSession(int port, const std::string& email, const std::string& password)
    : port_(port) {
  const HttpAnswer a =
      http_request(port, "POST", "/login", {{"Content-Type", "application/x-www-form-urlencoded"}},
                   form_body({{"email", email}, {"password", password}, {"next", "/"}}));
  const std::string set = a.header("set-cookie");
  if (a.status == 303 && !set.empty()) cookie_ = set.substr(0, set.find(';'));
  if (ok()) get("/");
}

void BrowserSession::remember_csrf(const std::string& body) {
  const std::string marker = "name=\"csrf\" value=\"";
  const auto at = body.find(marker);
  if (at != std::string::npos)
    csrf_ =
        body.substr(at + marker.size(), body.find('"', at + marker.size()) - at - marker.size());
}

HttpAnswer BrowserSession::get(const std::string& target) {
  HttpAnswer a = http_request(port_, "GET", target, {{"Cookie", cookie_}});
  remember_csrf(a.body);
  return a;
}

HttpAnswer BrowserSession::post_form(const std::string& target,
                                     const std::vector<std::pair<std::string, std::string>>& fields,
                                     bool with_csrf) {
  auto all = fields;
  if (with_csrf) all.emplace_back("csrf", csrf_);
  HttpAnswer a = http_request(
      port_, "POST", target,
      {{"Cookie", cookie_}, {"Content-Type", "application/x-www-form-urlencoded"}}, form_body(all));
  remember_csrf(a.body);
  return a;
}

HttpAnswer BrowserSession::post_json(const std::string& target, const std::string& json) {
  return http_request(
      port_, "POST", target,
      {{"Cookie", cookie_}, {"Content-Type", "application/json"}, {"X-CSRF-Token", csrf_}}, json);
}

}  // namespace rosterd::testing
