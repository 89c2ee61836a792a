// What a configuration key holds when it is more than a string: a path resolved against the
// configuration's folder, a duration, a size, a mail address. Each parser names the key and its
// line when the value is wrong (YamlNode::fail), so every part of the schema says it the same way.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "config/yaml_node.h"

namespace rosterd {

// `p` resolved against `base` (the configuration's folder) unless it is absolute.
std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p);

// The path a key names, resolved against `base`; the file must exist.
std::filesystem::path existing_file_at(const YamlNode& n, const std::filesystem::path& base);

// "90", "90s", "5m", "2h", "1d"; at most a year.
std::chrono::seconds parse_duration(const YamlNode& n);

// "1048576", "500KB", "200MB", "2GB", also KiB/MiB/GiB; more than 0, at most 2^50 bytes.
std::uint64_t parse_size(const YamlNode& n);

// An address a mail server can take: something@something, no blanks, brackets or separators.
bool plausible_address(const std::string& a);

}  // namespace rosterd
