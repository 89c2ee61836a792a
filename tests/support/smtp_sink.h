// A real SMTP server for tests: tests/support/smtp_sink.py (aiosmtpd) on a free loopback port,
// writing every message it accepts, decoded, as JSON.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/loopback.h"

namespace rosterd::testing {

class SmtpSink {
 public:
  // Starts the sink; messages go to `dir`. With `store`, each message records the decisions of
  // the store's runs at the moment it arrived.
  SmtpSink(std::filesystem::path dir, std::filesystem::path store = {});
  // A sink offering STARTTLS with `cert`/`key` and requiring the login `user_password`
  // ("user:password").
  SmtpSink(std::filesystem::path dir, std::filesystem::path cert, std::filesystem::path key,
           std::string user_password);
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
  void stop();
  void start();  // again, on the same port
  // From the next start(): a server that reads each message and never answers it (true), or
  // one that answers again (false).
  void set_stall(bool stall) { stall_ = stall; }

  // The JSON text of every message received so far, in order.
  std::vector<std::string> messages() const;

 private:
  void start_on_a_free_port();

  std::filesystem::path dir_;
  std::filesystem::path store_;
  std::vector<std::string> extra_args_;
  int port_ = 0;
  int pid_ = -1;
  bool stall_ = false;
};

}  // namespace rosterd::testing
