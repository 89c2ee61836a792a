#include <doctest/doctest.h>

#include <string>

#include "core/student_index.h"
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

TEST_CASE("StudentIndex finds rows and reports the earlier row of a repeated key") {
  StudentTable t;
  StudentIndex index(t);
  for (int i = 0; i < 50000; ++i) {
    const std::string id = "ID" + std::to_string(i);
    REQUIRE_FALSE(index.insert(t.append(row(id, "x"), 0)));
  }
  const auto dup = t.append(row("ID123", "y"), 0);
  const auto earlier = index.insert(dup);
  REQUIRE(earlier);
  CHECK(*earlier == 123);
  CHECK(index.find("ID49999") == 49999u);
  CHECK_FALSE(index.find("nope"));
  CHECK_FALSE(index.insert(t.append(row("", "no id"), 0)));  // empty keys are not indexed
  CHECK(index.size() == 50000);
}
