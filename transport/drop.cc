#include "transport/drop.h"

#include <fnmatch.h>

#include <string>

namespace rosterd {

TransportError listing_too_long(const std::string& where, std::size_t max) {
  // Not retried within the poll: the folder is as long at the next try.
  return TransportError(where + " lists more than " + std::to_string(max) +
                            " entries (source.max_listing); rosterd stopped reading it and took "
                            "no file. Move processed files out of the drop folder (after: move "
                            "or delete, or a clean-up on the server), or raise max_listing.",
                        false);
}

bool is_plain_file_name(std::string_view name) {
  if (name.empty() || name == "." || name == "..") return false;
  return name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

bool is_drop_path(std::string_view name) {
  const std::size_t slash = name.find('/');
  if (slash == std::string_view::npos) return is_plain_file_name(name);
  return is_plain_file_name(name.substr(0, slash)) && is_plain_file_name(name.substr(slash + 1));
}

std::string_view drop_path_folder(std::string_view name) {
  const std::size_t slash = name.find('/');
  return slash == std::string_view::npos ? std::string_view() : name.substr(0, slash);
}

std::string_view drop_path_file(std::string_view name) {
  const std::size_t slash = name.find('/');
  return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

bool matches_glob(std::string_view pattern, std::string_view name) {
  return ::fnmatch(std::string(pattern).c_str(), std::string(name).c_str(), FNM_PERIOD) == 0;
}

}  // namespace rosterd
