// How `rosterd sync-now` and `rosterd status` talk to a running service: a Unix stream socket
// at state_dir/rosterd.sock, mode 0600 (only the service's user, and root, can use it). One
// request line, one reply, then the connection closes; the service's end is control_server.h.
//
//   sync-now FEED   -> "ok: FEED polls now" | "error: ..."
//   status          -> one JSON object: every feed's status (ops/feed_status.h)
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

namespace rosterd {

// The socket a service with this state folder listens on.
std::filesystem::path control_socket_path(const std::filesystem::path& state_dir);

// How long a command waits for the service by default (`--timeout`).
inline constexpr std::chrono::seconds kDefaultControlTimeout{15};
// A reply longer than this is not from a rosterd service.
inline constexpr std::size_t kMaxControlReply = 1 << 20;

// Sends `request` to the service and returns its reply, all within `timeout` (connecting to a
// service whose backlog is full included). Throws Error when no service listens, when it does
// not answer in time, or when it closes without an answer, each with what to do.
std::string control_request(const std::filesystem::path& state_dir, const std::string& request,
                            std::chrono::milliseconds timeout = kDefaultControlTimeout);

}  // namespace rosterd
