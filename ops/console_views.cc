#include "ops/console_views.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "config/config_values.h"
#include "core/secret.h"
#include "core/text.h"
#include "core/utf8.h"
#include "ops/identity_actions.h"
#include "ops/run_actions.h"
#include "parsers/roster_set.h"
#include "parsers/zip_archive.h"

namespace rosterd {
namespace {

std::string hh_mm(int minutes) {
  const auto two = [](int v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  return two(minutes / 60) + ":" + two(minutes % 60);
}

// A file only this process can read, removed when the check is done, whatever happens.
class PrivateFile {
 public:
  PrivateFile(const std::filesystem::path& dir, std::string_view bytes) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    path_ = dir / ("upload-" + random_key(12));
    const int fd =
        ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
      throw UnavailableError("cannot write the uploaded file to " + dir.string() + ": " +
                             std::strerror(errno) + ". Check state_dir.");
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = errno;
        ::close(fd);
        std::filesystem::remove(path_, ec);
        throw UnavailableError("cannot write the uploaded file to " + dir.string() + ": " +
                               std::strerror(err) + ".");
      }
      done += static_cast<std::size_t>(n);
    }
    ::close(fd);
  }
  ~PrivateFile() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  PrivateFile(const PrivateFile&) = delete;
  PrivateFile& operator=(const PrivateFile&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::vector<FeedOverview> feed_overview(RosterStore& store, const Config& config,
                                        const std::vector<FeedStatus>& statuses,
                                        const std::vector<std::string>& feeds) {
  std::vector<FeedOverview> out;
  std::vector<FeedStatus> wanted;
  for (const std::string& name : feeds) {
    FeedStatus s;
    s.feed = name;
    for (const FeedStatus& given : statuses)
      if (given.feed == name) s = given;
    wanted.push_back(std::move(s));
  }
  add_store_facts(config, store, wanted);  // the caller's store: no second connection a page
  for (FeedStatus& s : wanted) {
    FeedOverview o;
    o.feed = s.feed;
    const auto history = store.runs().history(s.feed, 1);
    if (!history.empty()) o.last_run = history.front();
    o.open_alerts = 0;
    for (const AlertRecord& a : store.identity().alerts(s.feed, false))
      if (a.status == AlertStatus::open) ++o.open_alerts;
    const auto it = config.feeds.find(s.feed);
    if (it != config.feeds.end() && it->second.schedule.expect_by) {
      o.next_expected = "by " + hh_mm(*it->second.schedule.expect_by) + " " +
                        (it->second.schedule.timezone.empty() ? std::string("local time")
                                                              : it->second.schedule.timezone);
    }
    o.status = std::move(s);
    out.push_back(std::move(o));
  }
  return out;
}

RunSummary run_summary(RosterStore& store, const Config& config, std::int64_t id) {
  const auto run = store.runs().get(id);
  if (!run)
    throw NotFoundError(NotFoundError::What::run, "there is no run " + std::to_string(id) + ".");
  RunSummary s;
  s.run = *run;
  s.actions = store.actions().for_run(id);
  const auto feed = config.feeds.find(run->feed);
  const CodeTranslator* campuses = feed != config.feeds.end() && feed->second.reference.campuses
                                       ? &*feed->second.reference.campuses
                                       : nullptr;
  for (CampusCounts& c : store.runs().campuses(id)) {
    std::string name;
    if (campuses != nullptr && campuses->table().contains(c.campus))
      name = campuses->table().name(c.campus);
    s.schools.emplace_back(std::move(c), std::move(name));
  }
  s.kinds = store.entities().counts(id);
  s.kind_discrepancies = store.entities().discrepancies(id, RunSummary::kKindDiscrepanciesShown,
                                                        s.kind_discrepancy_count);
  std::size_t matching = 0;
  store.pages().discrepancies(id, {}, 0, 0, matching);
  s.discrepancies = matching;
  if (run->state == RunState::refused) {
    // A refused run records its refusal and nothing else of the file.
    for (const Discrepancy& d : store.runs().discrepancies(id))
      if (is_file_level(d.code)) s.refusal = d;
  }
  return s;
}

DiscrepancyPage discrepancy_page(RosterStore& store, std::int64_t run,
                                 const DiscrepancyFilter& filter, std::size_t offset,
                                 std::size_t limit) {
  DiscrepancyPage p;
  p.rows = store.pages().discrepancies(run, filter, offset, limit, p.matching);
  return p;
}

std::vector<Change> change_page(RosterStore& store, std::int64_t run, const ChangeFilter& filter,
                                std::size_t offset, std::size_t limit) {
  return store.pages().changes(run, filter, offset, limit);
}

CheckResult check_upload(RosterStore& store, const Config& config, const FeedConfig& feed,
                         const std::string& file_name, std::string_view bytes,
                         const RosterFileOptions& options, const Actor& by) {
  const FormatPreset* preset = find_format_preset(feed.format.preset);
  if (preset != nullptr && is_set_layout(*preset) && !reads_alone(*preset) &&
      !looks_like_zip(bytes.substr(0, 4))) {
    throw Error(display_safe(file_name) + " is one file, but feed " + feed.name +
                " takes a set of files (" + std::string(preset->title) +
                "): upload the set as one zip file holding them all.");
  }
  const PrivateFile file(config.state_dir / "uploads", bytes);
  // A delta is completed from the committed roster, as its ingest would be.
  CheckResult result = check_roster(feed, file.path(), options, &store);
  result.file.name = file_name;
  store.actions().record(by, "check", feed.name, std::nullopt, std::nullopt,
                         "test file of " + std::to_string(bytes.size()) + " bytes, " +
                             std::to_string(result.counts.rows_read) + " rows read, " +
                             std::to_string(result.counts.rows_rejected) + " rejected");
  return result;
}

void record_sync(RosterStore& store, const std::string& feed, const SyncNowAnswer& answer,
                 const Actor& by) {
  store.actions().record(by, "sync", feed, std::nullopt, std::nullopt, answer.message);
}

std::map<std::string, FeedCounts> feed_counts(RosterStore& store) {
  return store.pages().feed_counts();
}

std::vector<MailListView> mail_lists(RosterStore& store, const FeedConfig& feed) {
  std::vector<MailListView> out = {
      {"qa_report", "QA report of every run, before it commits", feed.notify.qa_report, false, "",
       ""},
      {"held", "Runs held for approval", feed.notify.held, false, "", ""},
      {"failures", "Failures: the drop, a file, delivery, a missing or stale file",
       feed.notify.failures, false, "", ""}};
  for (const auto& [campus, lists] : feed.campus_notify) {
    out.push_back({"campus:" + campus + ":qa_report", "School " + campus + ": QA report",
                   lists.qa_report, false, "", ""});
    out.push_back({"campus:" + campus + ":held", "School " + campus + ": held runs", lists.held,
                   false, "", ""});
  }
  const auto stored = store.mail_lists().for_feed(feed.name);
  for (MailListView& v : out) {
    const auto it = stored.find(v.kind);
    if (it == stored.end()) continue;
    v.addresses = it->second.addresses;
    v.set_in_console = true;
    v.changed = it->second.changed;
    v.changed_by = it->second.changed_by;
  }
  return out;
}

namespace {

void require_kind(RosterStore& store, const FeedConfig& feed, const std::string& kind) {
  for (const MailListView& v : mail_lists(store, feed))
    if (v.kind == kind) return;
  throw UsageError("feed " + feed.name + " has no mail list \"" + kind + "\".");
}

}  // namespace

void set_mail_list(RosterStore& store, const FeedConfig& feed, const std::string& kind,
                   const std::string& text, const Actor& by) {
  require_kind(store, feed, kind);
  std::vector<std::string> addresses;
  std::string current;
  const auto take = [&] {
    std::string a(trim(current));
    current.clear();
    if (a.empty()) return;
    if (a.size() > 254 || !plausible_address(a))
      throw UsageError("\"" + a + "\" is not an email address. Give one address a line.");
    if (std::find(addresses.begin(), addresses.end(), a) == addresses.end()) addresses.push_back(a);
  };
  for (const char c : text) {
    if (c == '\n' || c == ',' || c == ';' || c == '\r') {
      take();
    } else {
      current += c;
    }
  }
  take();
  if (addresses.size() > 50) throw UsageError("a list takes at most 50 addresses.");
  store.mail_lists().set(feed.name, kind, addresses, by);
}

void reset_mail_list(RosterStore& store, const FeedConfig& feed, const std::string& kind,
                     const Actor& by) {
  require_kind(store, feed, kind);
  store.mail_lists().reset(feed.name, kind, by);
}

}  // namespace rosterd
