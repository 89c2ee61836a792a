// What the district console shows and does beyond the CLI's operations (docs/console.md): a
// feed at a glance, a run a page at a time, a test file uploaded through the browser, and the
// counts behind /metrics. The console renders these; it reads nothing else.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "ops/feed_status.h"
#include "ops/roster_files.h"
#include "store/roster_store.h"

namespace rosterd {

// One feed on the console's front page.
struct FeedOverview {
  std::string feed;
  FeedStatus status;                  // the service's view, with the store's facts
  std::optional<RunRecord> last_run;  // the newest entry of its history
  std::size_t open_alerts = 0;
  // When the next file is expected (schedule.expect_by, in the feed's zone), in words; empty
  // without a deadline.
  std::string next_expected;
};
// `statuses` is what the service knows of the feeds it polls (by feed); feeds it does not poll
// get an empty status. Only `feeds` are read.
std::vector<FeedOverview> feed_overview(RosterStore& store, const Config& config,
                                        const std::vector<FeedStatus>& statuses,
                                        const std::vector<std::string>& feeds);

// One run without its rows: the record, who decided about it, and its discrepancy counts.
struct RunSummary {
  RunRecord run;
  std::vector<ActionRecord> actions;
  std::size_t discrepancies = 0;  // row-level ones
  std::optional<Discrepancy> refusal;
  // Its counts by school, each with the school's name from the feed's campus table ("" when
  // the table has none, or the feed is no longer configured).
  std::vector<std::pair<CampusCounts, std::string>> schools;
  // Each other kind's counts (kinds:; docs/whole-roster.md), in kind order; empty for a run of
  // students alone.
  std::vector<KindRunCounts> kinds;
  // The first kKindDiscrepanciesShown of their discrepancies (`kind` set), and how many there are.
  static constexpr std::size_t kKindDiscrepanciesShown = 200;
  std::vector<Discrepancy> kind_discrepancies;
  std::size_t kind_discrepancy_count = 0;
};
// Throws NotFoundError when there is no run `id`.
RunSummary run_summary(RosterStore& store, const Config& config, std::int64_t id);

struct DiscrepancyPage {
  std::vector<Discrepancy> rows;
  std::size_t matching = 0;  // how many match the filter, over every page
};
DiscrepancyPage discrepancy_page(RosterStore& store, std::int64_t run,
                                 const DiscrepancyFilter& filter, std::size_t offset,
                                 std::size_t limit);
std::vector<Change> change_page(RosterStore& store, std::int64_t run, const ChangeFilter& filter,
                                std::size_t offset, std::size_t limit);

// A test import of bytes a person uploaded: written to a private file under state_dir (0600),
// checked with the feed's rules as `rosterd check` does, and removed; nothing is committed or
// kept but the line in the action log. The result names the file as uploaded. A feed whose
// layout is a set of files takes the set as one zip: one other file is refused (Error) saying so,
// unless the layout's roster file is a whole delivery alone (Clever's students.csv).
CheckResult check_upload(RosterStore& store, const Config& config, const FeedConfig& feed,
                         const std::string& file_name, std::string_view bytes,
                         const RosterFileOptions& options, const Actor& by);

// Records that `by` asked for a sync of `feed` now, and the service's answer.
void record_sync(RosterStore& store, const std::string& feed, const SyncNowAnswer& answer,
                 const Actor& by);

std::map<std::string, FeedCounts> feed_counts(RosterStore& store);

// One of a feed's mail lists as it stands: set in the console, or the configuration's.
struct MailListView {
  std::string kind;   // "qa_report", "held", "failures", "campus:101:qa_report", ...
  std::string label;  // in a coordinator's words: "QA report of every run", ...
  std::vector<std::string> addresses;
  bool set_in_console = false;
  std::string changed, changed_by;  // when set in the console
};
// The feed's lists: its three, and each school's the configuration names.
std::vector<MailListView> mail_lists(RosterStore& store, const FeedConfig& feed);
// Sets one list from `text` (addresses one a line, or separated by commas; empty: nobody).
// Throws UsageError naming an address that is not one, a kind the feed has not, or more than
// 50 addresses.
void set_mail_list(RosterStore& store, const FeedConfig& feed, const std::string& kind,
                   const std::string& text, const Actor& by);
// Back to the configuration's list.
void reset_mail_list(RosterStore& store, const FeedConfig& feed, const std::string& kind,
                     const Actor& by);

}  // namespace rosterd
