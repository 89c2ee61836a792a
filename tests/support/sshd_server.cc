#include "tests/support/sshd_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/files.h"
#include "tests/support/loopback.h"
#include "tests/support/process.h"

namespace rosterd::testing {
namespace {

void keygen(const std::filesystem::path& file) {
  std::filesystem::remove(file);
  std::filesystem::remove(file.string() + ".pub");
  const auto r = run_process("/usr/bin/ssh-keygen",
                             {"-q", "-t", "ed25519", "-N", "", "-C", "rosterd-test", "-f", file});
  if (r.exit_status != 0) throw std::runtime_error("ssh-keygen failed: " + r.err);
}

std::vector<int> children_of(int pid) {
  std::vector<int> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    int ppid = 0;
    rest >> state >> ppid;
    if (ppid == pid) out.push_back(std::stoi(name));
  }
  return out;
}

}  // namespace

std::string sshd_path() {
  for (const char* p : {"/usr/sbin/sshd", "/usr/bin/sshd"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  return "";
}

void kill_process_tree(int pid, int sig) {
  ::kill(pid, SIGSTOP);  // no new children while we look
  for (int child : children_of(pid))
    kill_process_tree(child, sig);
  ::kill(pid, sig);
}

std::string SshdServer::current_user() {
  const passwd* pw = ::getpwuid(::geteuid());
  return pw != nullptr ? pw->pw_name : "root";
}

bool SshdServer::can_check_passwords() {
  return ::geteuid() == 0;
}

SshdServer::SshdServer(std::filesystem::path dir, bool password_auth) : dir_(std::move(dir)) {
  if (sshd_path().empty())
    throw std::runtime_error("sshd is not installed: run scripts/install-deps.sh");
  std::filesystem::create_directories(dir_);
  keygen(host_key());
  keygen(user_key());
  std::filesystem::copy_file(user_key().string() + ".pub", dir_ / "authorized_keys",
                             std::filesystem::copy_options::overwrite_existing);
  // A free port is only free until someone takes it: a server that cannot bind it (another
  // test's server took it between the two) exits, and is started again on another one.
  for (int attempt = 1;; ++attempt) {
    port_ = free_loopback_port();
    std::ofstream cfg(dir_ / "sshd_config");
    cfg << "Port " << port_ << "\n"
        << "ListenAddress 127.0.0.1\n"
        << "HostKey " << host_key().string() << "\n"
        << "PidFile " << (dir_ / "sshd.pid").string() << "\n"
        << "AuthorizedKeysFile " << (dir_ / "authorized_keys").string() << "\n"
        << "StrictModes no\n"
        << "UsePAM no\n"
        << "PermitRootLogin yes\n"
        << "PubkeyAuthentication yes\n"
        << "PasswordAuthentication " << (password_auth ? "yes" : "no") << "\n"
        << "KbdInteractiveAuthentication no\n"
        << "Subsystem sftp internal-sftp\n"
        << "MaxStartups 64\n"
        << "LogLevel ERROR\n";
    cfg.close();
    try {
      start();
      return;
    } catch (const std::runtime_error&) {
      if (attempt == 5) throw;
    }
  }
}

SshdServer::~SshdServer() {
  kill_all();
}

void SshdServer::start() {
  // sshd run by root needs its privilege-separation folder (the package's service creates it).
  if (::geteuid() == 0) std::filesystem::create_directories("/run/sshd");
  std::ofstream known(known_hosts());
  known << "[127.0.0.1]:" << port_ << " " << read_file(host_key().string() + ".pub");
  known.close();
  std::filesystem::remove(dir_ / "sshd.pid");
  pid_ = start_process(sshd_path(), {"-D", "-e", "-f", (dir_ / "sshd_config").string(), "-E",
                                     (dir_ / "sshd.log").string()});
  // Ready once sshd has written its pid file, which it does after it bound the port: a port
  // that answers may be another test's server.
  const std::string ours = std::to_string(pid_);
  for (int i = 0; i < 400; ++i) {
    std::string written = read_file(dir_ / "sshd.pid");
    while (!written.empty() && (written.back() == '\n' || written.back() == '\r'))
      written.pop_back();
    if (written == ours && loopback_port_open(port_)) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  kill_all();
  throw std::runtime_error("sshd did not start on port " + std::to_string(port_) + ": " +
                           read_file(dir_ / "sshd.log"));
}

void SshdServer::kill_all() {
  if (pid_ < 0) return;
  kill_process_tree(pid_);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

void SshdServer::freeze_all() {
  if (pid_ >= 0) kill_process_tree(pid_, SIGSTOP);
}

void SshdServer::thaw_all() {
  if (pid_ >= 0) kill_process_tree(pid_, SIGCONT);
}

void SshdServer::change_host_key() {
  const std::string old_known = read_file(known_hosts());
  kill_all();
  keygen(host_key());
  start();
  // The client keeps trusting the old key, as it would after a server rebuild.
  std::ofstream(known_hosts()) << old_known;
}

}  // namespace rosterd::testing
