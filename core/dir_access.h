// Whether rosterd can create files in a folder, told in words an operator can act on. A write
// that fails deep inside SQLite or a rename says "unable to open database file"; this names the
// cause (a read-only mount, as ProtectSystem=strict or a disk the kernel remounted read-only
// gives; permissions; a missing folder) before anything is written.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace rosterd {

// Whether a file can be created in a folder (tried, then removed).
struct WriteAccess {
  // "" when it can; otherwise why not, as a phrase that follows the folder's name: "is on a
  // read-only file system", "is not writable by this user (uid 998)", "does not exist". Root
  // passes permission checks but not a read-only mount.
  std::string problem;
  // False when the process, not the folder, is at fault (out of file descriptors: "cannot be
  // checked: too many open files ..."), so that nobody is told to change the folder.
  bool folder_at_fault = true;
};
WriteAccess check_write_access(const std::filesystem::path& dir);

// When this process runs as root and `dir` belongs to another user (the service's): that
// user's name (or uid). Files root would make there (SQLite's journal, staged files) would
// belong to root and lock the service out. A folder not there yet is judged by its nearest
// existing ancestor (root would make it). nullopt otherwise.
std::optional<std::string> other_owner_for_root(const std::filesystem::path& dir);

}  // namespace rosterd
