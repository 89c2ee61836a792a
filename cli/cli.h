// rosterd's command-line entry point: dispatches to a command and turns exceptions into a
// one-line "rosterd: error: ..." and an exit status.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace rosterd {

int run_cli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace rosterd
