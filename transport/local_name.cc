#include "transport/local_name.h"

#include <cstdio>

#include "core/hash.h"

namespace rosterd {
namespace {

constexpr std::size_t kMaxStem = 100;

bool keep(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

std::string safe_local_name(std::string_view remote) {
  std::string out;
  out.reserve(remote.size());
  for (char c : remote)
    out.push_back(keep(c) ? c : '_');
  // "..", ".hidden": no leading dots, so nothing is hidden or refers to a parent.
  std::size_t dots = 0;
  while (dots < out.size() && out[dots] == '.')
    ++dots;
  for (std::size_t i = 0; i < dots; ++i)
    out[i] = '_';
  if (out.size() > kMaxStem) out.resize(kMaxStem);
  if (out.empty()) out.push_back('_');
  if (out != remote) {
    char tag[20];
    std::snprintf(tag, sizeof tag, "~%08x", static_cast<unsigned>(hash_bytes(remote)));
    out += tag;
  }
  return out;
}

}  // namespace rosterd
