// How the store keeps a student's values in one TEXT column (run_changes, alerts): joined with
// the unit separator, which no accepted value contains (control characters are rejected).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rosterd {

std::string encode_values(const std::vector<std::string>& values);

// The values of `text`, padded to kFieldCount.
std::vector<std::string> decode_values(std::string_view text);

}  // namespace rosterd
