// How many rows a check read, rejected and accepted with warnings: the same for students'
// file and for each other kind's (validators/kind_check.h).
#pragma once

#include <cstdint>

namespace rosterd {

struct CheckCounts {
  std::uint32_t rows_read = 0;
  // Rows with at least one error: they change nothing.
  std::uint32_t rows_rejected = 0;
  // Accepted rows with at least one warning.
  std::uint32_t rows_warned = 0;
};

}  // namespace rosterd
