// Reaching the store and the state folder as every command and the service do: the store opened
// (its folder checked first), state_dir checked, and a feed held (its lock in state_dir, and on a
// shared store its locks on the store's connection) before anything of it is changed.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "pipeline/feed_lock.h"
#include "pipeline/mailer.h"
#include "store/roster_store.h"

namespace rosterd {

// Opens the configured store, creating its folder when missing. A SQLite store whose folder
// rosterd cannot write is refused with the reason (SQLite keeps its journal files there).
std::unique_ptr<RosterStore> open_store(const Config& config);

// Creates state_dir when missing and checks that rosterd can write there (feed locks, the
// control socket, staged and archived files); throws Error naming the key, the folder, why not
// (e.g. a read-only file system) and what to do. Commands that take files call it first, so a
// read-only state folder stops them before anything is fetched.
void require_writable_state_dir(const Config& config);

// On a shared PostgreSQL store, why this process may not work on `feed` now: a service runs
// the feed, or another process is running it. Holding both locks on the command's own
// connection keeps them until it ends.
std::optional<std::string> not_ours(RosterStore& store, const std::string& feed);

// Takes hold of `feed` now if no other process works on it: its lock in state_dir, kept in
// `lock` until the caller lets go, and on a shared store its locks on the store's connection.
// Returns why not (another process is working on it, or the lock cannot be taken), or nullopt
// once held.
std::optional<std::string> hold_feed_now(const Config& config, RosterStore& store,
                                         const FeedConfig& feed, std::optional<FeedLock>& lock);

// Settles the runs waiting for their QA report (Mailer::settle_awaiting_runs) of the feeds no
// service polls (no source: their runs come from `rosterd ingest`), each one only while no
// other process holds it.
void settle_unpolled_feeds(const Config& config, RosterStore& store, Mailer& mailer);

}  // namespace rosterd
