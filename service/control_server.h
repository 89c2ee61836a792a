// The service's end of the control socket (control_socket.h): accepts connections on the
// service's Asio loop, reads one request line from each, hands it to the service and writes the
// reply back.
//
// Anyone who can reach the socket could otherwise hold the service's descriptors: every
// connection has a deadline for its request and one for its reply, at most `max_connections` are
// open at once
// (one more is accepted and closed at once, so the backlog drains), and an accept that fails
// (EMFILE) is logged once, then retried with backoff instead of spinning or stopping for good.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace rosterd {

class ControlServer {
 public:
  struct Limits {
    // From accept to the request's newline: a client that sends nothing is cut off.
    std::chrono::milliseconds request_deadline{5000};
    // From the request to the last byte of the reply: `status` reads the store, which may wait
    // for a writer's lock.
    std::chrono::milliseconds reply_deadline{60000};
    std::size_t max_connections = 16;
    std::size_t max_request_bytes = 1024;
  };
  // Answers `request` (one line, without its '\n') by calling `reply` once, on the loop's thread,
  // now or later (a status that reads the store posts its answer back to the loop). A copy of
  // `reply` keeps the connection alive: one held by another thread must be moved onto the loop
  // with the answer, so that the connection is never destroyed off the loop.
  using Reply = std::function<void(std::string)>;
  using Handler = std::function<void(const std::string& request, Reply reply)>;

  ControlServer(boost::asio::io_context& io, Handler handler, Limits limits);
  ControlServer(boost::asio::io_context& io, Handler handler)
      : ControlServer(io, std::move(handler), Limits{}) {}
  ~ControlServer();

  // Listens on `path`, mode 0600, replacing a socket a killed service left. Throws Error when
  // another service answers there.
  void open(const std::filesystem::path& path);
  // Stops accepting and removes the socket; connections in flight finish within their deadline.
  void close();

  // Connections open now (for tests and status).
  std::size_t open_connections() const { return active_->load(); }

 private:
  class Session;
  void accept();
  void retry_accept_after(const boost::system::error_code& ec);

  boost::asio::io_context& io_;
  Handler handler_;
  Limits limits_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  std::chrono::milliseconds backoff_{0};
  std::string accept_fault_;  // logged once until accepting works again
  std::filesystem::path path_;
  // Shared with sessions, which may outlive the server by their deadline.
  std::shared_ptr<std::atomic<std::size_t>> active_ = std::make_shared<std::atomic<std::size_t>>(0);
  // False once the server is destroyed: an accept or retry handler the loop runs later (with
  // operation_aborted) must not touch it.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  bool open_ = false;
};

}  // namespace rosterd
