#include "ops/console_views.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/secret.h"
#include "ops/identity_actions.h"
#include "ops/run_actions.h"

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
  add_store_facts(config, wanted);
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

RunSummary run_summary(RosterStore& store, std::int64_t id) {
  const auto run = store.runs().get(id);
  if (!run)
    throw NotFoundError(NotFoundError::What::run, "there is no run " + std::to_string(id) + ".");
  RunSummary s;
  s.run = *run;
  s.actions = store.actions().for_run(id);
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
  const PrivateFile file(config.state_dir / "uploads", bytes);
  CheckResult result = check_roster(feed, file.path(), options);
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

}  // namespace rosterd
