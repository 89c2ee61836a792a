// A remote file name is chosen by whoever can write to the drop; the staging code creates the
// local file under safe_local_name(remote). Whatever the name, that file must land in the staging
// folder itself, visible, under a name that is the same every time (the ledger and the staged
// temp name depend on it).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "transport/local_name.h"

namespace {

void require(bool ok, const char* what, std::string_view remote, const std::string& local) {
  if (ok) return;
  std::fprintf(stderr, "safe_local_name: %s (remote %zu bytes, local \"%s\")\n", what,
               remote.size(), local.c_str());
  std::abort();
}

// The bytes safe_local_name keeps, plus the '~' of the hash tag it appends.
bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-' || c == '~';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view remote(reinterpret_cast<const char*>(data), size);
  const std::string local = rosterd::safe_local_name(remote);

  require(!local.empty(), "empty", remote, local);
  require(local != "." && local != "..", "a dot name", remote, local);
  require(local.find('/') == std::string::npos, "holds '/'", remote, local);
  require(local.find('\0') == std::string::npos, "holds NUL", remote, local);
  require(local.front() != '.', "hidden (leading '.')", remote, local);
  require(local.size() <= 120, "longer than 120 bytes", remote, local);
  for (char c : local)
    require(allowed(c), "a byte outside [A-Za-z0-9._~-]", remote, local);
  require(rosterd::safe_local_name(remote) == local, "not deterministic", remote, local);

  // Joined to a staging folder, the name stays a direct child of it.
  const std::filesystem::path dir = "/var/lib/rosterd/staging/feed";
  const std::filesystem::path joined = (dir / local).lexically_normal();
  require(joined.parent_path() == dir, "escapes the staging folder", remote, local);
  require(joined.filename() == local, "changed by normalisation", remote, local);
  require(!joined.lexically_relative(dir).empty() &&
              *joined.lexically_relative(dir).begin() != std::filesystem::path(".."),
          "relative path leaves the folder", remote, local);

  // A name that needed no change is kept as is; any other carries the hash tag, so it cannot
  // collide with a name that was kept.
  const bool kept = local == remote;
  if (!kept)
    require(local.find('~') != std::string::npos, "changed without a hash tag", remote, local);
  return 0;
}
