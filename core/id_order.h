// IDs put in byte order (std::string's operator<) when there are too many to sort as they are:
// a million 136-byte plan changes, or a million rows of a file, each moved or read far apart at
// every step of a sort. Each ID becomes a 24-byte key (16 bytes of it big-endian, so that
// integer order is byte order, its length and its place in the list); keys sort as integers.
// The 16 bytes are those after the prefix every ID of the list shares (a district's
// "DISTRICT-00012-" before each number), so that only IDs that still agree on them and run
// longer are compared whole, reading them where they are.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace rosterd {

// An ID's key: the 16 bytes after the list's shared prefix, zero-padded.
struct IdKey {
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  std::uint32_t length = 0;  // after the prefix; at most 2^32-1 (longer IDs compare whole)
  std::uint32_t index = 0;   // the ID's place in its list
};

// The key of `id`, at place `index` of its list, whose IDs all start with the same `shared`
// bytes. REQUIRES: id.size() >= shared.
IdKey make_id_key(std::string_view id, std::uint32_t index, std::size_t shared = 0);

// <0, 0 or >0 as the ID of `a` comes before, equals or comes after the ID of `b` (keys made
// with the same prefix). `id_of(i)` gives the ID at place i; it is asked only when both agree
// on their 16 bytes and one runs longer.
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

// A list's IDs in ID order.
struct IdOrder {
  std::size_t shared = 0;   // how many bytes every ID starts with alike (left out of the keys)
  std::vector<IdKey> keys;  // in ID order; equal IDs in their list's order
};

// The order of the `count` IDs id_of(0) ... id_of(count - 1). REQUIRES: count < 2^32.
IdOrder ids_in_order(std::size_t count,
                     const std::function<std::string_view(std::uint32_t)>& id_of);

}  // namespace rosterd
