// IDs put in byte order through 24-byte keys (core/id_order.h): the order std::string's
// operator< gives, equal IDs in their list's order, whatever the IDs hold.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/id_order.h"

using namespace rosterd;

TEST_CASE("id order: byte order for prefixes, long IDs, zero bytes and bytes over 0x7F") {
  std::vector<std::string> ids = {"1234567890123456B",
                                  "1234567890123456A",
                                  "1234567890123456",
                                  "123456789012345",
                                  "12",
                                  std::string("12\0", 3),
                                  std::string("1234567890123456\0", 17),
                                  "\xC3\xA9t\xC3\xA9",
                                  "",
                                  "Z",
                                  "a",
                                  "1234567890123456A"};
  std::mt19937 random(11);
  for (int i = 0; i < 3000; ++i) {
    std::string id(1 + random() % 24, '0');
    for (char& c : id)
      c = static_cast<char>('0' + random() % 2);  // long shared prefixes
    ids.push_back(id);
  }
  const auto id_of = [&](std::uint32_t i) { return std::string_view(ids[i]); };
  const std::vector<IdKey> keys = ids_in_order(ids.size(), id_of).keys;

  std::vector<std::uint32_t> expected(ids.size());
  for (std::uint32_t i = 0; i < expected.size(); ++i)
    expected[i] = i;
  std::stable_sort(expected.begin(), expected.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return ids[a] < ids[b]; });
  REQUIRE(keys.size() == expected.size());
  for (std::size_t k = 0; k < keys.size(); ++k) {
    INFO("position " << k << ": " << ids[expected[k]]);
    CHECK(keys[k].index == expected[k]);
  }
  // compare_ids agrees with the IDs' own comparison, both ways.
  for (std::size_t k = 0; k + 1 < keys.size(); ++k) {
    const int c = compare_ids(keys[k], keys[k + 1], id_of);
    const int want = ids[keys[k].index].compare(ids[keys[k + 1].index]);
    CHECK((c < 0) == (want < 0));
    CHECK((c == 0) == (want == 0));
    const int back = compare_ids(keys[k + 1], keys[k], id_of);
    CHECK((back < 0) == (c > 0));
    CHECK((back == 0) == (c == 0));
  }
}

TEST_CASE("id order: IDs sharing a long prefix are ordered by what follows it") {
  // A district's IDs: the same 15 bytes, then a number of up to 6 digits and a letter.
  std::vector<std::string> ids;
  std::mt19937 random(5);
  for (int i = 0; i < 2000; ++i)
    ids.push_back("DISTRICT-00012-" + std::to_string(random() % 100000) +
                  static_cast<char>('A' + random() % 3));
  const auto id_of = [&](std::uint32_t i) { return std::string_view(ids[i]); };
  const IdOrder order = ids_in_order(ids.size(), id_of);
  CHECK(order.shared == 15);
  for (std::size_t k = 0; k + 1 < order.keys.size(); ++k) {
    const std::string& a = ids[order.keys[k].index];
    const std::string& b = ids[order.keys[k + 1].index];
    CHECK((a < b || (a == b && order.keys[k].index < order.keys[k + 1].index)));
  }
  // A key made alone with the same prefix left out compares with the list's keys.
  const std::string sought = "DISTRICT-00012-5";
  const IdKey key = make_id_key(sought, 4000000000U, order.shared);
  const auto with_sought = [&](std::uint32_t i) {
    return i == 4000000000U ? std::string_view(sought) : id_of(i);
  };
  for (const IdKey& k : order.keys) {
    const int c = compare_ids(k, key, with_sought);
    const int want = ids[k.index].compare(sought);
    CHECK((c < 0) == (want < 0));
    CHECK((c == 0) == (want == 0));
  }
  CHECK(ids_in_order(0, id_of).keys.empty());
  CHECK(ids_in_order(1, id_of).shared == ids[0].size());
}
