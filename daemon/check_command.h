// `rosterd check`: a test import. Reads, validates and reports a roster; writes nothing.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace rosterd {

// Runs `rosterd check` with the arguments after "check". Returns the exit status.
int run_check_command(const std::vector<std::string>& args, std::ostream& out);

}  // namespace rosterd
