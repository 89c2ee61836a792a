#include "config/console_section.h"

#include <arpa/inet.h>

#include "config/config_values.h"

namespace rosterd {
namespace {

// "127.0.0.1:8470", "[::1]:8470" or ":8470" (every address: 0.0.0.0).
void parse_listen(const YamlNode& n, ConsoleConfig& c) {
  const std::string text = n.as_string();
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos)
    n.fail("must be ADDRESS:PORT, e.g. 127.0.0.1:8470, got \"" + text + "\".");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  unsigned char buf[16];
  if (inet_pton(AF_INET, host.c_str(), buf) != 1 && inet_pton(AF_INET6, host.c_str(), buf) != 1)
    n.fail("\"" + host + "\" is not an IP address; give one, e.g. 127.0.0.1:8470.");
  const std::string port = text.substr(colon + 1);
  long p = 0;
  for (const char ch : port) {
    if (ch < '0' || ch > '9' || p > 65535) {
      p = -1;
      break;
    }
    p = p * 10 + (ch - '0');
  }
  if (port.empty() || p < 1 || p > 65535)
    n.fail("the port must be a number from 1 to 65535, got \"" + port + "\".");
  c.host = host;
  c.port = static_cast<std::uint16_t>(p);
}

}  // namespace

std::vector<std::string> ConsoleConfig::authorities() const {
  std::vector<std::string> out;
  const std::size_t scheme = public_url.find("://");
  if (scheme != std::string::npos) {
    const std::string rest = public_url.substr(scheme + 3);
    out.push_back(rest.substr(0, rest.find('/')));
  }
  const std::string port_text = ":" + std::to_string(port);
  out.push_back((host.find(':') != std::string::npos ? "[" + host + "]" : host) + port_text);
  if (host == "127.0.0.1" || host == "::1") out.push_back("localhost" + port_text);
  return out;
}

ConsoleConfig parse_console(const YamlNode& n, const std::filesystem::path& base_dir) {
  ConsoleConfig c;
  c.public_url = "http://127.0.0.1:8470";  // what a CLI link says while there is no console
  if (n.is_null()) return c;
  c.enabled = true;
  n.expect_keys({"listen", "public_url", "session_idle", "link_valid_for", "request_timeout",
                 "max_connections", "max_upload", "login_attempts", "trusted_proxies", "tls"});
  if (!n["tls"].is_null()) {
    const YamlNode tls = n["tls"];
    tls.expect_keys({"cert_file", "key_file"});
    if (tls["cert_file"].is_null() || tls["key_file"].is_null())
      tls.fail("needs both `cert_file:` and `key_file:` (PEM files).");
    c.tls_cert_file = existing_file_at(tls["cert_file"], base_dir);
    c.tls_key_file = existing_file_at(tls["key_file"], base_dir);
  }
  if (!n["listen"].is_null()) parse_listen(n["listen"], c);
  if (!n["public_url"].is_null()) {
    c.public_url = n["public_url"].as_string();
    if (!c.public_url.starts_with("https://") && !c.public_url.starts_with("http://"))
      n["public_url"].fail("must start with https:// (or http:// on loopback), got \"" +
                           c.public_url + "\".");
    while (c.public_url.ends_with('/'))
      c.public_url.pop_back();
  } else {
    const bool v6 = c.host.find(':') != std::string::npos;
    c.public_url = std::string(c.tls_cert_file.empty() ? "http://" : "https://") +
                   (v6 ? "[" + c.host + "]" : c.host) + ":" + std::to_string(c.port);
  }
  const auto duration = [&](const char* key, std::chrono::seconds& out, long min_seconds) {
    if (n[key].is_null()) return;
    out = parse_duration(n[key]);
    if (out.count() < min_seconds)
      n[key].fail("must be at least " + std::to_string(min_seconds) + "s.");
  };
  duration("session_idle", c.session_idle, 60);
  duration("link_valid_for", c.link_valid_for, 60);
  duration("request_timeout", c.request_timeout, 1);
  if (!n["max_connections"].is_null())
    c.max_connections =
        static_cast<std::size_t>(n["max_connections"].as_integer_in(1, 10000, "connections"));
  if (!n["max_upload"].is_null()) c.max_upload = parse_size(n["max_upload"]);
  if (!n["trusted_proxies"].is_null()) {
    for (const std::string& a : n["trusted_proxies"].as_string_list()) {
      unsigned char buf[16];
      if (inet_pton(AF_INET, a.c_str(), buf) != 1 && inet_pton(AF_INET6, a.c_str(), buf) != 1)
        n["trusted_proxies"].fail("\"" + a +
                                  "\" is not an IP address; list the proxies' addresses.");
      c.trusted_proxies.push_back(a);
    }
  }
  if (!n["login_attempts"].is_null())
    c.login_attempts = static_cast<unsigned>(n["login_attempts"].as_integer_in(1, 100, "tries"));
  return c;
}

}  // namespace rosterd
