#include "pipeline/run_mail.h"

#include <algorithm>

#include "core/civil_date.h"
#include "core/log.h"
#include "core/sha256.h"

namespace rosterd {
namespace {

std::int64_t epoch_of(const std::string& iso) {
  return parse_utc_timestamp(iso).value_or(0);
}

}  // namespace

std::string duration_words(std::int64_t s) {
  const auto unit = [](std::int64_t n, const char* one) {
    return std::to_string(n) + " " + one + (n == 1 ? "" : "s");
  };
  if (s % 86400 == 0 && s >= 2 * 86400) return unit(s / 86400, "day");
  if (s % 3600 == 0) return unit(s / 3600, "hour");
  if (s >= 2 * 86400) return unit(s / 86400, "day");
  if (s >= 3600) return unit(s / 3600, "hour");
  if (s >= 60) return unit(s / 60, "minute");
  return unit(s, "second");
}

DistrictTerms district_terms(const FeedConfig& feed) {
  DistrictTerms t;
  for (Field f : kAllFields)
    t.columns[field_index(f)] = feed.format.columns[field_index(f)];
  if (feed.reference.campuses) {
    for (const auto& [code, name] : feed.reference.campuses->table().entries())
      t.school_names.emplace(code, name);
  }
  return t;
}

RunMail::RunMail(Mailer& mailer, RosterStore& store, const FeedConfig& feed)
    : mailer_(mailer), store_(store), feed_(feed), terms_(district_terms(feed)) {}

std::size_t RunMail::send(const RunReport& report, const std::vector<std::string>& to,
                          QaMailOptions options, const std::string& key) {
  last_.clear();
  if (!mailer_.enabled()) return 0;
  const std::int64_t run = report.run_id.value_or(0);
  const ConsoleConfig& console = mailer_.config().console;
  options.pii = feed_.report.pii;
  options.terms = &terms_;
  options.contact = feed_.report.contact;
  options.deliver_within = duration_words(feed_.report.deliver_within.count());
  std::size_t delivered = 0;
  QaReportCopies copies(report);
  for (const std::string& address : to) {
    const std::string copy_key = key + ":to:" + address;
    if (const auto queued = store_.outbox().status_with_key(copy_key)) {
      // Queued before (a reminder at every poll of the day): no new links, no second copy.
      delivered += queued->second == "sent" ? 1 : 0;
      continue;
    }
    QaMailOptions o = options;
    o.to = {address};
    o.recipient_tag = sha256_hex(address).substr(0, 8);
    if (console.enabled) {
      const auto link = [&](const char* action) {
        return console.public_url + "/m/" +
               store_.mail_links().issue(feed_.name, run, address, action,
                                         feed_.report.links_valid_for);
      };
      o.links.review = link("review");
      // A school's copy lists its own rows; the console's pages of discrepancies and alerts
      // are the district's, so its links stop at the run.
      if (options.campus.empty()) {
        if (report.discrepancies != nullptr && !report.discrepancies->empty())
          o.links.discrepancies = link("discrepancies");
        if (possible_matches(report) != 0) o.links.alerts = link("alerts");
      }
      o.links.console = console.public_url + "/";
      o.links.valid_for = duration_words(feed_.report.links_valid_for.count());
    }
    const MailMessage m = copies.compose(o);
    if (mailer_.send(feed_.name, run, options.list, copy_key, m)) ++delivered;
    if (const auto e = store_.outbox().status_with_key(copy_key))
      last_.push_back({e->first, std::move(o)});
  }
  return delivered;
}

void RunMail::mark_awaiting(const RunReport& report) {
  for (Copy& c : last_)
    c.options.awaiting_delivery = true;
  rewrite_waiting(report);
}

void RunMail::rewrite_waiting(const RunReport& report) {
  QaReportCopies copies(report);
  for (const Copy& c : last_)
    store_.outbox().rewrite(c.outbox_id, copies.compose(c.options));
}

RunReport report_of_run(const RunRecord& run) {
  RunReport r;
  r.feed = run.feed;
  r.run_id = run.id;
  r.file_name = run.file_name;
  r.sha256 = run.sha256;
  r.bytes = run.bytes;
  r.state = run.state;
  r.reason = run.reason;
  r.counts = run.check;
  if (run.state != RunState::refused) r.plan = run.plan;
  r.trips = run.trips;
  r.school_year = run.school_year;
  r.held_run = run.held_part;
  r.split_of = run.split_of;
  return r;
}

void add_held_part(RosterStore& store, RunReport& report) {
  if (!report.held_run) return;
  if (const auto held = store.runs().get(*report.held_run)) {
    report.held_part = held->plan;
    report.held_state = held->state;
  }
}

StoredRunReport stored_run_report(RosterStore& store, const RunRecord& run) {
  StoredRunReport s;
  s.discrepancies = store.runs().discrepancies(run.id);
  s.changes = store.runs().changes(run.id);
  s.report = report_of_run(run);
  add_held_part(store, s.report);
  s.report.campuses = store.runs().campuses(run.id);
  s.report.kind_counts = store.entities().counts(run.id);
  return s;
}

void remind_held_runs(Mailer& mailer, RosterStore& store, const FeedConfig& configured) {
  const std::int64_t after = configured.report.remind_after.count();
  if (!mailer.enabled() || after <= 0) return;
  std::optional<FeedConfig> adjusted;
  const FeedConfig& feed = with_mail_lists(configured, store, adjusted);
  if (feed.notify.held.empty()) return;
  const std::int64_t now = store.clock().now();
  for (const RunRecord& run : store.runs().history(feed.name, 50)) {
    if (run.state != RunState::held || run.awaiting_report) continue;
    const std::int64_t waited = now - epoch_of(run.started);
    if (waited < after) continue;
    // The first reminder at remind_after, then one a day: the day is in the key.
    const std::int64_t day = (waited - after) / 86400 + 1;
    const std::string key = "run:" + std::to_string(run.id) + ":reminder:" + std::to_string(day);
    // Every poll of the day comes here: the run is read only when a copy is still to queue.
    if (std::all_of(feed.notify.held.begin(), feed.notify.held.end(), [&](const std::string& a) {
          return store.outbox().status_with_key(key + ":to:" + a).has_value();
        }))
      continue;
    StoredRunReport stored = stored_run_report(store, run);
    stored.report.discrepancies = &stored.discrepancies;
    stored.report.changes = &stored.changes;
    QaMailOptions o;
    o.kind = QaMailKind::reminder;
    o.list = "reminder";
    o.date = to_iso(utc_date(now));
    o.waiting_since =
        duration_words(waited >= 2 * 86400 ? waited / 86400 * 86400 : waited / 3600 * 3600);
    RunMail mail(mailer, store, feed);
    if (mail.send(stored.report, feed.notify.held, o, key) != 0) {
      log::info("run.reminded", {{"feed", feed.name}, {"run", std::to_string(run.id)}});
    }
  }
}

}  // namespace rosterd
