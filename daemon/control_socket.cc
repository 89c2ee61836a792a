#include "daemon/control_socket.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/error.h"

namespace rosterd {

std::filesystem::path control_socket_path(const std::filesystem::path& state_dir) {
  return state_dir / "rosterd.sock";
}

std::string control_request(const std::filesystem::path& state_dir, const std::string& request) {
  const std::filesystem::path path = control_socket_path(state_dir);
  sockaddr_un addr{};
  if (path.string().size() >= sizeof addr.sun_path)
    throw Error("the control socket path " + path.string() + " is too long; shorten state_dir.");
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.string().size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw Error("no rosterd service answers on " + path.string() + " (" + why +
                "). Is `rosterd run` (systemctl status rosterd) running with this configuration?");
  }
  const std::string line = request + "\n";
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) < 0) {
    ::close(fd);
    throw Error("cannot talk to the rosterd service on " + path.string());
  }
  std::string reply;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return reply;
}

}  // namespace rosterd
