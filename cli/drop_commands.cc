// `rosterd fetch` and `rosterd run --once`: the daemon's cycle, one feed or all, run by hand.
#include <algorithm>
#include <optional>
#include <thread>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/exit_status.h"
#include "cli/poll_output.h"
#include "core/civil_date.h"
#include "core/log.h"
#include "core/sha256.h"
#include "core/text.h"
#include "core/utf8.h"
#include "ops/feed_polls.h"
#include "pipeline/feed_intake.h"
#include "pipeline/feed_lock.h"
#include "pipeline/feed_poll.h"
#include "pipeline/mailer.h"
#include "service/service.h"

namespace rosterd {
int run_fetch_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("fetch"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty()) throw UsageError("fetch takes no file. Usage: " + usage);
  const Config config = load_config_option(cl, usage);
  const FeedConfig& feed = config.feed(cl.value("--feed").value_or(""));
  const FeedFetch r = fetch_feed(config, feed, cl.flag("--wait"));
  if (!r.skipped.empty()) {
    out << feed.name << ": " << r.skipped << "; nothing done\n";
    return kExitClean;
  }
  return print_fetch(out, feed, r.fetched);
}

int run_run_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("run"));
  const std::string usage = cl.usage();
  if (!cl.flag("--once")) {
    // The long-running service (systemd): polls every feed on its schedule until stopped. Its
    // log level: --log-level, else ROSTERD_LOG_LEVEL, else service.log_level (default info).
    const Config config = load_config_option(cl, usage);
    log::Level level = log::Level::info;
    log::parse_level(config.log_level, level);
    if (const char* lvl = std::getenv("ROSTERD_LOG_LEVEL")) log::parse_level(lvl, level);
    if (const auto flag = log_level_flag()) level = *flag;
    log::set_level(level);
    require_writable_state_dir(config);
    return run_service({config.file, threads_option(cl)});
  }
  const std::string format = format_option(cl);
  const std::size_t threads = threads_option(cl);
  const CivilDate as_of = as_of_option(cl);
  const Config config = load_config_option(cl, usage);
  std::vector<const FeedConfig*> feeds;
  if (const auto name = cl.value("--feed")) {
    feeds.push_back(&config.feed(*name));
  } else {
    for (const auto& [feed_name, feed] : config.feeds) {
      if (feed.source.kind != SourceKind::none) feeds.push_back(&feed);
    }
    if (feeds.empty()) {
      throw UsageError("no feed in " + config.file.string() +
                       " has a source (source.sftp or source.local); nothing to poll.");
    }
  }
  int status = kExitClean;
  poll_feeds_once(config, feeds, {threads, as_of, cl.flag("--wait"), true},
                  [&](const FeedPoll& each) {
                    if (!each.skipped.empty()) {
                      out << each.feed->name << ": " << each.skipped << "; skipped this time\n";
                      return;
                    }
                    status = worse(status, print_poll(out, config, *each.feed, each.poll, format));
                  });
  return status;
}

int run_files_command(const std::vector<std::string>& args, std::ostream& out) {
  const CommandLine cl(args, command_spec("files"));
  const std::string usage = cl.usage();
  if (!cl.positional().empty()) throw UsageError("files takes no file. Usage: " + usage);
  const std::size_t last = last_option(cl, 20, "files");
  const Config config = load_config_option(cl, usage);
  const std::string feed = cl.value("--feed").value_or("");
  if (!feed.empty()) config.feed(feed);  // refuses an unknown feed name
  const auto store = open_store(config);
  const auto files = drop_files(*store, feed, last);
  if (files.empty())
    out << "No files taken yet" << (feed.empty() ? "" : " for feed " + feed) << ".\n";
  for (const SourceFile& f : files) {
    out << "file " << f.id << "  " << f.seen_at << "  " << f.feed << "  " << f.status << "  "
        << display_safe(f.remote_name) << "  " << group_thousands(f.size) << " bytes";
    if (!f.sha256.empty()) out << "  sha256 " << f.sha256.substr(0, 16);
    if (f.run_id && f.run_state)
      out << "  run " << *f.run_id << " (" << run_state_name(*f.run_state) << ")";
    if (!f.detail.empty()) out << "\n    " << display_safe(f.detail);
    if (!f.after_action.empty()) out << "\n    in the drop: " << display_safe(f.after_action);
    out << '\n';
  }
  return kExitClean;
}

}  // namespace rosterd
