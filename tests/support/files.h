// Whole-file reads and writes for tests.
#pragma once

#include <filesystem>
#include <string>

namespace rosterd::testing {

// The file's bytes ("" when it cannot be read).
std::string read_file(const std::filesystem::path& path);

// Replaces the file with `text`, creating the folders on its way.
void write_file(const std::filesystem::path& path, const std::string& text);

}  // namespace rosterd::testing
