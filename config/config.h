// rosterd's configuration: one YAML file, validated whole at start-up (conf/rosterd.example.yaml
// documents every key). Relative paths in it resolve against the file's own folder.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/console_section.h"
#include "notify/qa_report_mail.h"
#include "notify/smtp_sender.h"
#include "parsers/roster_format.h"
#include "planner/feed_rules.h"
#include "planner/identity_policy.h"
#include "planner/policy.h"
#include "planner/rollover.h"
#include "store/pg_db.h"
#include "transport/sftp_drop.h"
#include "validators/check_options.h"
#include "validators/code_translator.h"
#include "validators/kind_check.h"

namespace rosterd {

enum class FeedMode { live, test };

enum class StoreKind { sqlite, postgresql };

// Where committed rosters live (store.sqlite or store.postgresql; docs/store.md).
struct StoreConfig {
  StoreKind kind = StoreKind::sqlite;
  std::filesystem::path sqlite;
  std::string conninfo;                 // libpq's, without a password
  std::filesystem::path password_file;  // the password's file; empty: libpq's own ways
  // A connection of rosterd's idle inside a transaction this long is closed by the server
  // (store.postgresql.stalled_after), so that a stalled instance holds the others up no longer.
  std::chrono::seconds stalled_after = kStalledAfterDefault;
};

enum class SourceKind { none, local, sftp };
// When a file in the drop counts as complete.
enum class ReadyWhen {
  stable,  // its size and mtime have not changed for stable_for
  marker,  // a companion marker (NAME.done, NAME.ok) is there
};
// What happens to a file in the drop once its run has finished.
enum class AfterTake { keep, move, remove };

// Where a feed's files come from (source.sftp or source.local).
struct SourceConfig {
  SourceKind kind = SourceKind::none;
  std::filesystem::path local_dir;
  SftpOptions sftp;  // sftp.dir is the remote folder
  std::string pattern = "*";
  // Which folders of the drop are deliveries too (a folder a night: "20*"), a glob on the
  // folder's name; their files are taken as the drop's own are, named "FOLDER/NAME". Empty: no
  // folder is looked into (a drop's other folders, an archive of old nights, are never read).
  std::string folders;
  std::chrono::seconds stable_for{60};
  // A set of files (a set layout) lacking a file the layout needs is taken, and refused, only
  // once its files have been unchanged this long: until then the missing file may still come.
  std::chrono::seconds incomplete_set_wait{3600};
  ReadyWhen ready_when = ReadyWhen::stable;
  std::vector<std::string> markers = {".done", ".ok"};
  AfterTake after = AfterTake::keep;
  std::string move_to;
  std::uint64_t max_bytes = std::uint64_t{1} << 30;
  std::size_t max_listing = kDefaultMaxListing;  // entries a listing may have
  unsigned attempts = 3;                         // tries per poll when the drop cannot be reached
  std::chrono::seconds retry_backoff{2};         // before the second try; doubles each time

  // Where the drop is, for messages.
  std::string where() const;
  // The drop's folder that a relative move_to moves files into ("processed" of
  // "processed/2026"), or "" (no move, or an absolute move_to).
  std::string move_to_folder() const;
  // Whether the drop's folder `name` is a delivery: it matches `folders`, and is not the
  // folder move_to fills (whose files were taken already).
  bool takes_folder(std::string_view name) const;
};

// Who is told what, by email (feeds.NAME.notify).
struct NotifyLists {
  std::vector<std::string> qa_report;  // every run's QA report, before it commits
  std::vector<std::string> held;       // runs waiting for approval
  std::vector<std::string> failures;   // transfer, parse and delivery failures
};

// How the QA report is handled (feeds.NAME.report).
struct ReportPolicy {
  PiiLevel pii = PiiLevel::minimal;
  // A run whose report is still undelivered after this long stays held for a person.
  std::chrono::seconds deliver_within{30 * 60};
  // false: a run commits even when its report cannot be delivered.
  bool required = true;
  // The console links in the district's mail work this long (a decision through one, once).
  std::chrono::seconds links_valid_for{72 * 3600};
  // A run still held this long after it ran is mailed to its approvers again, once a day until
  // someone decides. Zero: never.
  std::chrono::seconds remind_after{24 * 3600};
  // Whom the district asks, named in its mail when there is no console ("Jo Park
  // <jo@vendor.example>"); empty: "your platform vendor".
  std::string contact;
};

// When the service polls a feed (feeds.NAME.schedule).
struct ScheduleConfig {
  std::chrono::seconds poll_every{60};
  // A file is expected by this local time (minutes after midnight) on `expect_days`; none
  // taken that day by then sends one "missing file" alert. Unset: no deadline.
  std::optional<int> expect_by;
  std::string timezone;  // IANA name; empty: the machine's local zone
  std::array<bool, 7> expect_days{true, true, true, true, true, true, true};  // Sunday first
  // Files keep coming but carry the same bytes as the last one ingested for this long: one
  // "stale feed" alert. Zero: off.
  std::chrono::seconds stale_after{0};
};

struct FeedConfig {
  std::string name;
  FeedMode mode = FeedMode::live;
  RosterFormat format = RosterFormat::default_layout();
  CheckOptions checks;
  ReferenceSet reference;
  Policy policy;
  // `school_year: {rollover: ...}` (docs/school-year.md); unset: no rollover window.
  std::optional<RolloverConfig> rollover;
  // `school_year.blackout`: windows in which nothing commits (files are taken, checked and
  // reported as test imports) and no missing-file alert is sent.
  std::vector<YearlyWindow> blackout;
  // `expect: {students: ...}`: the first live set is held when its count is outside it.
  std::optional<ExpectedCount> expect_students;
  // `expect:` for the other kinds the feed takes: each kind's first load is held outside it.
  std::map<EntityKind, ExpectedCount> expect_kinds;
  // `kinds:` the roster's other kinds the feed takes (staff, sections, ...: docs/whole-roster.md);
  // with any, every delivery is a set of files, taken together.
  RosterKinds kinds;
  SourceConfig source;
  NotifyLists notify;
  ReportPolicy report;
  ScheduleConfig schedule;
  IdentityPolicy identity;
  // `scope:` and `import:` (docs/feed-rules.md).
  FeedRules rules;
  // `per_campus:` a school's own thresholds and QA lists, by platform campus code.
  std::map<std::string, CampusPolicy, std::less<>> campus_policies;
  std::map<std::string, NotifyLists, std::less<>> campus_notify;
};

struct Config {
  std::filesystem::path file;
  StoreConfig store;
  SmtpOptions smtp;  // smtp.url empty: no mail at all
  // Staging and archive folders live here (staging/FEED, archive/FEED).
  std::filesystem::path state_dir;
  int archive_keep_days = 30;
  // The service: polls of different feeds that may run at once (service.workers).
  std::size_t workers = 2;
  // The service's log level (service.log_level): debug, info (default), warning or error.
  // ROSTERD_LOG_LEVEL and --log-level override it.
  std::string log_level = "info";
  // A poll that makes no progress (no bytes received, no rows parsed) for this long is stuck:
  // the service stops pinging systemd's watchdog, which restarts it (service.stuck_after).
  std::chrono::seconds stuck_after{2 * 3600};
  // The district console (console:); served by `rosterd run` when enabled.
  ConsoleConfig console;
  std::map<std::string, FeedConfig, std::less<>> feeds;

  // The feed called `name`; with an empty name, the only feed when there is just one.
  // Throws UsageError naming the feeds there are.
  const FeedConfig& feed(std::string_view name) const;
};

// Loads and validates the file, its reference tables and code maps. Throws ConfigError with
// "FILE:LINE: key.path: what is wrong. What to do." for the first problem found.
Config load_config(const std::filesystem::path& path);

// The state folder a configuration file names (state_dir, or "state" beside the file), read
// leniently: for `rosterd status` to find the running service's socket when the file no longer
// loads (a reload would fail; the service runs on what it loaded before). Reads the top-level
// `state_dir:` line when the YAML itself is broken. Throws ConfigError when the file cannot be
// read at all.
std::filesystem::path state_dir_of(const std::filesystem::path& config_file);

// The same from YAML text; `display_name` names it in messages and `base_dir` anchors relative
// paths.
Config parse_config(std::string_view yaml, const std::string& display_name,
                    const std::filesystem::path& base_dir);

}  // namespace rosterd
