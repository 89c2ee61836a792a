#include "planner/student_digest.h"

#include <string>

#include "core/hash.h"

namespace rosterd {

std::uint64_t student_digest(const StudentValues& values) {
  std::string joined;
  joined.reserve(128);
  for (const auto& v : values) {
    joined.append(v);
    joined += '\x1f';
  }
  return hash_bytes(joined);
}

}  // namespace rosterd
