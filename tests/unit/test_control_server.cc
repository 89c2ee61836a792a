// The service's control socket under a flood: idle clients are cut off at the deadline, more than
// max_connections are closed at once, an over-long request gets no answer, and an accept that
// fails for want of descriptors is logged once and retried until it works again.
#include "service/control_server.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <cerrno>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>
#include <vector>

#include "core/error.h"
#include "core/log.h"
#include "ops/control_socket.h"
#include "tests/support/temp_dir.h"

using namespace rosterd;

namespace {

// A ControlServer on its own loop thread, answering "ping" with "pong".
struct Server {
  testing::TempDir dir;
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  ControlServer server;
  std::thread loop;

  explicit Server(ControlServer::Limits limits)
      : server(
            io,
            [](const std::string& line, ControlServer::Reply reply) {
              reply(line == "ping" ? "pong\n" : "error\n");
            },
            limits) {
    server.open(control_socket_path(dir.path()));
    loop = std::thread([this] { io.run(); });
  }
  ~Server() {
    boost::asio::post(io, [this] { server.close(); });
    work.reset();
    io.stop();
    loop.join();
  }
  std::size_t open_connections() {
    std::promise<std::size_t> n;
    std::future<std::size_t> answer = n.get_future();
    boost::asio::post(io, [&] { n.set_value(server.open_connections()); });
    return answer.get();
  }
};

// A connected client socket, or -1 with errno set.
int connect_client(const std::filesystem::path& socket_path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    return -1;
  }
  return fd;
}

// Waits up to `ms` for the server to close `fd`; true when it did (EOF, or a reset when it
// closed with bytes of ours unread).
bool closed_by_server(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, ms) <= 0) return false;
  char c;
  const ssize_t n = ::recv(fd, &c, 1, 0);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("control server: a client that sends nothing is cut off at the deadline") {
  ControlServer::Limits limits;
  limits.request_deadline = std::chrono::milliseconds(200);
  Server s(limits);
  const int idle = connect_client(control_socket_path(s.dir.path()));
  REQUIRE(idle >= 0);
  CHECK(closed_by_server(idle, 10000));
  ::close(idle);
  CHECK(control_request(s.dir.path(), "ping") == "pong\n");
}

TEST_CASE("control server: past max_connections a client is closed at once, the rest served") {
  ControlServer::Limits limits;
  limits.request_deadline = std::chrono::seconds(30);  // the idle ones stay open for the whole test
  limits.max_connections = 4;
  Server s(limits);
  std::vector<int> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(connect_client(control_socket_path(s.dir.path())));
    REQUIRE(idle.back() >= 0);
  }
  // The fifth is accepted and closed at once (not left in the backlog).
  const int extra = connect_client(control_socket_path(s.dir.path()));
  REQUIRE(extra >= 0);
  CHECK(closed_by_server(extra, 10000));
  ::close(extra);
  CHECK(s.open_connections() == 4);
  // Once one idle client goes, a request is answered again.
  ::close(idle.back());
  idle.pop_back();
  std::string reply;
  for (int attempt = 0; attempt < 100 && reply.empty(); ++attempt) {
    try {
      reply = control_request(s.dir.path(), "ping", std::chrono::seconds(5));
    } catch (const Error&) {
      // closed at once: the server had not seen the idle client go yet
    }
  }
  CHECK(reply == "pong\n");
  for (int fd : idle)
    ::close(fd);
}

TEST_CASE("control server: a reply that takes longer than the request deadline still goes out") {
  testing::TempDir dir;
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  ControlServer::Limits limits;
  limits.request_deadline = std::chrono::milliseconds(100);
  limits.reply_deadline = std::chrono::seconds(30);
  boost::asio::steady_timer later(io);
  ControlServer server(
      io,
      [&](const std::string&, ControlServer::Reply reply) {
        // As `status` does when the store is slow: the answer comes well after the request.
        later.expires_after(std::chrono::milliseconds(600));
        later.async_wait([reply](const boost::system::error_code&) { reply("late\n"); });
      },
      limits);
  server.open(control_socket_path(dir.path()));
  std::thread loop([&] { io.run(); });
  CHECK(control_request(dir.path(), "status", std::chrono::seconds(10)) == "late\n");
  boost::asio::post(io, [&] { server.close(); });
  work.reset();
  io.stop();
  loop.join();
}

TEST_CASE("control server: a request longer than max_request_bytes gets no answer") {
  ControlServer::Limits limits;
  limits.max_request_bytes = 64;
  Server s(limits);
  const int fd = connect_client(control_socket_path(s.dir.path()));
  REQUIRE(fd >= 0);
  const std::string junk(4096, 'x');
  CHECK(::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL) > 0);
  CHECK(closed_by_server(fd, 10000));
  ::close(fd);
}

TEST_CASE("control server: an accept out of descriptors is logged once, retried, and recovers") {
  ControlServer::Limits limits;
  limits.max_connections = 100000;  // the descriptor limit is what stops accepting here
  limits.request_deadline = std::chrono::seconds(30);
  Server s(limits);
  rlimit saved{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
  const log::Capture log;
  const log::Level level = log::level();
  log::set_level(log::Level::info);
  std::vector<int> clients;
  {
    // Room for a few dozen descriptors more than this process holds now.
    int highest = 0;
    for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd"))
      highest = std::max(highest, std::stoi(e.path().filename().string()));
    rlimit low = saved;
    low.rlim_cur = static_cast<rlim_t>(highest + 40);
    // The loop is held while the clients connect, so that they take every descriptor left and
    // wait in the backlog; the server's first accept then has none.
    // Atomics, not futures: with no descriptor left, UBSan cannot check a future's dynamic type.
    // Shared with the loop's task, which may still be returning from its wait when this block
    // ends.
    auto go = std::make_shared<std::atomic<bool>>(false);
    auto holding = std::make_shared<std::atomic<bool>>(false);
    boost::asio::post(s.io, [go, holding] {
      holding->store(true);
      holding->notify_one();
      go->wait(false);
    });
    holding->wait(false);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    for (int i = 0; i < 200; ++i) {
      const int fd = connect_client(control_socket_path(s.dir.path()));
      if (fd < 0) break;
      clients.push_back(fd);
    }
    go->store(true);
    go->notify_one();
    // Until the server has tried (and failed) an accept.
    for (int waited = 0; waited < 10000; waited += 20) {
      if (log.text().find("control.accept_failed") != std::string::npos) break;
      ::poll(nullptr, 0, 20);
    }
  }
  for (int fd : clients)
    ::close(fd);
  REQUIRE(::setrlimit(RLIMIT_NOFILE, &saved) == 0);
  std::string reply;
  for (int attempt = 0; attempt < 100 && reply.empty(); ++attempt) {
    try {
      reply = control_request(s.dir.path(), "ping", std::chrono::seconds(10));
    } catch (const Error&) {
      // a connection of the flood still being drained
    }
  }
  CHECK(reply == "pong\n");
  log::set_level(level);
  const std::string text = log.text();
  CAPTURE(text);
  CHECK(count_of(text, "event=control.accept_failed") == 1);
  CHECK(text.find("too many open files (this process may hold") != std::string::npos);
  CHECK(count_of(text, "event=control.accept_recovered") == 1);
}

TEST_CASE("control_request gives up after its timeout when the service does not answer") {
  testing::TempDir dir;
  // A listener that never accepts: connect succeeds (the backlog), no answer ever comes.
  const int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", control_socket_path(dir.path()).c_str());
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(listener, 1) == 0);
  const auto start = std::chrono::steady_clock::now();
  try {
    control_request(dir.path(), "status", std::chrono::milliseconds(300));
    FAIL("control_request should have given up");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("did not answer within 1 s") != std::string::npos);
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  // A full backlog (connect itself would block) is bounded the same way.
  std::vector<int> fill;
  for (int i = 0; i < 64; ++i) {
    const int fd = connect_client(control_socket_path(dir.path()));
    if (fd < 0) break;
    fill.push_back(fd);
  }
  CHECK_THROWS_WITH_AS(control_request(dir.path(), "status", std::chrono::milliseconds(300)),
                       doctest::Contains("did not answer within 1 s"), Error);
  for (int fd : fill)
    ::close(fd);
  ::close(listener);
}
