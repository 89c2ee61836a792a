#include "service/control_server.h"

#include <sys/stat.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <istream>

#include "core/error.h"
#include "core/log.h"
#include "core/os_error.h"

namespace rosterd {

namespace asio = boost::asio;
using asio::local::stream_protocol;

// One connection: one request line within the request deadline, one reply within the reply
// deadline.
class ControlServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(stream_protocol::socket socket, const Limits& limits,
          std::shared_ptr<std::atomic<std::size_t>> active)
      : socket_(std::move(socket)),
        deadline_(socket_.get_executor()),
        buffer_(limits.max_request_bytes),
        reply_deadline_(limits.reply_deadline),
        active_(std::move(active)) {
    ++*active_;
    deadline_.expires_after(limits.request_deadline);
  }
  ~Session() { --*active_; }

  void start(Handler handler) {
    handler_ = std::move(handler);
    auto self = shared_from_this();
    arm_deadline();
    asio::async_read_until(
        socket_, buffer_, '\n', [self](const boost::system::error_code& ec, std::size_t) {
          // Too long, cut off by the deadline, or closed: no reply.
          if (ec) return self->end();
          std::istream in(&self->buffer_);
          std::string line;
          std::getline(in, line);
          self->deadline_.expires_after(self->reply_deadline_);  // cancels the request's wait
          self->arm_deadline();
          self->handler_(line, [self](std::string text) { self->reply(std::move(text)); });
        });
  }

 private:
  void arm_deadline() {
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;  // cancelled: re-armed, or the reply went out
      boost::system::error_code ignored;
      self->socket_.close(ignored);  // the read or write in flight ends with an error
    });
  }

  void reply(std::string text) {
    auto self = shared_from_this();
    auto owned = std::make_shared<std::string>(std::move(text));
    asio::async_write(
        socket_, asio::buffer(*owned),
        [self, owned](const boost::system::error_code&, std::size_t) { self->end(); });
  }

  void end() {
    deadline_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  stream_protocol::socket socket_;
  asio::steady_timer deadline_;
  asio::streambuf buffer_;
  std::chrono::milliseconds reply_deadline_;
  std::shared_ptr<std::atomic<std::size_t>> active_;
  Handler handler_;
};

ControlServer::ControlServer(asio::io_context& io, Handler handler, Limits limits)
    : io_(io), handler_(std::move(handler)), limits_(limits), acceptor_(io), retry_(io) {}

ControlServer::~ControlServer() {
  close();
  *alive_ = false;
}

void ControlServer::open(const std::filesystem::path& path) {
  {
    // Another service with this state folder still answering: refuse to start rather than take
    // its socket (two services would poll the same feeds).
    stream_protocol::socket probe(io_);
    boost::system::error_code connect_error;
    probe.connect(stream_protocol::endpoint(path.string()), connect_error);
    if (!connect_error) {
      throw Error("another rosterd service already runs with state_dir " +
                  path.parent_path().string() + " (it answers on " + path.string() +
                  "). Stop it first, or give this one its own state_dir.");
    }
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);  // a leftover of a killed service
  acceptor_.open();
  const mode_t old_mask = ::umask(0177);  // the socket is born 0600, never wider
  boost::system::error_code bind_error;
  acceptor_.bind(stream_protocol::endpoint(path.string()), bind_error);
  ::umask(old_mask);
  if (bind_error) {
    throw Error("cannot listen on the control socket " + path.string() + ": " +
                bind_error.message() + ". Check state_dir and its permissions.");
  }
  acceptor_.listen();
  path_ = path;
  open_ = true;
  accept();
}

void ControlServer::close() {
  if (!open_) return;
  open_ = false;
  retry_.cancel();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  std::error_code ec;
  std::filesystem::remove(path_, ec);
}

void ControlServer::accept() {
  acceptor_.async_accept(
      [this](const boost::system::error_code& ec, stream_protocol::socket socket) {
        if (!open_) return;  // closed at stop
        if (ec) return retry_accept_after(ec);
        if (!accept_fault_.empty()) {
          log::info("control.accept_recovered");
          accept_fault_.clear();
        }
        backoff_ = std::chrono::milliseconds(0);
        if (active_->load() >= limits_.max_connections) {
          // Closed at once: a flood of idle clients must not take the descriptors polls need.
          boost::system::error_code ignored;
          socket.close(ignored);
        } else {
          std::make_shared<Session>(std::move(socket), limits_, active_)->start(handler_);
        }
        accept();
      });
}

void ControlServer::retry_accept_after(const boost::system::error_code& ec) {
  const std::string why =
      ec.category() == boost::system::system_category() ? os_error_text(ec.value()) : ec.message();
  if (why != accept_fault_) {
    log::error(
        "control.accept_failed",
        {{"socket", path_.string()}, {"error", why}, {"what_to_do", "retried with backoff"}});
    accept_fault_ = why;
  }
  backoff_ = std::min(std::chrono::milliseconds(5000),
                      std::max(std::chrono::milliseconds(50), backoff_ * 2));
  retry_.expires_after(backoff_);
  retry_.async_wait([this, alive = alive_](const boost::system::error_code& wait) {
    if (!wait && *alive && open_) accept();
  });
}

}  // namespace rosterd
