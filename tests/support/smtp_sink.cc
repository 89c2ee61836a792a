#include "tests/support/smtp_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/process.h"

namespace rosterd::testing {

SmtpSink::SmtpSink(std::filesystem::path dir, std::filesystem::path store)
    : dir_(std::move(dir)), store_(std::move(store)) {
  std::filesystem::create_directories(dir_);
  start_on_a_free_port();
}

SmtpSink::SmtpSink(std::filesystem::path dir, std::filesystem::path cert, std::filesystem::path key,
                   std::string user_password)
    : dir_(std::move(dir)) {
  extra_args_ = {"--tls", cert.string(), key.string(), "--auth", std::move(user_password)};
  std::filesystem::create_directories(dir_);
  start_on_a_free_port();
}

void SmtpSink::start_on_a_free_port() {
  // A free port is only free until someone takes it: a sink that cannot bind it (another test's
  // server took it meanwhile) exits, and starts again on another one.
  for (int attempt = 1;; ++attempt) {
    port_ = free_loopback_port();
    try {
      start();
      return;
    } catch (const std::runtime_error&) {
      if (attempt == 5) throw;
    }
  }
}

SmtpSink::~SmtpSink() {
  stop();
}

void SmtpSink::start() {
  std::vector<std::string> args = {ROSTERD_SOURCE_DIR "/tests/support/smtp_sink.py", "--port",
                                   std::to_string(port_), "--out", dir_.string()};
  if (!store_.empty()) {
    args.push_back("--db");
    args.push_back(store_.string());
  }
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  if (stall_) args.push_back("--stall");
  const std::filesystem::path ready = dir_ / "sink.ready";
  std::filesystem::remove(ready);
  args.push_back("--ready");
  args.push_back(ready.string());
  // Debian's interpreter, which sees python3-aiosmtpd (a python3 earlier on PATH may not).
  pid_ = start_process("/usr/bin/python3", args);
  // Ready once the sink says so: a port that answers may be another test's server.
  const std::string ours = std::to_string(pid_) + "\n";
  for (int i = 0; i < 400; ++i) {
    std::ifstream in(ready);
    std::ostringstream said;
    said << in.rdbuf();
    if (said.str() == ours) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  stop();
  throw std::runtime_error("the SMTP sink did not start on port " + std::to_string(port_) +
                           " (is python3-aiosmtpd installed? run scripts/install-deps.sh)");
}

void SmtpSink::stop() {
  if (pid_ < 0) return;
  kill_process(pid_);
  pid_ = -1;
  for (int i = 0; i < 200 && loopback_port_open(port_); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

std::vector<std::string> SmtpSink::messages() const {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir_)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::ostringstream s;
    s << in.rdbuf();
    out.push_back(s.str());
  }
  return out;
}

}  // namespace rosterd::testing
