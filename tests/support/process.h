// Runs a program as a user would and captures what it prints (no shell involved).
#pragma once

#include <string>
#include <vector>

namespace rosterd::testing {

struct ProcessResult {
  int exit_status = -1;  // -1 when it did not exit normally (killed by a signal)
  std::string out;
  std::string err;
};

// Runs `program` with `args` and `env` ("NAME=value") added to the environment, stdin from
// /dev/null; output is collected through temp files so that large reports cannot fill a pipe.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const std::vector<std::string>& env = {});

// A program the test started in the background: stdout and stderr appended to `log_file`
// (/dev/null when empty), `env` ("NAME=value") added to its environment. Killed (SIGKILL) and
// reaped when it goes out of scope still running, so a failed REQUIRE leaves no `rosterd run`
// behind.
class ChildProcess {
 public:
  ChildProcess(const std::string& program, const std::vector<std::string>& args,
               const std::vector<std::string>& env = {}, const std::string& log_file = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  int pid() const { return pid_; }
  // Sends `sig` while it runs (nothing once it has been reaped).
  void signal(int sig);
  // Waits up to `timeout_ms` for it to end: its exit status; -1 when it is still running or was
  // killed by a signal.
  int wait(int timeout_ms);
  // SIGKILL and reap; true when it was still running.
  bool kill();

 private:
  int pid_ = -1;
  bool reaped_ = false;
};

// Starts `program` in the background, stdout and stderr to /dev/null; returns its pid.
int start_process(const std::string& program, const std::vector<std::string>& args);

// Starts `program` in the background with `env` ("NAME=value") added to the environment,
// stdout and stderr appended to `log_file`; returns its pid.
int start_process(const std::string& program, const std::vector<std::string>& args,
                  const std::vector<std::string>& env, const std::string& log_file);

// Waits up to `timeout_ms` for `pid` to exit; its exit status, or -1 when it is still running
// (or was killed by a signal).
int wait_process(int pid, int timeout_ms);

// Sends SIGKILL to `pid` and reaps it; returns true when it was still running.
bool kill_process(int pid);

}  // namespace rosterd::testing
