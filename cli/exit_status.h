// Exit statuses of rosterd commands (documented in docs/rosterd.md).
#pragma once

namespace rosterd {

inline constexpr int kExitClean = 0;          // no discrepancies
inline constexpr int kExitDiscrepancies = 1;  // rows rejected or warned
inline constexpr int kExitUsage = 2;          // bad command line or configuration
inline constexpr int kExitRefused = 3;        // the file was refused as a whole
inline constexpr int kExitHeld = 4;           // the run is held for approval (nothing committed)
inline constexpr int kExitDropFailed = 5;     // the drop could not be read, or a file not taken
inline constexpr int kExitStoreDamaged = 6;   // the roster store is damaged (store-check, export)
// The store or state_dir cannot be used: not opened or written (read-only, full disk, out of
// file descriptors), the database not reached. Nothing was committed; fix the machine.
inline constexpr int kExitUnavailable = 7;
inline constexpr int kExitInternal = 70;  // a bug (EX_SOFTWARE): please report it

}  // namespace rosterd
