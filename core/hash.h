// A fast, non-cryptographic hash for short keys (state IDs, codes): hot in every row.
// std::hash on strings (murmur over bytes) showed as 9% of `rosterd check`; IDs are 5-20 bytes,
// so eight bytes at a time with a multiply-and-mix finish is enough. Not for untrusted keys in
// long-lived tables: inputs here are one file's IDs, rebuilt per run.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace rosterd {

inline std::uint64_t hash_mix(std::uint64_t x) {
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  x *= 0xd6e8feb86659fd93ULL;
  x ^= x >> 32;
  return x;
}

inline std::uint64_t hash_bytes(std::string_view s) {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  const char* p = s.data();
  std::size_t n = s.size();
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n != 0) {
    // The last 1 to 7 bytes as memcpy(&w, p, n) places them (stored digests depend on it), in
    // loads of 4, 2 and 1 bytes: a memcpy of a length known only at run time is a call.
    std::uint64_t w = 0;
    if constexpr (std::endian::native == std::endian::little) {
      unsigned shift = 0;
      if (n & 4) {
        std::uint32_t x;
        std::memcpy(&x, p, 4);
        w = x;
        p += 4;
        shift = 32;
      }
      if (n & 2) {
        std::uint16_t x;
        std::memcpy(&x, p, 2);
        w |= static_cast<std::uint64_t>(x) << shift;
        p += 2;
        shift += 16;
      }
      if (n & 1) w |= static_cast<std::uint64_t>(static_cast<unsigned char>(*p)) << shift;
    } else {
      std::memcpy(&w, p, n);
    }
    h = (h ^ w) * 0x94d049bb133111ebULL;
  }
  return hash_mix(h);
}

// Folds value `v` into `h`: a composite key's hash, one call a field in order. Each value's
// own hash covers its length, so ("ab", "c") and ("a", "bc") hash apart.
inline std::uint64_t hash_combine(std::uint64_t h, std::string_view v) {
  return hash_mix(h ^ (hash_bytes(v) + 0x9E3779B97F4A7C15ULL + (h << 6)));
}

}  // namespace rosterd
