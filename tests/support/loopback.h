// Loopback ports for the test servers (sshd, the SMTP sink): tests use 127.0.0.1 only.
#pragma once

namespace rosterd::testing {

// A free TCP port on 127.0.0.1 (nothing listens on it when this returns).
int free_loopback_port();
// True when something accepts connections on 127.0.0.1:port.
bool loopback_port_open(int port);

}  // namespace rosterd::testing
