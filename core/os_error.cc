#include "core/os_error.h"

#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace rosterd {

bool out_of_descriptors(int err) {
  return err == EMFILE || err == ENFILE;
}

std::string os_error_text(int err) {
  if (err == EMFILE) {
    rlimit limit{};
    const std::string held = ::getrlimit(RLIMIT_NOFILE, &limit) == 0
                                 ? std::to_string(static_cast<unsigned long long>(limit.rlim_cur))
                                 : std::string("no more");
    return "too many open files (this process may hold " + held +
           " at once; find what holds them with `ls -l /proc/PID/fd`, or raise LimitNOFILE= in "
           "the unit)";
  }
  if (err == ENFILE) {
    return "too many open files on this system (the kernel's fs.file-max was reached; see "
           "/proc/sys/fs/file-nr)";
  }
  return std::strerror(err);
}

}  // namespace rosterd
