#include "pipeline/feed_intake.h"

#include <algorithm>
#include <chrono>
#include <system_error>
#include <thread>

#include "core/civil_date.h"
#include "core/fault_point.h"
#include "core/log.h"
#include "core/text.h"
#include "core/utf8.h"
#include "parsers/roster_set.h"
#include "transport/local_drop.h"
#include "transport/local_name.h"
#include "transport/sftp_drop.h"
#include "transport/staged_file.h"
#include "transport/staged_set.h"

namespace rosterd {
namespace {

bool has_suffix(const std::string& name, const std::vector<std::string>& suffixes) {
  return std::any_of(suffixes.begin(), suffixes.end(), [&](const std::string& s) {
    return name.size() > s.size() && name.ends_with(s);
  });
}

// Decisions after which a run needs nothing more: its file is done.
bool finished(RunState s) {
  return s != RunState::running && s != RunState::failed && s != RunState::notice;
}

constexpr int kMaxRunAttempts = 3;

}  // namespace

std::unique_ptr<Drop> make_drop(const FeedConfig& feed) {
  switch (feed.source.kind) {
    case SourceKind::local:
      return std::make_unique<LocalDrop>(feed.source.local_dir, feed.source.max_listing);
    case SourceKind::sftp: {
      SftpOptions options = feed.source.sftp;
      options.max_listing = feed.source.max_listing;
      return std::make_unique<SftpDrop>(options);
    }
    case SourceKind::none:
      break;
  }
  throw Error("feed " + feed.name + " has no source: add feeds." + feed.name +
              ".source.sftp (or source.local) to the configuration, or ingest its files by "
              "hand.");
}

Folder held_folder(const Config& config, const char* kind, const std::string& feed, bool create) {
  // state_dir as configured (a link there is the administrator's choice); below it, no link.
  if (create) {
    std::error_code ignored;  // Folder::open says why, if it still is not there
    std::filesystem::create_directories(config.state_dir, ignored);
  }
  return Folder::open(config.state_dir).below(std::filesystem::path(kind) / feed, create);
}

std::filesystem::path staging_dir(const Config& config, const std::string& feed) {
  return config.state_dir / "staging" / feed;
}

std::filesystem::path archive_dir(const Config& config, const std::string& feed) {
  return config.state_dir / "archive" / feed;
}

FeedIntake::FeedIntake(const Config& config, const FeedConfig& feed, RosterStore& store, Drop& drop)
    : config_(config), feed_(feed), store_(store), drop_(drop), clock_(store.clock()) {
  const FormatPreset* preset = find_format_preset(feed.format.preset);
  if (preset != nullptr && is_set_layout(*preset)) set_layout_ = preset;
  if (!feed.kinds.empty()) {
    // Names of feed_'s own strings, which outlive this intake.
    if (set_layout_ != nullptr) {
      // A standard layout's set waits for the files of the kinds taken too.
      kinds_layout_ = *set_layout_;
    } else {
      kinds_layout_.name = "kinds";
      kinds_layout_.title = "the feed's whole roster (kinds:)";
      kinds_layout_.roster_file = feed_.kinds.students_file;
      kinds_layout_.set_files.push_back(feed_.kinds.students_file);
    }
    for (const KindMember& m : feed_.kinds.members) {
      auto& files = kinds_layout_.set_files;
      const auto same = [&](std::string_view f) { return iequals(f, m.file); };
      if (std::none_of(files.begin(), files.end(), same)) files.push_back(m.file);
      std::erase_if(kinds_layout_.other_set_files, same);
    }
    set_layout_ = &kinds_layout_;
  }
}

template <typename F>
auto FeedIntake::with_retries(const char* what, F&& op) -> decltype(op()) {
  auto backoff = feed_.source.retry_backoff;
  for (unsigned attempt = 1;; ++attempt) {
    try {
      return op();
    } catch (const TransportError& e) {
      drop_.reset();
      if (!e.retryable() || attempt >= feed_.source.attempts ||
          dynamic_cast<const FileChangedError*>(&e) != nullptr)
        throw;
      log::debug("drop.retry", {{"feed", feed_.name},
                                {"op", what},
                                {"attempt", std::to_string(attempt)},
                                {"error", e.what()}});
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
  }
}

bool FeedIntake::ready(const DropEntry& e, const std::vector<DropEntry>& all, std::string& why) {
  const SourceConfig& s = feed_.source;
  if (s.ready_when == ReadyWhen::marker) {
    for (const auto& m : s.markers) {
      const std::string marker = e.name + m;
      // A marker older than the file belongs to an earlier version of it.
      if (std::any_of(all.begin(), all.end(),
                      [&](const DropEntry& x) { return x.name == marker && x.mtime >= e.mtime; }))
        return true;
    }
    why = "no marker yet (" + e.name + s.markers.front() + ")";
    return false;
  }
  const std::int64_t now = clock_.now();
  const std::int64_t since = store_.ledger().observe(feed_.name, e.name, e.size, e.mtime, now);
  const std::int64_t unchanged = now - since;
  if (unchanged >= s.stable_for.count()) return true;
  why = "unchanged for " + std::to_string(unchanged) + "s of the " +
        std::to_string(s.stable_for.count()) + "s stable_for";
  return false;
}

FetchResult FeedIntake::fetch() {
  FetchResult result;
  const SourceConfig& s = feed_.source;
  std::optional<Folder> staging;  // opened once a file is to be downloaded
  try {
    std::vector<DropEntry> all = with_retries("list", [&] { return drop_.list(); });
    // Set when a folder could not be listed: the others are still taken, and what was
    // observed of its files is kept for the next poll.
    std::string folder_error;
    if (!s.folders.empty()) {
      // A folder a night: its files are the drop's too, named "FOLDER/NAME", so a set in it
      // is gathered by the prefix "FOLDER/" and never mixes with another folder's files.
      for (const DropEntry& folder : with_retries("list", [&] { return drop_.folders(); })) {
        if (!s.takes_folder(folder.name)) continue;
        try {
          std::vector<DropEntry> inside =
              with_retries("list", [&] { return drop_.list_folder(folder.name); });
          all.insert(all.end(), std::make_move_iterator(inside.begin()),
                     std::make_move_iterator(inside.end()));
        } catch (const TransportError& e) {
          if (folder_error.empty()) folder_error = e.what();
        }
      }
    }
    fault_point("fetch.listed");
    std::vector<DropEntry> candidates;
    std::vector<std::string> names;
    for (const auto& e : all) {
      if (!matches_glob(s.pattern, drop_path_file(e.name)) || has_suffix(e.name, s.markers))
        continue;
      candidates.push_back(e);
      names.push_back(e.name);
    }
    if (folder_error.empty()) store_.ledger().forget_observations(feed_.name, names);
    // Oldest first, so that nights are ingested in the order they were delivered.
    const DropGrouping grouping =
        group_deliveries(candidates, set_layout_, [&](const DropEntry& e) {
          // A roster file a layout reads alone may have been taken alone (Clever's
          // students.csv, before tonight's schools.csv came).
          return store_.ledger().member_taken(feed_.name, e.name, e.size, e.mtime) ||
                 (reads_alone(*set_layout_) &&
                  store_.ledger().file(feed_.name, e.name, e.size, e.mtime).has_value());
        });
    for (const std::string& name : grouping.strangers) {
      log::debug("drop.not_a_set_file", {{"feed", feed_.name}, {"file", name}});
    }
    for (const DropDelivery& d : grouping.deliveries) {
      if (d.is_set) {
        fetch_set(d, all, staging, result);
      } else {
        fetch_file(d.files.front(), all, staging, result);
      }
    }
    result.error = folder_error;
  } catch (const Error& e) {
    // TransportError, or a StoreError (another process recorded the same file first).
    result.error = e.what();
  }
  // One line per change of state, not one per failed poll: a drop that is down all night logs
  // once when it goes down and once when it comes back.
  if (!result.error.empty() && result.error != last_error_) {
    log::error("drop.failed", {{"feed", feed_.name}, {"drop", s.where()}, {"error", result.error}});
  } else if (result.error.empty() && !last_error_.empty()) {
    log::info("drop.recovered", {{"feed", feed_.name}, {"drop", s.where()}});
  }
  last_error_ = result.error;
  return result;
}

SourceFile FeedIntake::new_record(const std::string& name, std::uint64_t size,
                                  std::int64_t mtime) const {
  SourceFile rec;
  rec.feed = feed_.name;
  rec.remote_name = name;
  rec.size = size;
  rec.mtime = mtime;
  rec.seen_at = utc_timestamp(clock_.now());
  return rec;
}

bool FeedIntake::repeat_of_earlier(SourceFile& rec, const std::vector<SourceMember>& members,
                                   FetchResult& result) {
  const auto earlier = store_.ledger().file_with_sha(feed_.name, rec.sha256);
  if (!earlier) return false;
  rec.status = "repeat";
  rec.repeat_of = earlier->id;
  rec.detail = "the same bytes as " + earlier->remote_name + " (file " +
               std::to_string(earlier->id) +
               (earlier->run_id ? ", run " + std::to_string(*earlier->run_id) : "") +
               "); not ingested again";
  rec.id = store_.ledger().add(rec, members);
  rec.member_count = members.size();
  log::warning("drop.repeat", {{"feed", feed_.name},
                               {"file", rec.remote_name},
                               {"repeat_of", std::to_string(earlier->id)},
                               {"sha256", rec.sha256}});
  if (earlier->status == "ingested") {
    after_take(rec);
  } else {
    rec.after_action = "kept until file " + std::to_string(earlier->id) + " is ingested";
  }
  store_.ledger().update(rec);
  result.events.push_back({FetchEvent::Kind::repeat, rec.remote_name, rec.detail, rec});
  return true;
}

void FeedIntake::fetch_file(const DropEntry& e, const std::vector<DropEntry>& all,
                            std::optional<Folder>& staging, FetchResult& result) {
  const SourceConfig& s = feed_.source;
  if (store_.ledger().file(feed_.name, e.name, e.size, e.mtime)) return;  // seen before
  std::string why;
  if (!ready(e, all, why)) {
    result.events.push_back({FetchEvent::Kind::waiting, e.name, why, std::nullopt});
    return;
  }
  SourceFile rec = new_record(e.name, e.size, e.mtime);
  if (e.size > s.max_bytes) {
    rec.status = "too_large";
    rec.detail = std::to_string(e.size) + " bytes, over max_bytes (" + std::to_string(s.max_bytes) +
                 "); not taken";
    rec.id = store_.ledger().add(rec);
    log::error("drop.too_large", {{"feed", feed_.name}, {"file", e.name}, {"detail", rec.detail}});
    result.events.push_back({FetchEvent::Kind::too_large, e.name, rec.detail, rec});
    return;
  }
  if (!staging) staging.emplace(held_folder(config_, "staging", feed_.name, true));
  const Folder& dir = *staging;
  std::optional<StagedFile> staged;
  try {
    staged.emplace(
        with_retries("download", [&] { return StagedFile::download(drop_, e, dir, s.max_bytes); }));
  } catch (const FileChangedError& err) {
    result.events.push_back({FetchEvent::Kind::waiting, e.name, err.what(), std::nullopt});
    return;
  }
  fault_point("fetch.downloaded");
  rec.sha256 = staged->sha256();
  if (repeat_of_earlier(rec, {}, result)) return;
  rec.status = "fetched";
  const std::string local_name = utc_timestamp_compact(clock_.now()) + "-" +
                                 std::to_string(e.mtime) + "-" + safe_local_name(e.name);
  rec.local_path = (dir.path() / local_name).string();
  rec.id = store_.ledger().add(rec);
  fault_point("fetch.recorded");
  staged->publish(local_name);
  fault_point("fetch.staged");
  log::info("drop.taken", {{"feed", feed_.name},
                           {"file", e.name},
                           {"bytes", std::to_string(staged->bytes())},
                           {"sha256", rec.sha256}});
  result.events.push_back({FetchEvent::Kind::taken, e.name, rec.local_path, rec});
}

void FeedIntake::fetch_set(const DropDelivery& d, const std::vector<DropEntry>& all,
                           std::optional<Folder>& staging, FetchResult& result) {
  const SourceConfig& s = feed_.source;
  const auto wait = [&](std::string why) {
    result.events.push_back({FetchEvent::Kind::waiting, d.name, std::move(why), std::nullopt});
  };
  if (!d.conflict.empty()) return wait(d.conflict);
  if (store_.ledger().file(feed_.name, d.name, d.size(), d.mtime())) return;  // seen before
  // Every file complete (stable, or marked), as one file would have to be. Each is looked at
  // (and its stable_for clock kept) even when an earlier one is not ready yet.
  std::string not_ready;
  for (const DropEntry& e : d.files) {
    std::string why;
    if (!ready(e, all, why) && not_ready.empty()) not_ready = e.name + ": " + why;
  }
  if (!not_ready.empty()) return wait(not_ready);
  if (!d.missing.empty()) {
    // A file the layout needs may still be on its way: the set waits for it, then is taken
    // without it so that the district hears why nothing was read (never as a roster without it).
    const std::int64_t now = clock_.now();
    std::int64_t since = 0;
    for (const DropEntry& e : d.files)
      since = std::max(since, store_.ledger().observe(feed_.name, e.name, e.size, e.mtime, now));
    const std::int64_t waited = now - since;
    std::string names;
    for (std::string_view m : d.missing)
      names += (names.empty() ? "" : ", ") + std::string(m);
    if (waited < s.incomplete_set_wait.count()) {
      return wait("the set has no " + names + " yet; without it, it is taken and refused once " +
                  "unchanged for " + std::to_string(s.incomplete_set_wait.count()) +
                  "s (incomplete_set_wait; " + std::to_string(waited) + "s so far)");
    }
  }
  SourceFile rec = new_record(d.name, d.size(), d.mtime());
  std::vector<SourceMember> members;
  for (std::size_t i = 0; i < d.files.size(); ++i) {
    const DropEntry& e = d.files[i];
    members.push_back({e.name, d.local_names[i], e.size, e.mtime, {}});
  }
  const auto too_large = std::find_if(d.files.begin(), d.files.end(),
                                      [&](const DropEntry& e) { return e.size > s.max_bytes; });
  if (too_large != d.files.end()) {
    rec.status = "too_large";
    rec.detail = too_large->name + " is " + std::to_string(too_large->size) +
                 " bytes, over max_bytes (" + std::to_string(s.max_bytes) +
                 "); the set is not taken";
    rec.id = store_.ledger().add(rec, members);
    rec.member_count = members.size();
    log::error("drop.too_large", {{"feed", feed_.name}, {"file", d.name}, {"detail", rec.detail}});
    result.events.push_back({FetchEvent::Kind::too_large, d.name, rec.detail, rec});
    return;
  }
  if (!staging) staging.emplace(held_folder(config_, "staging", feed_.name, true));
  std::optional<StagedSet> staged;
  staged.emplace(*staging);
  std::vector<std::pair<std::string, std::string>> hashes;
  try {
    for (SourceMember& m : members) {
      const DropEntry& e = d.files[hashes.size()];
      m.sha256 = with_retries("download",
                              [&] { return staged->add(drop_, e, m.local_name, s.max_bytes); });
      hashes.emplace_back(m.local_name, m.sha256);
    }
  } catch (const FileChangedError& err) {
    return wait(err.what());
  }
  fault_point("fetch.downloaded");
  rec.sha256 = set_sha256(hashes);
  if (repeat_of_earlier(rec, members, result)) return;
  rec.status = "fetched";
  const std::string local_name = utc_timestamp_compact(clock_.now()) + "-" +
                                 std::to_string(d.mtime()) + "-" + safe_local_name(d.name);
  rec.local_path = (staging->path() / local_name).string();
  rec.id = store_.ledger().add(rec, members);
  rec.member_count = members.size();
  fault_point("fetch.recorded");
  try {
    staged->publish(local_name);
  } catch (const TransportError&) {
    // Its folder name is taken (the same set name and time): the record must not point there.
    store_.ledger().forget(rec.id);
    throw;
  }
  fault_point("fetch.staged");
  log::info("drop.taken", {{"feed", feed_.name},
                           {"file", d.name},
                           {"files", std::to_string(members.size())},
                           {"bytes", std::to_string(d.size())},
                           {"sha256", rec.sha256}});
  result.events.push_back({FetchEvent::Kind::taken, d.name, rec.local_path, rec});
}

std::string FeedIntake::tidy_remote(const std::string& name, std::uint64_t size,
                                    std::int64_t mtime) {
  const SourceConfig& s = feed_.source;
  // Only the version that was taken: if the SIS has since replaced the file, the new one is
  // tomorrow's roster and must not be deleted unread.
  const std::optional<DropEntry> now = with_retries("stat", [&] { return drop_.stat(name); });
  std::string done;
  if (!now) {
    // Gone already (a crash after the action, before the ledger heard of it; or someone
    // else): its markers still go, below.
    done = "already gone";
  } else if (now->size != size || now->mtime != mtime) {
    return "left: the file was replaced since it was taken; the new version is taken when "
           "complete";
  } else if (s.after == AfterTake::remove) {
    with_retries("delete", [&] { drop_.remove(name); });
    done = "deleted";
  } else {
    done = "moved to " + with_retries("move", [&] { return drop_.move(name, s.move_to); });
  }
  // Its markers go with it. (A marker left behind cannot mark the next version complete:
  // ready() wants a marker at least as new as the file.)
  if (s.ready_when == ReadyWhen::marker) {
    for (const auto& m : s.markers) {
      const std::string marker = name + m;
      try {
        if (!drop_.stat(marker)) continue;
        if (s.after == AfterTake::remove) {
          drop_.remove(marker);
        } else {
          drop_.move(marker, s.move_to);
        }
      } catch (const TransportError& e) {
        log::warning("drop.marker_left",
                     {{"feed", feed_.name}, {"file", marker}, {"error", e.what()}});
      }
    }
  }
  return done;
}

void FeedIntake::after_take(SourceFile& f) {
  const SourceConfig& s = feed_.source;
  if (s.after == AfterTake::keep) {
    f.after_action = "kept";
    return;
  }
  // A set's files each get the action (one failing does not stop the others), and the record
  // says what became of each.
  std::string done;
  std::string failure;
  if (!f.is_set()) {
    try {
      f.after_action = tidy_remote(f.remote_name, f.size, f.mtime);
    } catch (const TransportError& e) {
      failure = e.what();
      f.after_action = "failed: " + failure;
    }
  } else {
    for (const SourceMember& m : store_.ledger().members(f.id)) {
      std::string what;
      try {
        what = tidy_remote(m.remote_name, m.size, m.mtime);
      } catch (const TransportError& e) {
        if (failure.empty()) failure = e.what();
        what = std::string("failed: ") + e.what();
      }
      done += (done.empty() ? "" : "; ") + m.remote_name + ": " + what;
    }
    f.after_action = failure.empty() ? done : "failed: " + done;
  }
  if (failure.empty()) {
    // A folder a night goes once its files have: emptied, it is removed; anything else in it
    // (a file that is not the layout's, another set) keeps it, and nothing is deleted unread.
    if (const std::string_view folder = drop_path_folder(f.remote_name); !folder.empty()) {
      try {
        const bool gone =
            with_retries("delete", [&] { return drop_.remove_empty_folder(std::string(folder)); });
        f.after_action += "; " + std::string(folder) +
                          (gone ? "/: removed" : "/: kept, it still holds other files");
      } catch (const TransportError& e) {
        f.after_action += "; " + std::string(folder) + "/: kept (" + e.what() + ")";
      }
    }
  }
  if (!failure.empty()) {
    // The run stands: the ledger already says the file was taken, so it is not taken again.
    log::error("drop.after_failed",
               {{"feed", feed_.name}, {"file", f.remote_name}, {"error", failure}});
    if (mailer_ != nullptr) {
      // The run stands; the file stays in the drop and someone must look at why (a link where
      // move_to should be is refused, never followed). Once per ledger record.
      const std::string name = display_safe(f.remote_name);
      mailer_->alert_failure(feed_, "file:" + std::to_string(f.id) + ":after",
                             "[rosterd] " + feed_.name + " " + to_iso(utc_date(clock_.now())) +
                                 ": ATTENTION — " + name + " was left in the drop",
                             "The file " + name + " was taken (ledger record " +
                                 std::to_string(f.id) +
                                 (f.run_id ? ", run " + std::to_string(*f.run_id) : std::string()) +
                                 "), but source.after could not be applied to it in " +
                                 drop_.where() + ":\n\n" + display_safe(failure) +
                                 "\n\nThe file will not be taken again (the ledger knows it).\n");
    }
  }
}

std::vector<IntakeRun> FeedIntake::ingest_pending(std::size_t threads, CivilDate as_of) {
  std::vector<IntakeRun> runs;
  std::vector<SourceFile> pending = store_.ledger().pending(feed_.name);
  // In delivery order, so that an older night never lands on top of a newer one.
  std::stable_sort(pending.begin(), pending.end(),
                   [](const SourceFile& a, const SourceFile& b) { return a.mtime < b.mtime; });
  for (SourceFile f : pending) {
    IntakeRun r;
    std::error_code ec;
    // A file whose run finished before a crash, or whose archiving and after-action a crash
    // cut short, only needs those finished: it is not run again.
    const bool done =
        f.status == "ingested" || f.status == "checked" || (f.run_state && finished(*f.run_state));
    const bool staged_copy = f.is_set() ? std::filesystem::is_directory(f.local_path, ec)
                                        : std::filesystem::is_regular_file(f.local_path, ec);
    if (!done && !staged_copy) {
      // The staged copy is gone before its run finished (a crash between the ledger and the
      // rename): forget the record, and any repeat of it, so the file is fetched again.
      store_.ledger().forget(f.id);
      log::warning("drop.staged_copy_lost", {{"feed", feed_.name}, {"file", f.remote_name}});
      continue;
    }
    if (!done) {
      if (const auto held = store_.runs().held_delta(feed_.name)) {
        // A delta's changes are relative to the roster it was planned on: nothing may commit
        // past a held one (it could then never be approved), so later deliveries wait.
        log::info("drop.waiting_for_held_delta",
                  {{"feed", feed_.name}, {"run", std::to_string(*held)}, {"file", f.remote_name}});
        break;
      }
      if (f.attempts >= kMaxRunAttempts) {
        f.status = "failed";
        f.detail = "its run failed " + std::to_string(f.attempts) + " times" +
                   (f.run_id ? "; see run " + std::to_string(*f.run_id) : "") +
                   ". Fix the cause, then ingest " + f.local_path + " by hand";
        store_.ledger().update(f);
        log::error("drop.file_failed", {{"feed", feed_.name}, {"file", f.remote_name}});
        r.error = f.detail;
        r.file = f;
        runs.push_back(std::move(r));
        continue;  // given up: later files may go on
      }
      store_.ledger().note_attempt(f.id);
      try {
        // This worker runs a file: with all of them so, the service is busy.
        std::optional<FeedShares::RunScope> running;
        if (shares_ != nullptr) running.emplace(*shares_);
        r.outcome = ingest_file(feed_, store_, f.local_path, threads, as_of,
                                DropOrigin{f.id, f.remote_name}, mailer_);
      } catch (const Error& e) {
        r.error = e.what();
        r.file = *store_.ledger().file(f.id);
        runs.push_back(std::move(r));
        // Later files wait: running them now could put an older roster after a newer one.
        break;
      }
    }
    // Record where the copy goes before moving it: a crash from here on leaves a record that
    // is `ingested` with no after-action yet, which the next poll finishes (never runs again).
    std::optional<Folder> archive;
    try {
      archive.emplace(held_folder(config_, "archive", feed_.name, true));
    } catch (const FolderError& e) {
      // The copy stays in staging, where the ledger keeps pointing; the run stands.
      log::error("archive.failed", {{"feed", feed_.name}, {"error", e.what()}});
    }
    // No run in this poll (a failed run stopped the loop above): only its end is finished here.
    const bool resumed = !r.outcome;
    if (resumed) log::info("drop.resumed", {{"feed", feed_.name}, {"file", f.remote_name}});
    // Where the staged copy is: the record says, until it says where the copy goes.
    const bool moved_on = f.status == "ingested" || f.status == "checked";
    const std::filesystem::path staged =
        moved_on ? staging_dir(config_, feed_.name) / std::filesystem::path(f.local_path).filename()
                 : std::filesystem::path(f.local_path);
    if (!moved_on) {
      // A live feed's run commits nothing only while the feed is paused (a person's pause, a
      // blackout): its file was checked, not ingested, so the same bytes sent after the pause
      // are no repeat of it and are committed then.
      const std::optional<RunState> state =
          r.outcome ? std::optional<RunState>(run_state_of(r.outcome->decision.decision))
                    : f.run_state;
      f.status =
          feed_.mode == FeedMode::live && state == RunState::dry_run ? "checked" : "ingested";
      if (archive) f.local_path = (archive->path() / staged.filename()).string();
      store_.ledger().update(f);
      fault_point("file.ingested");
    }
    if (archive && staged != f.local_path) archive_staged_copy(staged, *archive);
    fault_point("file.archived");
    after_take(f);
    fault_point("file.after_action");
    store_.ledger().update(f);
    if (resumed) continue;
    r.file = *store_.ledger().file(f.id);
    runs.push_back(std::move(r));
  }
  settle_repeats();
  return runs;
}

void FeedIntake::archive_staged_copy(const std::filesystem::path& staged, const Folder& archive) {
  const std::string name = staged.filename().string();
  try {
    // The staging folder of this state_dir is opened as the archive is, link by link; a copy
    // staged under an earlier state_dir is reached where the ledger says.
    const Folder from = staged.parent_path() == staging_dir(config_, feed_.name)
                            ? held_folder(config_, "staging", feed_.name, false)
                            : Folder::open(staged.parent_path());
    from.move_replacing(name, archive, name);
    archive.sync();
  } catch (const FolderError& e) {
    if (e.kind() == FolderError::Kind::missing) return;  // moved before a crash
    log::error("archive.failed", {{"feed", feed_.name}, {"file", name}, {"error", e.what()}});
  }
}

void FeedIntake::settle_repeats() {
  for (SourceFile r : store_.ledger().unsettled_repeats(feed_.name)) {
    const auto original = r.repeat_of ? store_.ledger().file(*r.repeat_of) : std::nullopt;
    if (original && (original->status == "ingested" || original->status == "checked")) {
      after_take(r);
    } else if (r.after_action.empty()) {
      r.after_action =
          "kept until file " + std::to_string(r.repeat_of.value_or(0)) + " is ingested";
    } else {
      continue;  // still waiting for its original
    }
    store_.ledger().update(r);
  }
}

void FeedIntake::tidy() {
  // File times are the system clock's, so the cutoff is too (not a test's clock).
  const std::int64_t cutoff = SystemClock().now() - std::int64_t{86400} * config_.archive_keep_days;
  try {
    remove_stale_parts(held_folder(config_, "staging", feed_.name, false));
  } catch (const FolderError& e) {
    if (e.kind() != FolderError::Kind::missing)
      log::warning("staging.tidy_failed", {{"feed", feed_.name}, {"error", e.what()}});
  }
  try {
    // Held, not followed: an archive folder turned into a link must not make rosterd delete old
    // files wherever it points.
    const Folder archive = held_folder(config_, "archive", feed_.name, false);
    for (const FolderFile& f : archive.files()) {
      if (f.mtime >= cutoff) continue;
      if (archive.remove_file(f.name))
        log::info("archive.expired", {{"feed", feed_.name}, {"file", f.name}});
    }
    for (const FolderFile& f : archive.folders()) {  // sets
      if (f.mtime >= cutoff) continue;
      try {
        if (archive.remove_folder(f.name))
          log::info("archive.expired", {{"feed", feed_.name}, {"file", f.name}});
      } catch (const FolderError& e) {
        // One folder that cannot go (something put a folder in it) keeps no other from going.
        log::warning("archive.tidy_failed", {{"feed", feed_.name}, {"error", e.what()}});
      }
    }
  } catch (const FolderError& e) {
    if (e.kind() != FolderError::Kind::missing)
      log::warning("archive.tidy_failed", {{"feed", feed_.name}, {"error", e.what()}});
  }
}

}  // namespace rosterd
