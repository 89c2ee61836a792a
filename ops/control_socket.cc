#include "ops/control_socket.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"
#include "core/os_error.h"

namespace rosterd {

std::filesystem::path control_socket_path(const std::filesystem::path& state_dir) {
  return state_dir / "rosterd.sock";
}

namespace {

// Sets both socket timeouts to what is left of the deadline; false once it has passed.
bool arm(int fd, std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return false;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(left.count() / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(left.count() % 1000000);
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);  // connect to a full backlog too
  return true;
}

struct Closer {
  int fd;
  ~Closer() { ::close(fd); }
};

}  // namespace

std::string control_request(const std::filesystem::path& state_dir, const std::string& request,
                            std::chrono::milliseconds timeout) {
  const std::filesystem::path path = control_socket_path(state_dir);
  sockaddr_un addr{};
  if (path.string().size() >= sizeof addr.sun_path)
    throw Error("the control socket path " + path.string() + " is too long; shorten state_dir.");
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw Error("cannot open a socket: " + os_error_text(errno));
  const Closer closer{fd};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string seconds = std::to_string((timeout.count() + 999) / 1000);
  const auto no_answer = [&] {
    return Error("the rosterd service on " + path.string() + " did not answer within " + seconds +
                 " s. It may be overloaded or stuck: see `systemctl status rosterd` and "
                 "`journalctl -u rosterd`, or try again with a longer --timeout.");
  };
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.string().size() + 1);
  arm(fd, deadline);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    if (err == EAGAIN || err == EINPROGRESS) throw no_answer();
    throw Error("no rosterd service answers on " + path.string() + " (" + os_error_text(err) +
                "). Is `rosterd run` (systemctl status rosterd) running with this configuration?");
  }
  const std::string line = request + "\n";
  if (!arm(fd, deadline)) throw no_answer();
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) throw no_answer();
    throw Error("cannot talk to the rosterd service on " + path.string() + ": " +
                os_error_text(errno));
  }
  std::string reply;
  char buf[4096];
  for (;;) {
    if (!arm(fd, deadline)) throw no_answer();
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) throw no_answer();
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
    if (reply.size() > kMaxControlReply) {
      throw Error("the rosterd service on " + path.string() + " sent more than " +
                  std::to_string(kMaxControlReply) + " bytes; is it a rosterd service?");
    }
  }
  if (reply.empty()) {
    throw Error("the rosterd service on " + path.string() +
                " closed the connection without an answer (it may be stopping, or too busy: "
                "try again).");
  }
  return reply;
}

}  // namespace rosterd
