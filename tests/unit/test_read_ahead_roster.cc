#include <doctest/doctest.h>

#include <stdexcept>

#include "parsers/format_preset.h"
#include "pipeline/read_ahead_roster.h"
#include "tests/support/memory_roster.h"
#include "validators/roster_check.h"

using namespace rosterd;

namespace {

std::vector<std::string> student(const std::string& id, const std::string& status = "A") {
  return {id, "L" + id, "Ava", "", "Lee", "2016-01-01", "05", "101", "", status, "", ""};
}

// A store whose full read fails part way, as a damaged one does.
class FailingRoster : public testing::MemoryRoster {
 public:
  void for_each_digest(const std::function<void(const Entry&)>& visit) override {
    testing::MemoryRoster::for_each_digest(visit);
    throw std::runtime_error("feed gen has 3 committed students, but 2 were read");
  }
};

}  // namespace

TEST_CASE("read-ahead roster: replays the store's read in order, and asks the store for values") {
  auto memory = std::make_unique<testing::MemoryRoster>();
  memory->add(student("30"));
  memory->add(student("10", "I"));
  memory->add(student("20"));
  std::vector<CommittedRoster::Entry> direct;
  memory->for_each_digest([&](const CommittedRoster::Entry& e) { direct.push_back(e); });

  ReadAheadRoster ahead(std::move(memory));
  for (int pass = 0; pass < 2; ++pass) {  // read twice (students, then the other kinds)
    std::vector<CommittedRoster::Entry> replayed;
    ahead.for_each_digest([&](const CommittedRoster::Entry& e) { replayed.push_back(e); });
    REQUIRE(replayed.size() == 3);
    for (std::size_t i = 0; i < replayed.size(); ++i) {
      CHECK(replayed[i].state_id == direct[i].state_id);
      CHECK(replayed[i].digest == direct[i].digest);
      CHECK(replayed[i].active == direct[i].active);
      CHECK(replayed[i].identity_key == direct[i].identity_key);
    }
    CHECK(replayed[0].state_id == "10");
    CHECK_FALSE(replayed[0].active);
  }
  const auto fetched = ahead.fetch({"20", "99"});
  REQUIRE(fetched.size() == 1);
  CHECK(fetched[0].first == "20");
  CHECK(fetched[0].second[1] == "L20");
}

TEST_CASE("read-ahead roster: a store's failed read fails the read-ahead") {
  auto failing = std::make_unique<FailingRoster>();
  failing->add(student("1"));
  CHECK_THROWS_WITH_AS(ReadAheadRoster(std::move(failing)),
                       "feed gen has 3 committed students, but 2 were read", std::runtime_error);
}

TEST_CASE("read-ahead roster: only a set layout's check asks the store while it reads") {
  CHECK_FALSE(check_may_ask_committed(RosterFormat{}, nullptr));
  RosterKinds none;
  CHECK_FALSE(check_may_ask_committed(RosterFormat{}, &none));
  RosterKinds some;
  some.members.emplace_back();
  CHECK(check_may_ask_committed(RosterFormat{}, &some));
  // A layout of several files may be given a folder or a zip, whatever its roster file.
  CHECK(check_may_ask_committed(find_format_preset("clever")->format, nullptr));
  CHECK(check_may_ask_committed(find_format_preset("oneroster-1.1")->format, nullptr));
  CHECK(check_may_ask_committed(find_format_preset("sds-v2.1")->format, nullptr));
}
