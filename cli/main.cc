#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  // Over a file size limit (ulimit -f, a quota) a write fails with EFBIG, reported like a full
  // disk, instead of the signal killing rosterd mid-run.
  std::signal(SIGXFSZ, SIG_IGN);
  const std::vector<std::string> args(argv + 1, argv + argc);
  return rosterd::run_cli(args, std::cout, std::cerr);
}
