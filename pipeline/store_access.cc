#include "pipeline/store_access.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "core/dir_access.h"
#include "core/error.h"
#include "store/sql_db.h"

namespace rosterd {

namespace {

// `what` names the folder for the user ("state_dir /var/lib/rosterd/state"); `holds` says what
// rosterd keeps there.
void require_writable_dir(const std::filesystem::path& dir, const std::string& key,
                          const std::string& what, const std::string& holds) {
  if (const auto owner = other_owner_for_root(dir)) {
    throw UsageError(what + " belongs to " + *owner +
                     ", and this command runs as root: files it made there would belong to "
                     "root and lock the service out. Run it as that user: runuser -u " +
                     (owner->starts_with("uid ") ? "USER" : *owner) +
                     " -- rosterd ... (docs/service.md, \"Commands by hand\").");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const WriteAccess access =
      ec ? WriteAccess{"cannot be created (" + ec.message() + ")"} : check_write_access(dir);
  if (access.problem.empty()) return;
  const std::string& why = access.problem;
  // Out of descriptors: the folder is fine, and the process is told as what it is.
  if (!access.folder_at_fault) throw UnavailableError(what + " " + why + ".");
  throw UnavailableError(
      what + " " + why + ": rosterd keeps " + holds +
      " there, so it stopped before changing anything. Make the folder writable by the "
      "user rosterd runs as (under systemd: the unit's StateDirectory=, or a folder listed "
      "in ReadWritePaths=), or set " +
      key + " to one that is.");
}

}  // namespace

void require_writable_state_dir(const Config& config) {
  require_writable_dir(config.state_dir, "state_dir", "state_dir " + config.state_dir.string(),
                       "its feed locks, control socket, staged and archived files");
}

std::optional<std::string> not_ours(RosterStore& store, const std::string& feed) {
  // Services sharing the feeds run them: a process that is none (a cron job's `run --once`)
  // leaves them alone, and a service keeps to its share (a feed only `rosterd ingest` feeds
  // has its runs settled by the service whose share it is).
  if (!store.holds().services().empty()) {
    std::string holder = "a rosterd service";
    for (const FeedHolder& h : store.holds().holders({feed}))
      holder = h.instance;
    if (holder != store.holds().instance())
      return "standby: " + holder + " runs this feed (ask that instance to poll it now)";
    if (!store.holds().hold(feed, FeedHold::run))
      return "busy: another rosterd process is running it";
    return std::nullopt;
  }
  if (!store.holds().hold(feed, FeedHold::lease)) {
    std::string holder = "another rosterd instance";
    for (const FeedHolder& h : store.holds().holders({feed}))
      holder = h.instance;
    return "standby: " + holder + " runs this feed (ask that instance to poll it now)";
  }
  if (!store.holds().hold(feed, FeedHold::run))
    return "busy: another rosterd process is running it";
  return std::nullopt;
}

std::optional<std::string> hold_feed_now(const Config& config, RosterStore& store,
                                         const FeedConfig& feed, std::optional<FeedLock>& lock) {
  if (!lock) {
    try {
      std::optional<FeedLock> taken = FeedLock::try_acquire(config.state_dir, feed.name);
      if (!taken) return "busy: another rosterd process is working on this feed";
      lock.emplace(std::move(*taken));
    } catch (const Error& e) {
      return std::string("its lock cannot be taken: ") + e.what();
    }
  }
  return not_ours(store, feed.name);
}

void settle_unpolled_feeds(const Config& config, RosterStore& store, Mailer& mailer) {
  std::set<std::string> waiting;
  for (const RunRecord& run : store.runs().awaiting_report())
    waiting.insert(run.feed);
  for (const std::string& name : waiting) {
    const auto it = config.feeds.find(name);
    if (it == config.feeds.end() || it->second.source.kind != SourceKind::none) continue;
    std::optional<FeedLock> lock;
    if (!hold_feed_now(config, store, it->second, lock)) mailer.settle_awaiting_runs(name);
  }
}

std::unique_ptr<RosterStore> open_store(const Config& config) {
  if (config.store.kind == StoreKind::postgresql) {
    PostgresOptions options;
    options.conninfo = config.store.conninfo;
    options.stalled_after = config.store.stalled_after;
    if (!config.store.password_file.empty()) {
      const std::filesystem::path& file = config.store.password_file;
      std::ifstream in(file);
      if (!in || !std::getline(in, options.password)) {
        throw StoreError("cannot read the PostgreSQL password file " + file.string() +
                         ". Check store.postgresql.password_file and its permissions.");
      }
      if (!options.password.empty() && options.password.back() == '\r') options.password.pop_back();
    }
    return open_postgres_store(options);
  }
  const std::filesystem::path& db = config.store.sqlite;
  const std::filesystem::path folder = db.has_parent_path() ? db.parent_path() : ".";
  const std::string name = db.filename().string();
  require_writable_dir(folder, "store.sqlite", "the folder " + folder.string() + " of the store",
                       "the roster store " + name + " and SQLite's journal files (" + name +
                           "-wal, " + name + "-shm)");
  return open_sqlite_store(db.string());
}

}  // namespace rosterd
