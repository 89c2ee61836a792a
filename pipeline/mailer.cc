#include "pipeline/mailer.h"

#include <algorithm>
#include <chrono>

#include "core/civil_date.h"
#include "core/fault_point.h"
#include "core/log.h"
#include "pipeline/ingest_run.h"
#include "pipeline/run_mail.h"

namespace rosterd {
namespace {

// 0 for a timestamp that does not parse (the store writes them all).
std::int64_t epoch_of(const std::string& iso) {
  return parse_utc_timestamp(iso).value_or(0);
}

}  // namespace

std::string date_of(const std::string& iso) {
  return iso.substr(0, 10);
}

Mailer::Mailer(const Config& config, RosterStore& store)
    : config_(config), store_(store), sender_(config.smtp), clock_(store.clock()) {}

bool Mailer::send(const std::string& feed, std::optional<std::int64_t> run, const std::string& list,
                  const std::string& key, const MailMessage& m) {
  if (!enabled() || m.to.empty()) return false;
  const QueuedMail queued = store_.outbox().enqueue(feed, run, list, key, m);
  const auto e = store_.outbox().message(queued.id);
  if (!e) return false;
  if (e->status == "sent") return true;
  if (!queued.claimed && !store_.outbox().claim(e->id)) return false;
  return transmit(*e);
}

bool Mailer::deliver(const OutboxEntry& e, bool* unreachable) {
  // Claimed first, so two rosterd processes never both send it.
  if (!store_.outbox().claim(e.id)) return false;
  return transmit(e, unreachable);
}

bool Mailer::transmit(const OutboxEntry& e, bool* unreachable) {
  fault_point("mail.claimed");
  try {
    sender_.send(e.message);
    fault_point("mail.delivered");  // the server has it; the outbox does not know yet
  } catch (const SmtpError& err) {
    if (unreachable != nullptr) *unreachable = err.unreachable();
    // Backoff: 1, 2, 4 ... minutes, at most an hour (the daemon honours it; `run --once` does
    // not wait for it).
    const std::int64_t wait = std::min<std::int64_t>(60LL << std::min(e.attempts, 6), 3600);
    store_.outbox().failed(e.id, err.what(), clock_.now() + wait);
    if (e.attempts == 0) {
      log::warning("mail.failed", {{"feed", e.feed}, {"list", e.list}, {"error", err.what()}});
    }
    return false;
  } catch (...) {
    disown(e.id);
    throw;
  }
  try {
    store_.outbox().sent(e.id);
  } catch (...) {
    disown(e.id);
    throw;
  }
  log::info("mail.sent", {{"feed", e.feed}, {"list", e.list}, {"key", e.key}});
  return true;
}

void Mailer::disown(std::int64_t id) noexcept {
  try {
    store_.outbox().disown(id);
  } catch (...) {
    // The store is failing as a whole: the message stays claimed until this process stops.
  }
}

std::size_t Mailer::deliver_due(bool now_all) {
  if (!enabled()) return 0;
  std::size_t delivered = 0;
  const auto due = store_.outbox().due(now_all ? INT64_MAX : clock_.now());
  for (const OutboxEntry& e : due) {
    bool unreachable = false;
    if (!deliver(e, &unreachable)) {
      // A server that is away fails every message alike: the rest waits. One that refused this
      // message (a bad recipient) must not hold back the others.
      if (unreachable) break;
      continue;
    }
    ++delivered;
  }
  return delivered;
}

void Mailer::settle_awaiting_runs(const std::string& feed_name) {
  // Every held run of the feed still waiting for its report, whoever delivered it: this
  // process, another one, or nobody yet.
  for (const RunRecord& run : store_.runs().awaiting_report()) {
    if (run.feed != feed_name) continue;
    const auto feed_it = config_.feeds.find(run.feed);
    if (feed_it == config_.feeds.end()) continue;
    const FeedConfig& feed = feed_it->second;
    const std::int64_t deadline = epoch_of(run.started) + feed.report.deliver_within.count();
    // One copy a recipient (older stores: one for the whole list): the first delivered counts.
    std::optional<OutboxEntry> report;
    std::string last_error;
    for (const OutboxEntry& e : store_.outbox().messages_of_run(run.id, "qa_report")) {
      if (e.status == "sent" && (!report || epoch_of(e.sent_at) < epoch_of(report->sent_at)))
        report = e;
      if (!e.last_error.empty()) last_error = e.last_error;
    }
    const std::string within =
        duration_words(feed.report.deliver_within.count()) + " (report.deliver_within)";
    std::string why;
    const std::string paused = commit_pause(feed, store_, feed_today(feed, clock_.now()));
    if (!paused.empty()) {
      // Paused since it was held: it waits for a person, as the pause says nothing commits.
      why = paused;
    } else if (report) {
      if (epoch_of(report->sent_at) <= deadline) {
        try {
          store_.decisions().approve(
              run.id, Actor{"rosterd", ActionSource::service, "", "its QA report was delivered"});
          log::info("run.committed_after_report",
                    {{"feed", run.feed}, {"run", std::to_string(run.id)}});
          tell_committed(feed, run.id);
          continue;
        } catch (const Error& err) {
          // Settled meanwhile by another process (an instance sharing the store): its business.
          const auto now_run = store_.runs().get(run.id);
          if (now_run && now_run->state != RunState::held) continue;
          why = err.what();
        }
      } else {
        why = "its QA report was delivered only after " + within;
      }
    } else if (clock_.now() > deadline) {
      why = "its QA report could not be delivered within " + within +
            (!last_error.empty() ? " (last error: " + last_error + ")" : "");
    } else {
      continue;  // still within its time: the outbox keeps trying
    }
    if (!store_.runs().clear_awaiting_report(run.id)) continue;  // another process told of it
    const std::string id = std::to_string(run.id);
    std::string steps;
    for (const std::string& step : next_steps(config_.file.string(), Decision::held, run.id))
      steps += step + "\n";
    log::warning("run.report_late", {{"feed", run.feed}, {"run", id}});
    tell_held(feed, run.id, why);
    alert_failure(feed, "run:" + id + ":late_report",
                  "[rosterd] " + feed.name + " " + date_of(run.started) + ": run " + id +
                      " HELD — its QA report was not delivered in time",
                  "Run " + id + " of feed " + feed.name + " (" + run.file_name +
                      ") was not committed: " + why + ".\n\n" + steps);
  }
}

void Mailer::alert_failure(const FeedConfig& configured, const std::string& key,
                           const std::string& subject, const std::string& text) {
  MailMessage m = plain_mail({}, subject, text, "");
  send_alert(configured, key, m);
}

void Mailer::alert_failure(const FeedConfig& configured, const std::string& key,
                           const std::string& subject, const MailDocument& doc) {
  MailMessage m = alert_mail({}, subject, doc, "");
  send_alert(configured, key, m);
}

void Mailer::send_alert(const FeedConfig& configured, const std::string& key, MailMessage& m) {
  std::optional<FeedConfig> adjusted;
  const FeedConfig& feed = with_mail_lists(configured, store_, adjusted);
  if (feed.notify.failures.empty()) return;
  std::string id = key;
  std::replace(id.begin(), id.end(), ':', '.');
  m.to = feed.notify.failures;
  m.message_id = "<" + id + "." + feed.name + "@rosterd>";
  send(feed.name, std::nullopt, "failures", key, m);
}

void Mailer::tell_held(const FeedConfig& configured, std::int64_t run_id, const std::string& why) {
  std::optional<FeedConfig> adjusted;
  const FeedConfig& feed = with_mail_lists(configured, store_, adjusted);
  const auto run = store_.runs().get(run_id);
  if (!run || feed.notify.held.empty()) return;
  StoredRunReport stored = stored_run_report(store_, *run);
  stored.report.reason = why;
  stored.report.discrepancies = &stored.discrepancies;
  stored.report.changes = &stored.changes;
  QaMailOptions o;
  o.kind = QaMailKind::held;
  o.list = "held";
  o.date = date_of(run->started);
  RunMail(*this, store_, feed)
      .send(stored.report, feed.notify.held, o, "run:" + std::to_string(run_id) + ":held");
}

void Mailer::tell_committed(const FeedConfig& configured, std::int64_t run_id) {
  std::optional<FeedConfig> adjusted;
  const FeedConfig& feed = with_mail_lists(configured, store_, adjusted);
  const auto run = store_.runs().get(run_id);
  if (!run || feed.notify.qa_report.empty()) return;
  // The notice says what was committed, in counts (and by school): the run's discrepancies
  // and changes are not read.
  RunReport report = report_of_run(*run);
  report.campuses = store_.runs().campuses(run_id);
  QaMailOptions o;
  o.kind = QaMailKind::committed;
  o.list = "committed";
  o.date = date_of(run->started);
  RunMail(*this, store_, feed)
      .send(report, feed.notify.qa_report, o, "run:" + std::to_string(run_id) + ":committed");
}

const FeedConfig& with_mail_lists(const FeedConfig& configured, RosterStore& store,
                                  std::optional<FeedConfig>& adjusted) {
  const auto stored = store.mail_lists().for_feed(configured.name);
  if (stored.empty()) return configured;
  adjusted = configured;
  for (const auto& [kind, list] : stored) {
    if (kind == "qa_report") adjusted->notify.qa_report = list.addresses;
    if (kind == "held") adjusted->notify.held = list.addresses;
    if (kind == "failures") adjusted->notify.failures = list.addresses;
    // "campus:CODE:qa_report" and "campus:CODE:held".
    if (kind.starts_with("campus:")) {
      const std::size_t colon = kind.rfind(':');
      if (colon <= 7) continue;
      NotifyLists& lists = adjusted->campus_notify[kind.substr(7, colon - 7)];
      const std::string which = kind.substr(colon + 1);
      if (which == "qa_report") lists.qa_report = list.addresses;
      if (which == "held") lists.held = list.addresses;
    }
  }
  return *adjusted;
}

}  // namespace rosterd
