#include "tests/support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/temp_dir.h"

extern char** environ;

namespace rosterd::testing {
namespace {

// Starts `program` with stdin from /dev/null and stdout/stderr to the given files (appended
// when `append`), with `extra_env` added to the environment.
pid_t spawn(const std::string& program, const std::vector<std::string>& args,
            const std::string& out, const std::string& err,
            const std::vector<std::string>& extra_env = {}, bool append = false) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const int mode = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), mode, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), mode, 0600);
  std::vector<char*> envp;  // ours first: getenv() takes the first of two equal names
  for (const std::string& e : extra_env)
    envp.push_back(const_cast<char*>(e.c_str()));
  for (char** e = environ; *e != nullptr; ++e)
    envp.push_back(*e);
  envp.push_back(nullptr);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + program);
  return pid;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const std::vector<std::string>& env) {
  TempDir dir;
  const std::string out_path = (dir / "stdout").string();
  const std::string err_path = (dir / "stderr").string();
  const pid_t pid = spawn(program, args, out_path, err_path, env);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  ProcessResult r;
  r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  std::error_code ec;
  std::filesystem::remove_all(dir.path(), ec);  // the capture is in `r`: nothing to keep
  return r;
}

int start_process(const std::string& program, const std::vector<std::string>& args) {
  return spawn(program, args, "/dev/null", "/dev/null");
}

int start_process(const std::string& program, const std::vector<std::string>& args,
                  const std::vector<std::string>& env, const std::string& log_file) {
  return spawn(program, args, log_file, log_file, env, true);
}

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args,
                           const std::vector<std::string>& env, const std::string& log_file)
    : pid_(spawn(program, args, log_file.empty() ? "/dev/null" : log_file,
                 log_file.empty() ? "/dev/null" : log_file, env, true)) {}

ChildProcess::~ChildProcess() {
  kill();
}

void ChildProcess::signal(int sig) {
  if (!reaped_) ::kill(pid_, sig);
}

int ChildProcess::wait(int timeout_ms) {
  if (reaped_) return -1;
  for (int waited = 0; waited <= timeout_ms; waited += 10) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    ::usleep(10000);
  }
  return -1;
}

bool ChildProcess::kill() {
  if (reaped_) return false;
  reaped_ = true;
  return kill_process(pid_);
}

int wait_process(int pid, int timeout_ms) {
  for (int waited = 0; waited <= timeout_ms; waited += 10) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    ::usleep(10000);
  }
  return -1;
}

bool kill_process(int pid) {
  int status = 0;
  const bool running = waitpid(pid, &status, WNOHANG) == 0;
  if (running) {
    ::kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0) {
    }
  }
  return running;
}

}  // namespace rosterd::testing
