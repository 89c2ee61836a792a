// Local file names derived from remote ones. A remote name is chosen by whoever can write to the
// drop, so it is never trusted as a path on this machine.
#pragma once

#include <string>
#include <string_view>

namespace rosterd {

// A name safe to create inside a folder: only [A-Za-z0-9._-] are kept (anything else, '/', '\',
// control characters and non-ASCII bytes become '_'), it never starts with '.', and it is at most
// 120 bytes. When anything had to change, a short hash of the original name is appended so that
// two different remote names never map to the same local one.
std::string safe_local_name(std::string_view remote);

}  // namespace rosterd
