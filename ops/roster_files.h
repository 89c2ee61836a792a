// A roster file a person hands rosterd: a test import (`rosterd check`, the console's test
// import) and an ingest by hand (`rosterd ingest`, an upload).
#pragma once

#include <cstddef>
#include <filesystem>

#include "config/config.h"
#include "core/civil_date.h"
#include "pipeline/ingest_run.h"
#include "store/roster_store.h"
#include "validators/roster_check.h"

namespace rosterd {

struct RosterFileOptions {
  std::size_t threads = 2;
  CivilDate as_of;  // the day ages and school years are reckoned at
};

// Reads and checks `roster` with the feed's rules; writes nothing. Its report is
// report_from_check(feed.name, RunState::dry_run, result). With `store`, a OneRoster delta
// set is completed from the feed's committed roster there (only read), as an ingest completes
// it; without, what the delta leaves out is reported. Throws Error when the file cannot be
// opened.
CheckResult check_roster(const FeedConfig& feed, const std::filesystem::path& roster,
                         const RosterFileOptions& options, RosterStore* store = nullptr);

// Runs `roster` through the feed's pipeline as a run of its own: first what earlier runs left in
// the outbox goes out, and, while no other process holds the feed, its held runs whose report
// has gone out commit (the feed's lock is then kept for the run, so a service does not poll it
// meanwhile). Throws Error as ingest_file does.
IngestOutcome ingest_roster(const Config& config, const FeedConfig& feed, RosterStore& store,
                            const std::filesystem::path& roster, const RosterFileOptions& options);

}  // namespace rosterd
