#include "planner/student_digest.h"

#include <string>

#include "core/hash.h"

namespace rosterd {

std::uint64_t student_digest(const StudentValues& values) {
  thread_local std::string joined;  // reused: a digest per row must not allocate
  joined.clear();
  for (const auto& v : values) {
    joined.append(v);
    joined += '\x1f';
  }
  return hash_bytes(joined);
}

}  // namespace rosterd
