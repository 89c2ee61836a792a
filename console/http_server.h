// The console's HTTP/1.1 server (Boost.Beast) on the service's Asio loop. Reading and writing
// happen on the loop; each request is answered on `pool` (a thread pool of the console's own),
// so a slow page never delays a poll's timer and a poll never blocks a page.
//
// Everything it reads is hostile until parsed: a request's head is limited to 16 KiB and its
// body to `max_body` (`max_upload` for the routes `is_upload` names), the whole request must
// arrive within `timeout` and the answer leave within it too, at most `max_connections` are
// open (one more is accepted and closed at once), and an accept that fails (EMFILE) is logged
// once and retried with backoff.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "console/http_exchange.h"

namespace rosterd {

class HttpServer {
 public:
  struct Limits {
    std::chrono::milliseconds timeout{30000};
    std::size_t max_connections = 64;
    std::uint64_t max_body = 64 * 1024;
    std::uint64_t max_upload = std::uint64_t{64} << 20;
    // True for a request (method, path) whose body may be as large as max_upload.
    std::function<bool(const std::string& method, const std::string& path)> is_upload;
  };
  // Called on a thread of `pool`; must not throw (the server answers 500 if it does).
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Neither `io` nor `pool` is owned; both outlive the server.
  HttpServer(boost::asio::io_context& io, boost::asio::thread_pool& pool, Limits limits,
             Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on host:port (port 0: any free one). Throws UnavailableError when it cannot.
  void open(const std::string& host, std::uint16_t port);
  // Stops accepting; open connections end with their current exchange.
  void close();
  // The port it listens on.
  std::uint16_t port() const { return port_; }
  std::size_t open_connections() const { return active_->load(); }

 private:
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
  std::shared_ptr<std::atomic<std::size_t>> active_ = std::make_shared<std::atomic<std::size_t>>(0);
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool open_ = false;
};

}  // namespace rosterd
