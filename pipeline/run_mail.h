// What the district hears about a run, each recipient a copy of their own: the QA report before
// the run commits, the held notice to approvers, a school's copy, the notice that a run held
// for its report has committed, and the daily reminder of a run nobody has decided. With a
// console (console:), each copy carries the recipient's own links into it (store/mail_links.h);
// without one, it names the feed's report.contact. Shell commands never go to a district: only
// the operators' failures list hears of them (Mailer::settle_awaiting_runs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.h"
#include "notify/qa_report_mail.h"
#include "pipeline/mailer.h"
#include "report/run_report.h"
#include "store/roster_store.h"

namespace rosterd {

// The feed in the district's words: its column headers and the platform's school names.
DistrictTerms district_terms(const FeedConfig& feed);

class RunMail {
 public:
  // All three must outlive it.
  RunMail(Mailer& mailer, RosterStore& store, const FeedConfig& feed);

  // Queues a copy of the mail `options` describes for each address of `to` (once: the outbox
  // key is `key` and the address) and tries to deliver it. Returns how many copies went out
  // now or before. REQUIRES: report.run_id is set.
  std::size_t send(const RunReport& report, const std::vector<std::string>& to,
                   QaMailOptions options, const std::string& key);

  // The run is held until one copy of its report goes out: the copies the last send() queued
  // and that still wait say so, and that the run commits once one is delivered in time.
  void mark_awaiting(const RunReport& report);
  // The run became something else after the last send() (a run to be cut in two, held whole
  // because its report could not go out): the copies still waiting say what it is now.
  void rewrite_waiting(const RunReport& report);

 private:
  struct Copy {
    std::int64_t outbox_id = 0;
    QaMailOptions options;
  };

  Mailer& mailer_;
  RosterStore& store_;
  const FeedConfig& feed_;
  DistrictTerms terms_;
  std::vector<Copy> last_;
};

// The facts of a recorded run as a report: file, state, counts, safeguards (no lists).
RunReport report_of_run(const RunRecord& run);
// A run that committed part of its file: what its held part holds, and where it stands now.
void add_held_part(RosterStore& store, RunReport& report);

// The report of a run as the store keeps it (a run decided earlier): counts, safeguards,
// discrepancies, changes and alerts, for a reminder or a notice. `keep` holds what it points to.
struct StoredRunReport {
  RunReport report;
  std::vector<Discrepancy> discrepancies;
  std::vector<Change> changes;
};
StoredRunReport stored_run_report(RosterStore& store, const RunRecord& run);

// Mails the approvers of `feed`'s runs that are still held report.remind_after after they ran,
// once a day (the outbox key carries the day). Call it from the feed's poll.
void remind_held_runs(Mailer& mailer, RosterStore& store, const FeedConfig& feed);

// "72 hours", "30 minutes", "2 days".
std::string duration_words(std::int64_t seconds);

}  // namespace rosterd
