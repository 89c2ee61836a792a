// The console's HTTP/1.1 server (Boost.Beast) on the service's Asio loop. Reading and writing
// happen on the loop; each request is answered on `pool` (a thread pool of the console's own),
// so a slow page never delays a poll's timer and a poll never blocks a page.
//
// Everything it reads is hostile until parsed:
//  - a request's head is limited to 16 KiB and must arrive within `header_timeout` (a kept-alive
//    connection waits `idle_timeout` for the next one); its body must arrive within `timeout`;
//  - a body is limited to `max_body`; only a request that carries credentials (a cookie or a
//    bearer token, checked later by the routes) to a route `is_upload` names may send up to
//    `max_upload`, and at most `max_uploads` such bodies are read at once (others get 503), so
//    memory stays bounded whoever connects;
//  - at most `max_connections` are open, `max_per_address` from one address (one more is
//    accepted and closed at once, so the backlog drains), and an accept that fails (EMFILE) is
//    logged once and retried with backoff;
//  - an answer whose header value holds CR, LF or NUL is never sent (500 instead).
// With use_tls() it speaks https itself (console.tls); otherwise a reverse proxy does.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "console/http_exchange.h"

namespace rosterd {

class HttpServer {
 public:
  struct Limits {
    std::chrono::milliseconds timeout{30000};
    std::chrono::milliseconds header_timeout{10000};
    std::chrono::milliseconds idle_timeout{5000};
    std::size_t max_connections = 64;
    std::size_t max_per_address = 8;  // not for the addresses in `proxies`
    std::set<std::string> proxies;
    std::uint64_t max_body = 64 * 1024;
    std::uint64_t max_upload = std::uint64_t{64} << 20;
    std::size_t max_uploads = 2;
    // True for a request (method, path) whose body may be as large as max_upload.
    std::function<bool(const std::string& method, const std::string& path)> is_upload;
  };
  // Called on a thread of `pool`; must not throw (the server answers 500 if it does).
  // The request is the handler's to adjust (the client address behind a trusted proxy).
  using Handler = std::function<HttpResponse(HttpRequest&)>;

  // Neither `io` nor `pool` is owned; both outlive the server.
  HttpServer(boost::asio::io_context& io, boost::asio::thread_pool& pool, Limits limits,
             Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Speaks TLS (1.2 and 1.3) with this certificate chain and key, both PEM files. Throws
  // UnavailableError when either cannot be read or they do not match. REQUIRES: before open().
  void use_tls(const std::string& cert_file, const std::string& key_file);
  // Listens on host:port (port 0: any free one). Throws UnavailableError when it cannot.
  void open(const std::string& host, std::uint16_t port);
  // Stops accepting; open connections end with their current exchange.
  void close();
  // The port it listens on.
  std::uint16_t port() const { return port_; }
  std::size_t open_connections() const;

  // What connections share with the server, which they may outlive.
  struct Counts {
    std::mutex mutex;
    std::size_t open = 0;
    std::size_t uploads = 0;
    std::map<std::string, std::size_t> by_address;
  };

 private:
  template <class Stream>
  class Connection;
  void accept();
  void retry_accept_after(const boost::system::error_code& ec);

  boost::asio::io_context& io_;
  boost::asio::thread_pool& pool_;
  std::shared_ptr<const Limits> limits_;
  std::shared_ptr<const Handler> handler_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  std::chrono::milliseconds backoff_{0};
  std::string accept_fault_;
  std::uint16_t port_ = 0;
  std::shared_ptr<Counts> counts_ = std::make_shared<Counts>();
  std::shared_ptr<boost::asio::ssl::context> tls_;  // none: plain HTTP
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool open_ = false;
};

}  // namespace rosterd
