// A real OpenSSH sshd for SFTP tests, on a free loopback port, with its own host key, a client
// key pair, a known_hosts file for the client, and an sshd_config that serves internal-sftp
// without a chroot. Everything lives in one test folder; nothing is installed.
#pragma once

#include <filesystem>
#include <string>

namespace rosterd::testing {

class SshdServer {
 public:
  // Generates the keys and config in `dir` and starts sshd. With `password_auth`, password
  // logins are allowed too (checked against the system's users: needs root).
  explicit SshdServer(std::filesystem::path dir, bool password_auth = false);
  ~SshdServer();
  SshdServer(const SshdServer&) = delete;
  SshdServer& operator=(const SshdServer&) = delete;

  int port() const { return port_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path user_key() const { return dir_ / "client_key"; }
  std::filesystem::path known_hosts() const { return dir_ / "known_hosts"; }
  std::filesystem::path host_key() const { return dir_ / "host_key"; }

  // Kills sshd and every session process it forked (a server dying mid-transfer).
  void kill_all();
  // Stops (SIGSTOP) sshd and every session process: a server that hangs. kill_all() ends them.
  void freeze_all();
  // Lets frozen processes go on (SIGCONT).
  void thaw_all();
  // Starts sshd again on the same port and keys.
  void start();
  // Replaces the host key (as a rebuilt server would) and restarts.
  void change_host_key();

  // The user running the tests: key logins use it.
  static std::string current_user();
  // True when sshd could check a password (tests run as root).
  static bool can_check_passwords();

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  int pid_ = -1;
};

// Path of sshd; empty when it is not installed.
std::string sshd_path();

// Sends `sig` to `pid` and all its descendants (found through /proc); SIGKILL by default.
void kill_process_tree(int pid, int sig = 9);

}  // namespace rosterd::testing
