// How `rosterd sync-now` and `rosterd status` talk to a running service: a Unix stream socket
// at state_dir/rosterd.sock, mode 0600 (only the service's user, and root, can use it). One
// request line, one reply, then the connection closes.
//
//   sync-now FEED   -> "ok: FEED polls now" | "error: ..."
//   status          -> one line per feed: its state, last poll, next poll
#pragma once

#include <filesystem>
#include <string>

namespace rosterd {

// The socket a service with this state folder listens on.
std::filesystem::path control_socket_path(const std::filesystem::path& state_dir);

// Sends `request` to the service and returns its reply. Throws Error when no service listens
// (with what to do).
std::string control_request(const std::filesystem::path& state_dir, const std::string& request);

}  // namespace rosterd
