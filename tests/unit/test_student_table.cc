#include <doctest/doctest.h>

#include <string>

#include "core/student_table.h"

using namespace rosterd;

namespace {
StudentValues row(std::string_view id, std::string_view last) {
  StudentValues v{};
  v[field_index(Field::state_id)] = id;
  v[field_index(Field::last_name)] = last;
  return v;
}
}  // namespace

TEST_CASE("StudentTable stores values and keeps views stable across growth") {
  StudentTable t;
  const auto first = t.append(row("1", "Smith"), 2);
  const std::string_view kept = t.get(first, Field::last_name);
  std::vector<std::string> ids;
  for (int i = 0; i < 200000; ++i)
    ids.push_back(std::to_string(1000 + i));
  for (const auto& id : ids)
    t.append(row(id, "Doe-with-a-longer-name"), 3);
  CHECK(kept == "Smith");
  CHECK(t.get(first, Field::state_id) == "1");
  CHECK(t.get(first, Field::first_name).empty());
  CHECK(t.line(first) == 2);
  CHECK(t.size() == 200001);
  CHECK(t.get(200000, Field::state_id) == ids.back());
  CHECK_FALSE(t.rejected(first));
  t.set_rejected(first);
  CHECK(t.rejected(first));
}

TEST_CASE("StudentTable refuses rows over 65535 bytes") {
  StudentTable t;
  const std::string big(70000, 'x');
  CHECK_THROWS_AS(t.append(row("1", big), 1), std::length_error);
}

TEST_CASE("StudentTable joins parts across partly filled blocks and erases across them") {
  // Parts of sizes that end inside a block, so that each join copies rows to new positions.
  const std::size_t sizes[] = {40000, 1, 70001};
  StudentTable whole;
  std::size_t next = 0;
  for (const std::size_t n : sizes) {
    StudentTable part;
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < n; ++i)
      ids.push_back("S" + std::to_string(next + i));
    for (std::size_t i = 0; i < n; ++i)
      part.append(row(ids[i], "Doe"), static_cast<std::uint32_t>(next + i + 2));
    part.set_rejected(0);
    const auto offset = whole.absorb(std::move(part));
    CHECK(offset == next);
    CHECK(part.empty());
    next += n;
  }
  REQUIRE(whole.size() == next);
  for (const std::size_t r : {std::size_t{0}, std::size_t{39999}, std::size_t{40000},
                              std::size_t{40001}, std::size_t{65536}, next - 1}) {
    CHECK(whole.get(static_cast<StudentTable::Index>(r), Field::state_id) ==
          "S" + std::to_string(r));
    CHECK(whole.line(static_cast<StudentTable::Index>(r)) == r + 2);
  }
  CHECK(whole.rejected(40000));
  CHECK(whole.rejected(40001));
  CHECK_FALSE(whole.rejected(40002));

  // Erasing every other row of the first 100,000 leaves the odd ones, then the rest in order.
  std::vector<StudentTable::Index> gone;
  for (StudentTable::Index r = 0; r < 100000; r += 2)
    gone.push_back(r);
  whole.erase(gone);
  REQUIRE(whole.size() == next - gone.size());
  CHECK(whole.get(0, Field::state_id) == "S1");
  CHECK(whole.get(49999, Field::state_id) == "S99999");
  CHECK(whole.get(50000, Field::state_id) == "S100000");
  CHECK(whole.get(static_cast<StudentTable::Index>(whole.size() - 1), Field::state_id) ==
        "S" + std::to_string(next - 1));
}

TEST_CASE("StudentTable moved from is empty, and takes rows again") {
  StudentTable a;
  for (int i = 0; i < 40000; ++i)
    a.append(row(std::to_string(i), "Lee"), 2);
  StudentTable b(std::move(a));
  CHECK(b.size() == 40000);
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move): what a move leaves is the contract
  CHECK(a.size() == 0);
  a.append(row("again", "Lee"), 3);
  CHECK(a.size() == 1);
  CHECK(a.get(0, Field::state_id) == "again");
  StudentTable c;
  c = std::move(b);
  CHECK(c.size() == 40000);
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
  CHECK(c.get(39999, Field::state_id) == "39999");
}
