// IDs put in byte order (std::string's operator<) when there are too many to sort as they are:
// a million 136-byte plan changes, or a million rows of a file, each moved or read far apart at
// every step of a sort. Each ID becomes a 24-byte key (its first 16 bytes big-endian, so that
// integer order is byte order, its length and its place in the list); keys sort as integers,
// and only IDs longer than 16 bytes that agree on those bytes are compared whole.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace rosterd {

struct IdKey {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  std::uint32_t length = 0;  // at most 2^32-1: longer IDs compare whole when they tie
  std::uint32_t index = 0;   // the ID's place in its list
};

// The key of `id`, at place `index` of its list.
IdKey make_id_key(std::string_view id, std::uint32_t index);

// <0, 0 or >0 as the ID of `a` comes before, equals or comes after the ID of `b`. `id_of(i)`
// gives the ID at place i; it is asked only when both agree on their first 16 bytes and one is
// longer.
template <typename IdOf>
int compare_ids(const IdKey& a, const IdKey& b, const IdOf& id_of) {
  if (a.high != b.high) return a.high < b.high ? -1 : 1;
  if (a.low != b.low) return a.low < b.low ? -1 : 1;
  // Equal first 16 bytes, zero-padded: IDs of up to 16 bytes are then equal but for trailing
  // NUL bytes, and the shorter comes first; longer ones are compared whole.
  if (a.length > 16 || b.length > 16) return id_of(a.index).compare(id_of(b.index));
  if (a.length != b.length) return a.length < b.length ? -1 : 1;
  return 0;
}

// The keys of the `count` IDs id_of(0) ... id_of(count - 1), in ID order; equal IDs in their
// list's order. REQUIRES: count < 2^32.
std::vector<IdKey> keys_in_id_order(std::size_t count,
                                    const std::function<std::string_view(std::uint32_t)>& id_of);

}  // namespace rosterd
