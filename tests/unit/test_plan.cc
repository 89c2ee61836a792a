#include <doctest/doctest.h>

#include "tests/support/check_text.h"

#include <algorithm>
#include <map>
#include <random>

#include "planner/plan.h"
#include "planner/student_digest.h"
#include "tests/support/memory_roster.h"
#include "tests/support/roster_generator.h"

using namespace rosterd;

namespace {

using FakeCommitted = testing::MemoryRoster;

std::vector<std::string> row(const std::string& id, const std::string& last = "Lee",
                             const std::string& status = "A", const std::string& grade = "05") {
  return {id, "L" + id, "Ava", "", last, "2016-01-01", grade, "101", "", status, "", ""};
}

// The plan of `night2` against the roster `night1` committed.
Plan plan_after(const std::vector<std::vector<std::string>>& night1,
                const std::vector<std::vector<std::string>>& night2) {
  FakeCommitted committed;
  committed.apply(make_plan(testing::check_text(testing::roster_text(night1)), committed));
  return make_plan(testing::check_text(testing::roster_text(night2)), committed);
}

const Change* find(const Plan& p, const std::string& id) {
  for (const Change& c : p.changes) {
    if (c.state_id == id) return &c;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("plan: every outcome against a committed roster") {
  FakeCommitted committed;
  const CheckResult night1 = testing::check_text(
      testing::roster_text({row("1"), row("2"), row("3"), row("4"), row("5", "Lee", "I"), row("6"),
                            row("7"), row("8")}));
  const Plan first = make_plan(night1, committed);
  CHECK(first.counts.added == 8);
  CHECK(first.counts.active_before == 0);
  committed.apply(first);

  const CheckResult night2 = testing::check_text(testing::roster_text({
      row("1"),                     // unchanged
      row("2", "Smith"),            // updated: last name
      row("3", "Lee", "I"),         // deactivated by status
      /* 4 absent */                // deactivated: absent from the file
      row("5"),                     // reactivated
      row("6", "Lee", "A", "99x"),  // grade fine (no table) -> updated
      row("7", ""),                 // rejected (missing last name): kept as is
      row("9"),                     // added
      row("8"), row("8"),           // duplicate: both rejected, student kept
  }));
  const Plan p = make_plan(night2, committed);
  CHECK(p.counts.added == 1);
  CHECK(p.counts.updated == 2);
  CHECK(p.counts.deactivated == 2);
  CHECK(p.counts.reactivated == 1);
  CHECK(p.counts.unchanged == 1);
  CHECK(p.counts.kept_rejected == 2);
  CHECK(p.counts.active_before == 7);
  REQUIRE(p.changes.size() == 6);

  const Change* updated = find(p, "2");
  REQUIRE(updated);
  CHECK(updated->kind == ChangeKind::updated);
  CHECK(updated->changed_fields == (1u << field_index(Field::last_name)));
  CHECK((*updated->before)[field_index(Field::last_name)] == "Lee");
  CHECK(updated->after(field_index(Field::last_name)) == "Smith");

  const Change* absent = find(p, "4");
  REQUIRE(absent);
  CHECK(absent->kind == ChangeKind::deactivated);
  CHECK(absent->after(field_index(Field::status)) == "I");
  CHECK(absent->after(field_index(Field::last_name)) == "Lee");  // other values kept
  CHECK(absent->changed_fields == (1u << field_index(Field::status)));
  CHECK(absent->line == 0);

  CHECK(find(p, "3")->kind == ChangeKind::deactivated);
  CHECK(find(p, "5")->kind == ChangeKind::reactivated);
  CHECK(find(p, "9")->kind == ChangeKind::added);
  CHECK_FALSE(find(p, "1"));
  CHECK_FALSE(find(p, "7"));
  CHECK_FALSE(find(p, "8"));
  // Sorted by state ID.
  for (std::size_t i = 1; i < p.changes.size(); ++i)
    CHECK(p.changes[i - 1].state_id < p.changes[i].state_id);
}

TEST_CASE("plan: a delta's absent students are unchanged, its rows change as usual") {
  FakeCommitted committed;
  committed.apply(
      make_plan(testing::check_text(testing::roster_text({row("1"), row("2"), row("3"), row("4")})),
                committed));
  CheckResult delta =
      testing::check_text(testing::roster_text({row("2", "Smith"), row("3", "Lee", "I")}));
  delta.file.delta = true;
  const Plan p = make_plan(delta, committed);
  CHECK(p.counts.updated == 1);
  CHECK(p.counts.deactivated == 1);  // by its status, not by its absence
  CHECK(p.counts.unchanged == 2);    // 1 and 4: not in the delta
  CHECK(p.changes.size() == 2);
  CHECK_FALSE(find(p, "1"));
  CHECK_FALSE(find(p, "4"));
  CHECK(p.absent.empty());  // no one to re-key a new ID onto: they are all still there
  // Read as a whole roster, the same rows would withdraw 1 and 4.
  delta.file.delta = false;
  CHECK(make_plan(delta, committed).counts.deactivated == 3);
}

TEST_CASE("plan: the same file twice changes nothing the second time") {
  FakeCommitted committed;
  const std::string text = testing::roster_text({row("1"), row("2", "Lee", "I"), row("3")});
  committed.apply(make_plan(testing::check_text(text), committed));
  const Plan again = make_plan(testing::check_text(text), committed);
  CHECK(again.changes.empty());
  CHECK(again.counts.unchanged == 3);
}

TEST_CASE("plan: an inactive student absent from the file is left alone") {
  FakeCommitted committed;
  committed.apply(make_plan(
      testing::check_text(testing::roster_text({row("1"), row("2", "Lee", "I")})), committed));
  const Plan p = make_plan(testing::check_text(testing::roster_text({row("1")})), committed);
  CHECK(p.changes.empty());
  CHECK(p.counts.deactivated == 0);
}

TEST_CASE(
    "plan: a file in ID order and the same file shuffled (merged through its sorted IDs) plan the "
    "same") {
  std::vector<std::vector<std::string>> night1, night2;
  for (int n = 10; n < 60; ++n)
    night1.push_back(row(std::to_string(n)));
  for (int n = 10; n < 70; ++n) {
    if (n % 7 == 0) continue;                                              // absent: deactivated
    night2.push_back(row(std::to_string(n), n % 5 == 0 ? "New" : "Lee"));  // some updated
  }
  night2.push_back(row("33"));  // a repeated ID, next to its twin once sorted
  std::sort(night2.begin(), night2.end());
  auto shuffled = night2;
  std::reverse(shuffled.begin(), shuffled.end());

  const Plan merged = plan_after(night1, night2);
  const Plan indexed = plan_after(night1, shuffled);
  CHECK(merged.counts.added == 10 - 1);   // 60..69 but 63
  CHECK(merged.counts.deactivated == 7);  // 14, 21, 28, 35, 42, 49, 56
  CHECK(merged.counts.updated == 9);      // multiples of 5 from 10 to 55, but 35
  CHECK(merged.counts.kept_rejected == 1);
  CHECK(merged.counts.added == indexed.counts.added);
  CHECK(merged.counts.updated == indexed.counts.updated);
  CHECK(merged.counts.deactivated == indexed.counts.deactivated);
  CHECK(merged.counts.unchanged == indexed.counts.unchanged);
  CHECK(merged.counts.kept_rejected == indexed.counts.kept_rejected);
  REQUIRE(merged.changes.size() == indexed.changes.size());
  for (std::size_t i = 0; i < merged.changes.size(); ++i) {
    CHECK(merged.changes[i].state_id == indexed.changes[i].state_id);
    CHECK(merged.changes[i].kind == indexed.changes[i].kind);
  }
}

TEST_CASE("plan: a large file's rows, hashed on two threads, find exactly the students changed") {
  // 30,000 rows: over the size at which the file's digests are computed on a second thread.
  std::vector<std::vector<std::string>> night1, night2;
  for (int n = 100000; n < 130000; ++n)
    night1.push_back(row(std::to_string(n)));
  for (int n = 100000; n < 130000; ++n) {
    if (n % 997 == 0) continue;  // absent: deactivated
    std::string last = n % 101 == 0 ? "Changed" : "Lee";
    if (n % 1009 == 0) last.clear();  // rejected (no last name): kept as is
    night2.push_back(row(std::to_string(n), last));
  }
  // A wrong digest would only cost a fetch (the values then compare equal): count the fetches.
  struct CountingRoster : testing::MemoryRoster {
    std::vector<std::string> fetched;
    std::vector<std::pair<std::string, std::vector<std::string>>> fetch(
        const std::vector<std::string>& ids) override {
      fetched.insert(fetched.end(), ids.begin(), ids.end());
      return testing::MemoryRoster::fetch(ids);
    }
  } committed;
  committed.apply(make_plan(testing::check_text(testing::roster_text(night1)), committed));
  committed.fetched.clear();
  const CheckResult checked = testing::check_text(testing::roster_text(night2));
  const Plan p = make_plan(checked, committed);  // its changes' values are views into `checked`
  std::size_t absent = 0, updated = 0, rejected = 0;
  for (int n = 100000; n < 130000; ++n) {
    if (n % 997 == 0) {
      ++absent;
    } else if (n % 1009 == 0) {
      ++rejected;
    } else if (n % 101 == 0) {
      ++updated;
    }
  }
  CHECK(p.counts.deactivated == absent);
  CHECK(p.counts.kept_rejected == rejected);
  CHECK(p.counts.updated == updated);
  CHECK(p.counts.unchanged == 30000 - absent - rejected - updated);
  CHECK(p.counts.added == 0);
  // Only the absent and the changed students are read whole: every other digest matched.
  CHECK(committed.fetched.size() == absent + updated);
  for (const std::string& id : committed.fetched) {
    const int n = std::stoi(id);
    CHECK_MESSAGE((n % 997 == 0 || (n % 101 == 0 && n % 1009 != 0)), id);
  }
  for (int n : {100091, 129987}) {  // one in each half of the file
    const Change* c = find(p, std::to_string(n));
    REQUIRE(c != nullptr);
    CHECK(c->kind == ChangeKind::updated);
    CHECK(c->after(field_index(Field::last_name)) == "Changed");
  }
}

TEST_CASE("plan: changes sorted by ID in byte order, each keeping its own values") {
  // IDs that agree in their first 16 bytes and differ after, prefixes of each other, bytes
  // over 0x7F (after every ASCII byte, as std::string compares), and a repeated ID.
  std::vector<std::string> ids = {"1234567890123456B",
                                  "1234567890123456A",
                                  "1234567890123456",
                                  "123456789012345",
                                  "12345678901234567",
                                  "\xC3\xA9t\xC3\xA9",
                                  "Z",
                                  "",
                                  "0000000000",
                                  "00000000000",
                                  "A",
                                  "a",
                                  "1234567890123456A",
                                  "999",
                                  "1000"};
  // Zero bytes, which pad a short ID's key: told apart by length.
  ids.push_back(std::string("12\0", 3));
  ids.push_back("12");
  ids.push_back(std::string("12\0\0", 4));
  ids.push_back(std::string("1234567890123456\0", 17));
  std::mt19937 random(7);
  for (int i = 0; i < 2000; ++i) {
    std::string id(1 + random() % 24, '0');
    for (char& c : id)
      c = static_cast<char>('0' + random() % 3);  // few letters: long shared prefixes
    ids.push_back(id);
  }
  std::vector<Change> changes;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    Change c;
    c.state_id = ids[i];
    c.line = static_cast<std::uint32_t>(i + 2);
    c.platform_id = "p" + std::to_string(i);
    changes.push_back(std::move(c));
  }
  std::vector<std::pair<std::string, std::uint32_t>> expected;
  for (const Change& c : changes)
    expected.emplace_back(c.state_id, c.line);
  std::stable_sort(expected.begin(), expected.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  sort_changes_by_id(changes);
  REQUIRE(changes.size() == expected.size());
  for (std::size_t i = 0; i < changes.size(); ++i) {
    INFO("position " << i);
    CHECK(changes[i].state_id == expected[i].first);
    CHECK(changes[i].line == expected[i].second);  // equal IDs keep their order
    CHECK(changes[i].platform_id == "p" + std::to_string(changes[i].line - 2));
  }
  sort_changes_by_id(changes);  // already in order: left as it is
  CHECK(changes[0].state_id.empty());
  CHECK(changes.back().state_id == "\xC3\xA9t\xC3\xA9");
}

TEST_CASE("plan: a file not in ID order finds long IDs sharing their first 16 bytes") {
  // IDs of 18 characters that agree on their first 16: told apart only by a whole comparison.
  const auto long_id = [](int n) { return "ABCDEFGHIJKLMNOP" + std::to_string(n); };
  std::vector<std::vector<std::string>> night1, night2;
  for (int n = 10; n < 40; ++n)
    night1.push_back(row(long_id(n)));
  // Committed IDs without the prefix all of night 2's IDs share, before and after them, and
  // the prefix itself: absent, deactivated.
  night1.push_back(row("AAAAAAAAAAAAAAAAAA1"));
  night1.push_back(row("ZZZ"));
  night1.push_back(row("ABCDEFGHIJKLMNOP"));
  for (int n = 10; n < 45; ++n) {
    if (n % 6 == 0) continue;                                       // absent: deactivated
    night2.push_back(row(long_id(n), n % 4 == 0 ? "New" : "Lee"));  // some updated
  }
  std::sort(night2.begin(), night2.end());
  auto shuffled = night2;
  std::reverse(shuffled.begin(), shuffled.end());
  const Plan in_order = plan_after(night1, night2);
  const Plan reversed = plan_after(night1, shuffled);
  CHECK(reversed.counts.added == 4);        // 40 to 44 but 42
  CHECK(reversed.counts.deactivated == 8);  // 12, 18, 24, 30, 36 and the three above
  CHECK(reversed.counts.updated == 4);      // 16, 20, 28, 32
  REQUIRE(in_order.changes.size() == reversed.changes.size());
  for (std::size_t i = 0; i < in_order.changes.size(); ++i) {
    CHECK(in_order.changes[i].state_id == reversed.changes[i].state_id);
    CHECK(in_order.changes[i].kind == reversed.changes[i].kind);
    const Change& c = reversed.changes[i];
    if (c.kind != ChangeKind::deactivated) {  // found at its own line of the reversed file
      REQUIRE(c.line >= 2);
      CHECK(shuffled[c.line - 2][0] == c.state_id);
    }
  }
}
