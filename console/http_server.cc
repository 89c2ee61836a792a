#include "console/http_server.h"

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <optional>
#include <type_traits>

#include "core/error.h"
#include "core/log.h"

namespace rosterd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint32_t kHeaderLimit = 16 * 1024;

// Headers every answer carries: nothing of the console may be framed, sniffed, leak its address
// to other sites, or run a script (pages have no JavaScript at all).
void secure_headers(http::response<http::string_body>& res, bool cacheable) {
  res.set(http::field::server, "rosterd");
  res.set("Content-Security-Policy",
          "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
          "frame-ancestors 'none'; base-uri 'none'");
  res.set("X-Frame-Options", "DENY");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "same-origin");  // no-referrer would make Origin "null"
  res.set(http::field::cache_control, cacheable ? "max-age=3600" : "no-store");
}

// True when a header value could end its line: such a value never goes out.
bool breaks_header(const std::string& value) {
  return value.find_first_of(std::string("\r\n\0", 3)) != std::string::npos;
}

HttpResponse plain_error(int status, const std::string& code, const std::string& message);

http::response<http::string_body> to_beast(HttpResponse r, unsigned version, bool keep_alive) {
  bool bad = breaks_header(r.content_type);
  for (const auto& [name, value] : r.headers)
    bad = bad || breaks_header(name) || breaks_header(value);
  if (bad) {
    log::error("console.bad_header", {{"status", std::to_string(r.status)}});
    r = plain_error(500, "internal", "the console failed to answer; the service log says why");
  }
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::content_type, r.content_type);
  for (const auto& [name, value] : r.headers)
    res.insert(name, value);
  secure_headers(res, r.cacheable);
  res.body() = std::move(r.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  if (r.head) {
    const std::size_t length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  return res;
}

HttpResponse plain_error(int status, const std::string& code, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.content_type = "application/json";
  r.body = "{\"error\": {\"code\": \"" + code + "\", \"message\": \"" + message + "\"}}\n";
  return r;
}

}  // namespace

// One connection over `Stream`: beast::tcp_stream, or beast::ssl_stream of one (console.tls).
template <class Stream>
class HttpServer::Connection : public std::enable_shared_from_this<HttpServer::Connection<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  // REQUIRES: the connection was counted for `peer` (HttpServer::accept). `stream_args` make
  // the stream from the socket (and the TLS context).
  template <class... StreamArgs>
  Connection(std::string peer, asio::io_context& io, asio::thread_pool& pool,
             std::shared_ptr<const Limits> limits, std::shared_ptr<const Handler> handler,
             std::shared_ptr<Counts> counts, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...),
        io_(io),
        pool_(pool),
        limits_(std::move(limits)),
        handler_(std::move(handler)),
        counts_(std::move(counts)),
        peer_(std::move(peer)) {}
  ~Connection() {
    const std::lock_guard lock(counts_->mutex);
    --counts_->open;
    if (upload_slot_) --counts_->uploads;
    if (--counts_->by_address[peer_] == 0) counts_->by_address.erase(peer_);
  }

  void start() {
    if constexpr (kTls) {
      // The TLS handshake counts against the head's deadline.
      lowest().expires_after(limits_->header_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) return self->close();
                                self->read_head();
                              });
    } else {
      read_head();
    }
  }

 private:
  void read_head() {
    release_upload_slot();
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // The body's own limit is set once the head names the route; until then the larger one, so
    // that an upload's Content-Length is not refused before its route is known.
    parser_->body_limit(std::max(limits_->max_body, limits_->max_upload));
    // The first request's head within header_timeout; a kept-alive connection's next one within
    // idle_timeout, so idle connections do not hold slots.
    lowest().expires_after(requests_ == 0 ? limits_->header_timeout : limits_->idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              self->on_head(ec);
                            });
  }

  void on_head(beast::error_code ec) {
    if (ec) return refuse(ec);
    const auto& head = parser_->get();
    const std::string target(head.target());
    const std::string method(head.method_string());
    const std::string path = target.substr(0, target.find('?'));
    std::uint64_t limit = limits_->max_body;
    const bool credentials =
        head.count(http::field::cookie) != 0 || head.count(http::field::authorization) != 0;
    if (credentials && limits_->is_upload && limits_->is_upload(method, path) &&
        parser_->content_length().value_or(limits_->max_upload) > limits_->max_body) {
      if (!take_upload_slot()) {
        return answer(
            plain_error(503, "busy", "other test files are being read now; try again in a minute"),
            false);
      }
      limit = limits_->max_upload;
    }
    if (parser_->content_length() && *parser_->content_length() > limit) return too_large();
    parser_->body_limit(limit);
    // A client that waits for "100 Continue" before sending its body gets it.
    if (head[http::field::expect] == "100-continue") {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                     head.version());
      http::async_write(stream_, *cont,
                        [self = this->shared_from_this(), cont](beast::error_code e, std::size_t) {
                          if (e) return self->fail(e);
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    lowest().expires_after(limits_->timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_request(ec);
                     });
  }

  void on_request(beast::error_code ec) {
    if (ec) return refuse(ec);
    ++requests_;
    auto req = std::make_shared<HttpRequest>();
    auto& msg = parser_->get();
    version_ = msg.version();
    keep_alive_ = msg.keep_alive();
    req->method = std::string(msg.method_string());
    const std::string target(msg.target());
    const std::size_t q = target.find('?');
    req->path = target.substr(0, q);
    if (q != std::string::npos) req->query = target.substr(q + 1);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req->headers[name] = std::string(field.value());
    }
    req->body = std::move(msg.body());
    req->peer = peer_;
    // The answer is made on the pool and written from the loop, where its own deadline starts.
    asio::post(pool_, [self = this->shared_from_this(), req] {
      HttpResponse res;
      try {
        res = (*self->handler_)(*req);
      } catch (const std::exception& e) {
        log::error("console.internal_error",
                   {{"path", loggable_path(req->path)}, {"error", e.what()}});
        res = plain_error(500, "internal", "the console failed to answer; the log says why");
      }
      res.head = req->method == "HEAD";
      asio::post(self->io_, [self, res = std::move(res)] { self->answer(res, self->keep_alive_); });
    });
  }

  void answer(const HttpResponse& r, bool keep_alive) {
    auto res =
        std::make_shared<http::response<http::string_body>>(to_beast(r, version_, keep_alive));
    lowest().expires_after(limits_->timeout);
    http::async_write(
        stream_, *res,
        [self = this->shared_from_this(), res, keep_alive](beast::error_code ec, std::size_t) {
          if (ec) return self->fail(ec);
          if (!keep_alive) return self->linger_close();
          self->read_head();
        });
  }

  void fail(beast::error_code) { close(); }

  // A request that could not be read: answered with its error when it is the client's fault
  // (413, 431, 400), closed otherwise (a timeout, a connection gone).
  void refuse(beast::error_code ec) {
    if (ec == http::error::body_limit) return too_large();
    if (ec == http::error::header_limit) {
      return answer(plain_error(431, "header_too_large", "the request's headers are too large"),
                    false);
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout) return close();
    if (ec.category() == http::make_error_code(http::error::bad_target).category())
      return answer(plain_error(400, "bad_request", "the request is not well-formed HTTP"), false);
    fail(ec);
  }

  bool take_upload_slot() {
    const std::lock_guard lock(counts_->mutex);
    if (counts_->uploads >= limits_->max_uploads) return false;
    ++counts_->uploads;
    upload_slot_ = true;
    return true;
  }

  void release_upload_slot() {
    if (!upload_slot_) return;
    const std::lock_guard lock(counts_->mutex);
    --counts_->uploads;
    upload_slot_ = false;
  }

  void too_large() {
    answer(plain_error(413, "too_large",
                       "the request is larger than this server takes (console.max_upload for a "
                       "test file)"),
           false);
  }

  // After an answer that ends the connection (an error before the body was read): stop sending,
  // then read and drop what the client still sends, for a moment, before closing. Closing with
  // unread bytes would reset the connection, and the client could lose the answer.
  void linger_close() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    lowest().expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  void close() {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().close();
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  Stream stream_;
  asio::io_context& io_;
  asio::thread_pool& pool_;
  std::shared_ptr<const Limits> limits_;
  std::shared_ptr<const Handler> handler_;
  std::shared_ptr<Counts> counts_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string peer_;
  std::size_t requests_ = 0;  // read on this connection so far
  bool upload_slot_ = false;  // holds one of max_uploads
  std::array<char, 4096> scratch_{};
  unsigned version_ = 11;
  bool keep_alive_ = false;
};

HttpServer::HttpServer(asio::io_context& io, asio::thread_pool& pool, Limits limits,
                       Handler handler)
    : io_(io),
      pool_(pool),
      limits_(std::make_shared<const Limits>(std::move(limits))),
      handler_(std::make_shared<const Handler>(std::move(handler))),
      acceptor_(io),
      retry_(io) {}

HttpServer::~HttpServer() {
  *alive_ = false;
  close();
}

void HttpServer::use_tls(const std::string& cert_file, const std::string& key_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  boost::system::error_code ec;
  // TLS 1.2 and 1.3 only.
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                   ec);
  ctx->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    throw UnavailableError("console.tls.cert_file " + cert_file + ": " + ec.message() +
                           ". Give a PEM certificate chain rosterd can read.");
  }
  ctx->use_private_key_file(key_file, asio::ssl::context::pem, ec);
  if (ec) {
    throw UnavailableError("console.tls.key_file " + key_file + ": " + ec.message() +
                           ". Give the certificate's PEM private key, readable by rosterd only.");
  }
  tls_ = std::move(ctx);
}

void HttpServer::open(const std::string& host, std::uint16_t port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) throw UnavailableError("console.listen: \"" + host + "\" is not an IP address.");
  const tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    throw UnavailableError("the console cannot listen on " + host + ":" + std::to_string(port) +
                           ": " + ec.message() +
                           ". Stop what uses that port, or set console.listen to another.");
  }
  port_ = acceptor_.local_endpoint().port();
  open_ = true;
  accept();
}

std::size_t HttpServer::open_connections() const {
  const std::lock_guard lock(counts_->mutex);
  return counts_->open;
}

void HttpServer::close() {
  open_ = false;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_.cancel();
}

void HttpServer::accept() {
  acceptor_.async_accept(
      [this, alive = alive_](const boost::system::error_code& ec, tcp::socket socket) {
        if (!*alive || !open_) return;
        if (ec) return retry_accept_after(ec);
        if (!accept_fault_.empty()) {
          log::info("console.accept_recovered");
          accept_fault_.clear();
        }
        backoff_ = std::chrono::milliseconds(0);
        boost::system::error_code ec_peer;
        const auto ep = socket.remote_endpoint(ec_peer);
        const std::string peer = ec_peer ? std::string("unknown") : ep.address().to_string();
        bool admitted = false;
        {
          const std::lock_guard lock(counts_->mutex);
          std::size_t& mine = counts_->by_address[peer];
          admitted = counts_->open < limits_->max_connections &&
                     (mine < limits_->max_per_address || limits_->proxies.contains(peer));
          if (admitted) {
            ++counts_->open;
            ++mine;
          } else if (mine == 0) {
            counts_->by_address.erase(peer);
          }
        }
        if (!admitted) {
          boost::system::error_code ignored;
          socket.close(ignored);  // over a cap: closed at once, so the backlog drains
        } else {
          if (tls_) {
            std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(
                peer, io_, pool_, limits_, handler_, counts_, std::move(socket), *tls_)
                ->start();
          } else {
            std::make_shared<Connection<beast::tcp_stream>>(peer, io_, pool_, limits_, handler_,
                                                            counts_, std::move(socket))
                ->start();
          }
        }
        accept();
      });
}

void HttpServer::retry_accept_after(const boost::system::error_code& ec) {
  if (ec == asio::error::operation_aborted) return;
  const std::string why = ec.message();
  if (why != accept_fault_) {
    log::error("console.accept_failed",
               {{"port", std::to_string(port_)},
                {"error", why},
                {"what_to_do",
                 "retried with backoff; raise LimitNOFILE if it is 'too many open "
                 "files'"}});
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
