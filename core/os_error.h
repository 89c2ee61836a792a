// The text of an errno value, told as what it is and what to do where strerror alone misleads.
// Above all EMFILE: a process out of file descriptors fails every open, socket and accept, and
// "Too many open files" behind "state_dir cannot be written" reads like a permission problem.
#pragma once

#include <string>

namespace rosterd {

// strerror(err), with the limit and the fix for EMFILE and ENFILE:
// "too many open files (this process may hold 1024; ...)".
std::string os_error_text(int err);

// True for the errors that mean the process or the system ran out of descriptors.
bool out_of_descriptors(int err);

}  // namespace rosterd
