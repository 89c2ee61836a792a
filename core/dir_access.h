// Whether rosterd can create files in a folder, told in words an operator can act on. A write
// that fails deep inside SQLite or a rename says "unable to open database file"; this names the
// cause (a read-only mount, as ProtectSystem=strict or a disk the kernel remounted read-only
// gives; permissions; a missing folder) before anything is written.
#pragma once

#include <filesystem>
#include <string>

namespace rosterd {

// "" when a file can be created in `dir` (tried, then removed); otherwise why not, as a phrase
// that follows the folder's name: "is on a read-only file system", "is not writable by this
// user (uid 998)", "does not exist". Root passes permission checks but not a read-only mount.
// Throws Error when the process is out of file descriptors (that is not the folder's fault).
std::string why_not_writable(const std::filesystem::path& dir);

}  // namespace rosterd
