#include "daemon/ingest_pipeline.h"

#include "core/log.h"

namespace rosterd {

RunReport IngestOutcome::report(const std::string& feed) const {
  RunReport r = report_from_check(feed, std::string(decision_name(decision.decision)), check);
  r.run_id = run_id;
  r.reason = decision.reason;
  r.trips = decision.trips;
  if (!check.refused()) {
    r.plan = plan.counts;
    r.changes = &plan.changes;
  }
  return r;
}

IngestOutcome ingest_file(const FeedConfig& feed, RosterStore& store,
                          const std::filesystem::path& roster, std::size_t threads, CivilDate as_of,
                          const std::optional<DropOrigin>& origin) {
  store.check_feed_key(feed.name, feed.format.columns[field_index(Field::state_id)]);

  IngestOutcome o;
  const RosterReader reader(feed.format);
  const RowChecker checker(feed.format, feed.checks, feed.reference, as_of);
  o.check = check_roster_file(reader, checker, roster, CheckRun{threads, true});
  std::optional<std::int64_t> source_file;
  if (origin) {
    o.check.file.name = origin->remote_name;
    source_file = origin->source_file;
  }
  o.run_id = store.begin_run(feed.name, o.check.file, source_file);
  log::info(
      "run.start",
      {{"feed", feed.name}, {"run", std::to_string(o.run_id)}, {"sha256", o.check.file.sha256}});
  try {
    const std::optional<std::int64_t> base = store.last_committed_run(feed.name);
    DecisionInput in;
    in.refused = o.check.refused();
    in.test_mode = feed.mode == FeedMode::test;
    in.policy = feed.policy;
    in.check = o.check.counts;
    if (!in.refused) {
      o.plan = make_plan(o.check, *store.committed(feed.name));
      in.plan = o.plan.counts;
      in.previous_rows = store.last_committed_rows(feed.name);
    }
    o.decision = decide(in);

    RunOutcome out;
    out.run_id = o.run_id;
    out.feed = feed.name;
    out.decision = o.decision.decision;
    out.reason = o.decision.reason;
    out.trips = o.decision.trips;
    out.check = o.check.counts;
    out.plan = o.plan.counts;
    out.base_run = base;
    out.refusal = o.check.file.refusal;
    out.discrepancies = &o.check.discrepancies;
    out.changes = &o.plan.changes;
    store.finish_run(out);
  } catch (const std::exception& e) {
    try {
      store.fail_run(o.run_id, e.what());
    } catch (const std::exception&) {
      // The store itself failed; the run stays `running` and is marked failed at the next open.
    }
    log::error("run.failed",
               {{"feed", feed.name}, {"run", std::to_string(o.run_id)}, {"error", e.what()}});
    throw;
  }
  log::info("run.done", {{"feed", feed.name},
                         {"run", std::to_string(o.run_id)},
                         {"decision", std::string(decision_name(o.decision.decision))},
                         {"rows", std::to_string(o.check.counts.rows_read)},
                         {"rejected", std::to_string(o.check.counts.rows_rejected)},
                         {"added", std::to_string(o.plan.counts.added)},
                         {"updated", std::to_string(o.plan.counts.updated)},
                         {"deactivated", std::to_string(o.plan.counts.deactivated)}});
  return o;
}

}  // namespace rosterd
