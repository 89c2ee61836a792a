#include <doctest/doctest.h>

#include <limits>

#include "planner/decision.h"

using namespace rosterd;

namespace {
DecisionInput base() {
  DecisionInput in;
  in.check = CheckCounts{1000, 10, 0};
  in.plan.active_before = 1000;
  in.previous_rows = 1000;
  return in;
}
}  // namespace

TEST_CASE("decide: a clean run commits") {
  const DecisionResult r = decide(base());
  CHECK(r.decision == Decision::committed);
  CHECK(r.trips.empty());
}

TEST_CASE("decide: each safeguard holds the run and says its limit and value") {
  SUBCASE("deactivations") {
    DecisionInput in = base();
    in.plan.deactivated = 51;  // 5.1% > 5%
    const DecisionResult r = decide(in);
    CHECK(r.decision == Decision::held);
    REQUIRE(r.trips.size() == 1);
    CHECK(r.trips[0].name == "max_deactivate_pct");
    CHECK(r.trips[0].limit == 5);
    CHECK(r.trips[0].value == doctest::Approx(5.1));
    CHECK(r.trips[0].explanation == "51 of 1,000 active students would be deactivated (5.1%)");
    in.plan.deactivated = 50;  // exactly at the limit is allowed
    CHECK(decide(in).decision == Decision::committed);
  }
  SUBCASE("row drop") {
    DecisionInput in = base();
    in.check.rows_read = 899;  // 10.1% fewer
    const DecisionResult r = decide(in);
    CHECK(r.decision == Decision::held);
    REQUIRE(r.trips.size() == 1);
    CHECK(r.trips[0].name == "max_row_drop_pct");
    CHECK(r.trips[0].value == doctest::Approx(10.1));
  }
  SUBCASE("rejects") {
    DecisionInput in = base();
    in.check.rows_rejected = 60;
    const DecisionResult r = decide(in);
    CHECK(r.decision == Decision::held);
    CHECK(r.trips[0].name == "max_reject_pct");
  }
}

TEST_CASE("decide: the first file skips the drop and deactivation safeguards, not the reject one") {
  DecisionInput in = base();
  in.previous_rows.reset();
  in.plan.active_before = 0;
  in.check.rows_read = 10;
  in.check.rows_rejected = 0;
  CHECK(decide(in).decision == Decision::committed);
  in.check.rows_rejected = 5;
  CHECK(decide(in).decision == Decision::held);
}

TEST_CASE("decide: a delta is short by nature; its deactivations are held all the same") {
  DecisionInput in = base();
  in.check = CheckCounts{20, 0, 0};  // 20 rows after 1,000: a short file, were it whole
  CHECK(decide(in).decision == Decision::held);
  in.delta = true;
  CHECK(decide(in).decision == Decision::committed);
  in.plan.deactivated = 60;
  const DecisionResult r = decide(in);
  CHECK(r.decision == Decision::held);
  REQUIRE(r.trips.size() == 1);
  CHECK(r.trips[0].name == "max_deactivate_pct");
  // A roster built by deltas alone has no whole file to compare with, but its students count.
  in.previous_rows.reset();
  CHECK(decide(in).decision == Decision::held);
}

TEST_CASE("decide: test mode is a dry run, manual commit holds, a refused file is refused") {
  DecisionInput in = base();
  in.test_mode = true;
  in.plan.deactivated = 500;
  const DecisionResult dry = decide(in);
  CHECK(dry.decision == Decision::dry_run);
  CHECK(dry.trips.size() == 1);  // still reported, so a test import shows what would happen
  in = base();
  in.policy.commit = CommitMode::manual;
  CHECK(decide(in).decision == Decision::held);
  CHECK(decide(in).reason.find("manual") != std::string::npos);
  in = base();
  in.refused = true;
  CHECK(decide(in).decision == Decision::refused);
}

TEST_CASE("decide: a limit that is not a number holds the run instead of passing it") {
  DecisionInput in = base();
  in.policy.max_deactivate_pct = std::numeric_limits<double>::quiet_NaN();
  in.policy.max_row_drop_pct = std::numeric_limits<double>::quiet_NaN();
  in.check.rows_read = 10;
  in.plan.deactivated = 990;
  const DecisionResult r = decide(in);
  CHECK(r.decision == Decision::held);
  CHECK(r.trips.size() >= 2);
}
