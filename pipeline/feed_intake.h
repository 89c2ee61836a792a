// Taking a feed's files from its drop: which files are complete, downloading them into staging
// exactly once (the ledger in the store remembers every version seen), running each through the
// ingest pipeline, then archiving the local copy and keeping, moving or deleting the remote one.
//
// Order matters for "nothing lost, nothing twice": a file enters the ledger only once it is
// staged and fsynced; its run is linked to the ledger record in the run's first transaction; a
// crash anywhere leaves either no record (the file is fetched again) or a record whose run
// failed or never started (the staged copy is run again).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/folder.h"
#include "pipeline/drop_sets.h"
#include "pipeline/feed_shares.h"
#include "pipeline/ingest_run.h"
#include "pipeline/mailer.h"
#include "store/roster_store.h"
#include "transport/drop.h"

namespace rosterd {

// What a poll of the drop did with one file.
struct FetchEvent {
  enum class Kind {
    taken,      // downloaded and staged; its run is next
    waiting,    // not complete yet (still changing, or no marker)
    repeat,     // the same bytes as a file taken before: not ingested again
    too_large,  // over max_bytes: not taken
  };
  Kind kind = Kind::taken;
  std::string name;  // as the drop lists it
  std::string detail;
  std::optional<SourceFile> record;  // the ledger record, except for `waiting`
};

struct FetchResult {
  std::vector<FetchEvent> events;
  // Set when the drop could not be listed or a download failed for good in this poll; files not
  // taken are tried again at the next poll.
  std::string error;
};

// One ingested file.
struct IntakeRun {
  SourceFile file;
  std::optional<IngestOutcome> outcome;  // empty when the run threw (error says why)
  std::string error;
};

class FeedIntake {
 public:
  // `drop` is the feed's drop (make_drop). Time (stable_for) is the store's clock.
  FeedIntake(const Config& config, const FeedConfig& feed, RosterStore& store, Drop& drop);

  // Lists the drop, stages every complete file not seen before, records each in the ledger.
  // Transport faults are retried (source.attempts, with backoff); what still fails is returned
  // in `error`, not thrown, so other feeds go on.
  FetchResult fetch();

  // Runs every staged file that has no finished run yet, oldest first; then archives it and
  // applies source.after to the remote file. A failure of the latter is recorded and logged but
  // never undoes the run. Files whose run finished but whose archiving or after-action a crash
  // cut short are finished too, without running again (and are not among the returned runs).
  std::vector<IntakeRun> ingest_pending(std::size_t threads, CivilDate as_of);

  // The drop's fault as of the last fetch ("" when it worked); carried between polls by the
  // service, so a lasting fault is logged once.
  const std::string& last_error() const { return last_error_; }
  void set_last_error(std::string e) { last_error_ = std::move(e); }

  // Runs send their QA reports through `mailer` (not owned; may be null).
  void set_mailer(Mailer* mailer) { mailer_ = mailer; }
  // The service's shares, told while each file's run is under way (FeedShares::RunScope).
  void set_shares(FeedShares* shares) { shares_ = shares; }

  // Deletes archived copies older than archive.keep_days and temporary files of dead processes.
  void tidy();

 private:
  template <typename F>
  auto with_retries(const char* what, F&& op) -> decltype(op());
  bool ready(const DropEntry& e, const std::vector<DropEntry>& all, std::string& why);
  // Takes one file, or one set of files, when complete and not seen before (fetch()).
  void fetch_file(const DropEntry& e, const std::vector<DropEntry>& all,
                  std::optional<Folder>& staging, FetchResult& result);
  void fetch_set(const DropDelivery& d, const std::vector<DropEntry>& all,
                 std::optional<Folder>& staging, FetchResult& result);
  SourceFile new_record(const std::string& name, std::uint64_t size, std::int64_t mtime) const;
  // When an earlier file (or set) of the feed had these bytes (rec.sha256): records `rec` as a
  // repeat of it, applies source.after once that one is ingested, and returns true.
  bool repeat_of_earlier(SourceFile& rec, const std::vector<SourceMember>& members,
                         FetchResult& result);
  // Applies source.after to the record's file, or to each file of its set.
  void after_take(SourceFile& f);
  // Applies source.after to one file of the drop if it is still the version taken, with its
  // markers; returns what was done. Throws TransportError.
  std::string tidy_remote(const std::string& name, std::uint64_t size, std::int64_t mtime);
  // Moves a run's staged copy into the archive (a failure is logged; the copy stays).
  void archive_staged_copy(const std::filesystem::path& staged, const Folder& archive);
  // Applies source.after to repeats whose original is now ingested (docs/drops.md "Repeats").
  void settle_repeats();

  const Config& config_;
  const FeedConfig& feed_;
  RosterStore& store_;
  Drop& drop_;
  const Clock& clock_;
  const FormatPreset* set_layout_ = nullptr;  // the feed's preset, when its layout is a set
  // A feed that takes other kinds (kinds:): its set of files, the students' and one a kind,
  // gathered from the drop as a set layout's are.
  FormatPreset kinds_layout_;
  std::string last_error_;  // of the previous fetch(), so a state change is logged once
  Mailer* mailer_ = nullptr;
  FeedShares* shares_ = nullptr;
};

// The feed's drop, as configured. Throws Error when the feed has no source.
std::unique_ptr<Drop> make_drop(const FeedConfig& feed);

// The feed's `kind` folder ("staging" or "archive") under state_dir, held open; each name below
// state_dir is opened without following a link, and created when `create`. Throws FolderError.
Folder held_folder(const Config& config, const char* kind, const std::string& feed, bool create);

// Where a feed's files are staged and archived.
std::filesystem::path staging_dir(const Config& config, const std::string& feed);
std::filesystem::path archive_dir(const Config& config, const std::string& feed);

}  // namespace rosterd
