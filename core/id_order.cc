#include "core/id_order.h"

#include <algorithm>
#include <limits>

namespace rosterd {
namespace {

std::uint64_t big_endian_bytes(std::string_view id, std::size_t from) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const std::size_t at = from + i;
    v = (v << 8) | (at < id.size() ? static_cast<unsigned char>(id[at]) : 0U);
  }
  return v;
}

}  // namespace

IdKey make_id_key(std::string_view id, std::uint32_t index) {
  return IdKey{big_endian_bytes(id, 0), big_endian_bytes(id, 8),
               static_cast<std::uint32_t>(
                   std::min<std::size_t>(id.size(), std::numeric_limits<std::uint32_t>::max())),
               index};
}

std::vector<IdKey> keys_in_id_order(std::size_t count,
                                    const std::function<std::string_view(std::uint32_t)>& id_of) {
  std::vector<IdKey> keys(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto at = static_cast<std::uint32_t>(i);
    keys[i] = make_id_key(id_of(at), at);
  }
  std::sort(keys.begin(), keys.end(), [&](const IdKey& a, const IdKey& b) {
    const int c = compare_ids(a, b, id_of);
    return c != 0 ? c < 0 : a.index < b.index;
  });
  return keys;
}

}  // namespace rosterd
