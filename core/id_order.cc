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

IdKey make_id_key(std::string_view id, std::uint32_t index, std::size_t shared) {
  const std::string_view rest = id.substr(std::min(shared, id.size()));
  return IdKey{big_endian_bytes(rest, 0), big_endian_bytes(rest, 8),
               static_cast<std::uint32_t>(
                   std::min<std::size_t>(rest.size(), std::numeric_limits<std::uint32_t>::max())),
               index};
}

IdOrder ids_in_order(std::size_t count,
                     const std::function<std::string_view(std::uint32_t)>& id_of) {
  IdOrder order;
  if (count == 0) return order;
  const std::string_view first = id_of(0);
  std::size_t shared = first.size();
  for (std::size_t i = 1; i < count && shared > 0; ++i) {
    const std::string_view id = id_of(static_cast<std::uint32_t>(i));
    const std::size_t n = std::min(shared, id.size());
    std::size_t same = 0;
    while (same < n && id[same] == first[same])
      ++same;
    shared = same;
  }
  order.shared = shared;
  order.keys.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto at = static_cast<std::uint32_t>(i);
    order.keys[i] = make_id_key(id_of(at), at, shared);
  }
  std::sort(order.keys.begin(), order.keys.end(), [&](const IdKey& a, const IdKey& b) {
    const int c = compare_ids(a, b, id_of);
    return c != 0 ? c < 0 : a.index < b.index;
  });
  return order;
}

}  // namespace rosterd
