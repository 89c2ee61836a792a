#include "pipeline/feed_poll.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/civil_date.h"
#include "core/local_time.h"
#include "core/log.h"
#include "core/sha256.h"
#include "core/text.h"
#include "core/utf8.h"
#include "pipeline/run_mail.h"

namespace rosterd {

// Waits until the files now waiting for stable_for could be stable, polling again; at most
// stable_for + 5 s in all.
FetchResult fetch_waiting(FeedIntake& intake, const FeedConfig& feed) {
  FetchResult all = intake.fetch();
  const auto deadline =
      std::chrono::steady_clock::now() + feed.source.stable_for + std::chrono::seconds(5);
  while (std::any_of(all.events.begin(), all.events.end(),
                     [](const FetchEvent& e) { return e.kind == FetchEvent::Kind::waiting; }) &&
         all.error.empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    FetchResult next = intake.fetch();
    std::erase_if(all.events,
                  [](const FetchEvent& e) { return e.kind == FetchEvent::Kind::waiting; });
    for (auto& e : next.events)
      all.events.push_back(std::move(e));
    all.error = next.error;
  }
  return all;
}

namespace {

std::string hh_mm(int minutes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minutes / 60, minutes % 60);
  return buf;
}

}  // namespace

std::optional<std::string> check_deadline(const FeedConfig& feed, RosterStore& store,
                                          Mailer& mailer, std::int64_t now) {
  const ScheduleConfig& s = feed.schedule;
  if (!s.expect_by) return std::nullopt;
  const LocalTime lt = local_time_in(s.timezone, now);
  if (!s.expect_days[static_cast<std::size_t>(lt.weekday)] || lt.minutes < *s.expect_by)
    return std::nullopt;
  // A feed paused, or in a blackout window, expects no file: its silence is no alarm.
  if (!commit_pause(feed, store, lt.date).empty()) return std::nullopt;
  const std::int64_t day_start = local_midnight_in(s.timezone, now);
  if (store.ledger().seen_since(feed.name, day_start)) return std::nullopt;  // taken, or coming
  const std::string date = to_iso(lt.date);
  const std::string by = hh_mm(*s.expect_by) + (s.timezone.empty() ? "" : " " + s.timezone);
  const std::string reason = "no roster file had arrived by " + by;
  if (!store.runs().record_notice(feed.name, RunKind::missing, date, reason))
    return std::nullopt;  // told already
  log::warning("feed.missing_file", {{"feed", feed.name}, {"date", date}});
  MailDocument doc;
  doc.tone = MailTone::stop;
  doc.headline = "Missing";
  doc.sentence = "no roster file of feed " + feed.name + " had arrived by " + by + " on " + date +
                 ", so tonight's changes are not on the platform; it keeps the last committed "
                 "roster until a file comes. Check that the SIS's nightly export and upload ran.";
  doc.sections.push_back({"Where rosterd looks", {feed.source.where()}, {}, {}, {}});
  mailer.alert_failure(
      feed, "missing:" + date,
      "[rosterd] " + feed.name + " " + date + ": MISSING — no roster file by " + by, doc);
  return reason + " on " + date;
}

namespace {

// Files keep coming, but with the bytes of the last one ingested, for stale_after: the SIS is
// resending an old export. Told once per last-ingested file.
// Returns the notice when it told, "" otherwise.
std::string check_stale(const FeedConfig& feed, RosterStore& store, Mailer& mailer) {
  const auto after = feed.schedule.stale_after.count();
  if (after <= 0) return "";
  const auto last = store.ledger().last_ingested(feed.name);
  if (!last) return "";
  const auto seen = parse_utc_timestamp(last->seen_at);
  if (!seen) return "";
  const std::int64_t since = *seen;
  const std::int64_t now = store.clock().now();
  if (now - since < after) return "";
  // Only when something came since, all of it repeats (no file at all is "missing" instead).
  if (!store.ledger().seen_since(feed.name, since + 1)) return "";
  const std::string key = "stale:" + std::to_string(last->id);
  const std::string days = std::to_string((now - since) / 86400);
  const std::string notice =
      "every file since " + last->seen_at + " repeats " + display_safe(last->remote_name);
  if (!store.runs().record_notice(feed.name, RunKind::stale, key, notice)) return "";  // told
  log::warning("feed.stale", {{"feed", feed.name}, {"since", last->seen_at}});
  MailDocument doc;
  doc.tone = MailTone::attention;
  doc.headline = "Stale";
  doc.sentence = "every file of feed " + feed.name + " since " + last->seen_at +
                 " has the same bytes as " + display_safe(last->remote_name) +
                 ", the last one ingested, so the platform has had no new roster for " + days +
                 " day(s). The SIS is probably resending an old export: check its nightly job.";
  mailer.alert_failure(feed, key,
                       "[rosterd] " + feed.name + " " + to_iso(utc_date(now)) +
                           ": STALE — the same roster for " + days + " day(s)",
                       doc);
  return notice;
}

}  // namespace

PollResult poll_feed(const Config& config, const FeedConfig& feed, RosterStore& store,
                     Mailer& mailer, const PollOptions& options, std::string* drop_state) {
  PollResult result;
  store.runs().fail_left_by_this_process(feed.name);
  mailer.deliver_due(options.deliver_all);
  mailer.settle_awaiting_runs(feed.name);  // before a new file is planned on its base
  const auto drop = make_drop(feed);
  FeedIntake intake(config, feed, store, *drop);
  intake.set_mailer(&mailer);
  intake.set_shares(options.shares);
  if (drop_state != nullptr) intake.set_last_error(*drop_state);
  result.fetched = options.wait ? fetch_waiting(intake, feed) : intake.fetch();
  const FetchResult& fetched = result.fetched;
  const std::string today = to_iso(utc_date(store.clock().now()));
  if (!fetched.error.empty()) {
    // Once a day per distinct fault: the list hears of it, not of every poll.
    mailer.alert_failure(
        feed, "drop:" + today + ":" + sha256_hex(fetched.error).substr(0, 16),
        "[rosterd] " + feed.name + " " + today + ": FAILED — the drop could not be read",
        "rosterd could not take files from " + feed.source.where() + ":\n\n" + fetched.error +
            "\n\nIt tries again at every poll.\n");
  }
  for (const FetchEvent& e : fetched.events) {
    if (e.kind == FetchEvent::Kind::repeat && e.record) {
      // Yesterday's bytes again usually means today's export did not run.
      mailer.alert_failure(feed, "file:" + std::to_string(e.record->id) + ":repeat",
                           "[rosterd] " + feed.name + " " + today + ": REPEAT — " +
                               display_safe(e.name) + " was not ingested",
                           display_safe(e.name) + ": " + e.detail +
                               ".\nCheck that the student information system's export ran.\n");
    }
    if (e.kind != FetchEvent::Kind::too_large || !e.record) continue;
    mailer.alert_failure(feed, "file:" + std::to_string(e.record->id) + ":too_large",
                         "[rosterd] " + feed.name + " " + today + ": NOT TAKEN — " +
                             display_safe(e.name) + " is too large",
                         display_safe(e.name) + ": " + e.detail +
                             ". Raise source.max_bytes if the file is genuine.\n");
  }
  result.runs = intake.ingest_pending(options.threads, options.as_of);
  for (const IntakeRun& run : result.runs) {
    if (run.outcome) continue;
    mailer.alert_failure(feed,
                         "file:" + std::to_string(run.file.id) + ":attempt:" +
                             std::to_string(run.file.attempts) + ":" + run.file.status,
                         "[rosterd] " + feed.name + " " + today + ": FAILED — the run of " +
                             display_safe(run.file.remote_name) + " failed",
                         display_safe(run.error) + "\n");
  }
  intake.tidy();
  if (drop_state != nullptr) *drop_state = intake.last_error();
  result.stale = check_stale(feed, store, mailer);
  result.missing = check_deadline(feed, store, mailer, store.clock().now()).value_or("");
  mailer.deliver_due(options.deliver_all);
  mailer.settle_awaiting_runs(feed.name);
  remind_held_runs(mailer, store, feed);
  store.mail_links().forget_expired();
  return result;
}

std::string PollResult::summary() const {
  std::string out;
  if (!fetched.error.empty()) out = "drop failing: " + fetched.error;
  std::string each;
  for (const IntakeRun& run : runs) {
    each += each.empty() ? "" : ", ";
    if (!run.outcome) {
      each += "the run of " + display_safe(run.file.remote_name) + " failed";
      continue;
    }
    each += "run " + std::to_string(run.outcome->run_id) + " " +
            std::string(decision_name(run.outcome->decision.decision));
    const CheckCounts& c = run.outcome->check.counts;
    if (c.rows_rejected != 0) each += " (" + group_thousands(c.rows_rejected) + " rows rejected)";
  }
  if (!each.empty()) out += (out.empty() ? "" : "; ") + each;
  if (!missing.empty()) out += (out.empty() ? "" : "; ") + std::string("MISSING: ") + missing;
  if (!stale.empty()) out += (out.empty() ? "" : "; ") + std::string("STALE: ") + stale;
  return out.empty() ? "nothing new" : out;
}

}  // namespace rosterd
