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
    : dir_(std::move(dir)), store_(std::move(store)), port_(free_loopback_port()) {
  std::filesystem::create_directories(dir_);
  start();
}

SmtpSink::SmtpSink(std::filesystem::path dir, std::filesystem::path cert, std::filesystem::path key,
                   std::string user_password)
    : dir_(std::move(dir)), port_(free_loopback_port()) {
  extra_args_ = {"--tls", cert.string(), key.string(), "--auth", std::move(user_password)};
  std::filesystem::create_directories(dir_);
  start();
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
  // Debian's interpreter, which sees python3-aiosmtpd (a python3 earlier on PATH may not).
  pid_ = start_process("/usr/bin/python3", args);
  for (int i = 0; i < 400; ++i) {
    if (loopback_port_open(port_)) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error(
      "the SMTP sink did not start (is python3-aiosmtpd installed? run "
      "scripts/install-deps.sh)");
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
