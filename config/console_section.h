// The district console's settings (`console:`; docs/console.md): where it listens, the address
// links in mail point to, and its limits. Without the section the service serves no console.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "config/yaml_node.h"

namespace rosterd {

struct ConsoleConfig {
  bool enabled = false;
  std::string host = "127.0.0.1";  // listen: an IP address, never a name to resolve
  std::uint16_t port = 8470;
  // What people open, and what links in mail point to: "https://rosterd.example.org"; by
  // default http://LISTEN. Behind a reverse proxy that speaks https, the https address.
  std::string public_url;
  // A browser session ends after this long without a request.
  std::chrono::seconds session_idle{30 * 60};
  // A one-time set-password or login link is good for this long.
  std::chrono::seconds link_valid_for{24 * 3600};
  // A request must arrive whole within this; a reply is abandoned after it too.
  std::chrono::seconds request_timeout{30};
  std::size_t max_connections = 64;
  std::uint64_t max_upload = std::uint64_t{64} << 20;  // a test file's bytes
  // Reverse proxies in front (their addresses): from them, the client is the last address of
  // X-Forwarded-For, and the per-address connection cap does not apply.
  std::vector<std::string> trusted_proxies;
  // TLS spoken by the console itself (console.tls): PEM files; empty: plain HTTP, for a reverse
  // proxy in front or loopback.
  std::filesystem::path tls_cert_file;
  std::filesystem::path tls_key_file;
  // Failed logins allowed per account, and per address, in 15 minutes before they are refused.
  unsigned login_attempts = 5;

  // True when the console speaks https to the browser itself or through a proxy (cookies are
  // then Secure).
  bool https() const { return public_url.starts_with("https://"); }
  // The host[:port] people reach the console by: public_url's, the listen address, and
  // localhost for a loopback listen. A request naming another Host is refused (DNS rebinding).
  std::vector<std::string> authorities() const;
};

// Reads `console:` (null: no console); relative paths against `base_dir`. Throws ConfigError
// naming the key and line.
ConsoleConfig parse_console(const YamlNode& n, const std::filesystem::path& base_dir);

}  // namespace rosterd
