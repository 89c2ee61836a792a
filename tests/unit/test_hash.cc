// hash_bytes is stored: a student's digest in the roster store is one (planner/student_digest.h),
// so a change of its values would show every committed student as updated on the next night.
#include "core/hash.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>

using namespace rosterd;

namespace {

// hash_bytes as first written: the tail read with memcpy.
std::uint64_t reference_hash(std::string_view s) {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 29;
  }
  if (n != 0) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, n);
    h = (h ^ w) * 0x94d049bb133111ebULL;
  }
  return hash_mix(h);
}

}  // namespace

TEST_CASE("hash_bytes keeps its values: every length and tail, and values stored before") {
  std::string text;
  for (int i = 0; i < 40; ++i)
    text += static_cast<char>(i % 3 == 0 ? 0x80 + i : 'a' + i);
  for (std::size_t from = 0; from < 8; ++from) {
    for (std::size_t length = 0; from + length <= text.size(); ++length) {
      const std::string_view s = std::string_view(text).substr(from, length);
      CAPTURE(from);
      CAPTURE(length);
      CHECK(hash_bytes(s) == reference_hash(s));
    }
  }
  // Computed with the first hash_bytes: a store's digests were written with these.
  CHECK(hash_bytes("") == 0x4e17cf67001b3979ULL);
  CHECK(hash_bytes("1") == 0xce033d4390544d2aULL);
  CHECK(hash_bytes("ab") == 0x996705eebbc9cb23ULL);
  CHECK(hash_bytes("abc") == 0x81567f7dcc2539bdULL);
  CHECK(hash_bytes("1000000001") == 0xe6f499be09da416cULL);
  CHECK(hash_bytes("Lee\x1f"
                   "2016-01-01\x1f") == 0x9f3e29c930107653ULL);
  CHECK(hash_bytes("caf\xc3\xa9-0123456789abcdef") == 0x04947791db7959a5ULL);
  std::string joined;
  for (int i = 0; i < 12; ++i)
    joined += "v" + std::to_string(i) + "\x1f";
  CHECK(hash_bytes(joined) == 0x5d3d9f0f3d064052ULL);
}
