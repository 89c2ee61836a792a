#include "ops/roster_files.h"

#include <optional>

#include "core/log.h"
#include "pipeline/committed_values.h"
#include "pipeline/mailer.h"
#include "pipeline/store_access.h"

namespace rosterd {

CheckResult check_roster(const FeedConfig& feed, const std::filesystem::path& roster,
                         const RosterFileOptions& options, RosterStore* store) {
  const RowChecker checker(feed.format, feed.checks, feed.reference, options.as_of);
  std::optional<CommittedValues> committed;
  if (store != nullptr) committed.emplace(*store, feed, checker);
  // A check reports; it keeps no rows beyond their IDs (duplicates are all it needs them for).
  CheckResult result =
      check_roster_path(feed.format, checker, roster,
                        CheckRun{options.threads, false, feed.identity.match_on, &feed.rules.scope,
                                 ZipLimits{feed.source.max_bytes},
                                 committed ? committed->lookup() : CommittedLookup{}, &feed.kinds});
  log::info("check.done", {{"feed", feed.name},
                           {"sha256", result.file.sha256},
                           {"rows", std::to_string(result.counts.rows_read)},
                           {"rejected", std::to_string(result.counts.rows_rejected)},
                           {"warned", std::to_string(result.counts.rows_warned)},
                           {"refused", result.refused() ? "yes" : "no"}});
  return result;
}

IngestOutcome ingest_roster(const Config& config, const FeedConfig& feed, RosterStore& store,
                            const std::filesystem::path& roster, const RosterFileOptions& options) {
  Mailer mailer(config, store);
  mailer.deliver_due(true);  // what earlier runs left in the outbox goes first
  std::optional<FeedLock> lock;
  if (!hold_feed_now(config, store, feed, lock)) mailer.settle_awaiting_runs(feed.name);
  return ingest_file(feed, store, roster, options.threads, options.as_of, std::nullopt, &mailer);
}

}  // namespace rosterd
