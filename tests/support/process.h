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
