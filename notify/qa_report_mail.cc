#include "notify/qa_report_mail.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "core/text.h"
#include "core/utf8.h"
#include "notify/csv_cell.h"
#include "notify/kind_mail_sections.h"
#include "notify/report_csv.h"
#include "planner/unsafe_changes.h"

namespace rosterd {
namespace {

bool is_pii(const std::optional<Field>& f) {
  return f && (*f == Field::first_name || *f == Field::middle_name || *f == Field::last_name ||
               *f == Field::birth_date);
}

// "Ask Jo Park <jo@vendor.example> to approve or reject it" when there are no links.
std::string ask(const QaMailOptions& o, const std::string& what) {
  if (!o.links.review.empty()) return "";
  return " Ask " + (o.contact.empty() ? std::string("your platform vendor") : o.contact) + " to " +
         what + ".";
}

struct Banner {
  MailTone tone = MailTone::good;
  std::string headline;
  std::string sentence;
};

Banner run_banner(const RunReport& r, const QaMailOptions& o) {
  const std::string run = "run " + std::to_string(r.run_id.value_or(0));
  const PlanCounts p = r.plan.value_or(PlanCounts{});
  const std::size_t matches = possible_matches(r);
  const auto trips_text = [&] {
    std::string s;
    for (const SafeguardTrip* t : ordered_trips(r))
      s += (s.empty() ? "" : "; ") + trip_clause(r, *t, o.terms);
    return s;
  };
  if (r.refusal) {
    return {MailTone::stop, "Refused",
            "nothing in the file was used and the platform keeps the last committed roster. " +
                discrepancy_message(*r.refusal) + ask(o, "help if the file looks right to you")};
  }
  if (o.kind == QaMailKind::committed) {
    return {MailTone::good, "Committed",
            run + " " + changes_phrase(p) +
                ", and it was committed once its QA report (sent earlier) had gone out."};
  }
  if (o.kind == QaMailKind::reminder) {
    std::string why = r.trips.empty() ? r.reason : trips_text();
    return {MailTone::stop, "Still held",
            run + " has waited " + (o.waiting_since.empty() ? "a day" : o.waiting_since) +
                " for a decision" + (why.empty() ? "" : ": " + why) +
                ". Nothing changes until someone approves or rejects it." +
                ask(o, "approve or reject it")};
  }
  if (o.awaiting_delivery) {
    return {MailTone::attention, "Held until this report is delivered",
            run + " " + changes_phrase(p) + " and passed every safeguard; it is committed if " +
                "the mail server took this report within " +
                (o.deliver_within.empty() ? std::string("the feed's time") : o.deliver_within) +
                " of the run, and otherwise waits for someone to approve it. A notice follows "
                "when it is committed."};
  }
  if (r.split_of && r.state == RunState::held) {
    return {MailTone::stop, "Held in part",
            run + " holds " + held_changes_phrase(p) + " of this file: " + trips_text() +
                ". The rest of the file was committed by run " + std::to_string(*r.split_of) +
                "; these changes are made only if someone approves them." +
                (o.links.review.empty() ? ask(o, "approve or reject them")
                                        : " Review them and decide.")};
  }
  if (r.state == RunState::held) {
    const std::string why = r.trips.empty() ? "it waits for a person to approve it" +
                                                  (r.reason.empty() ? "" : " (" + r.reason + ")")
                                            : trips_text();
    return {
        MailTone::stop, "Held",
        "this file was not committed: " + why + ". Nothing was changed." +
            (o.links.review.empty() ? ask(o, "approve or reject it") : " Review it and decide.")};
  }
  const bool test = r.state == RunState::dry_run;
  std::string s;
  if (test) {
    // A live feed's test run: paused by a person or a blackout window, which the reason says.
    const bool paused = r.reason.starts_with("the feed is paused") ||
                        r.reason.starts_with("the school year's blackout");
    s = run + " " + changes_phrase(p) + " if it were live; nothing is committed " +
        (paused ? "because " + display_safe(r.reason.substr(0, r.reason.find(':')))
                : std::string("while the feed is in test mode"));
  } else {
    s = run + " " + changes_phrase(p) + "; it is committed as this report goes out";
  }
  MailTone tone = MailTone::good;
  std::string headline = test ? "Test run" : "Passed";
  // Rejected rows of every file of the set: a rejected enrollment leaves a student out of a class
  // as surely as a rejected student row leaves them out of the platform.
  std::uint32_t rejected = r.counts.rows_rejected;
  if (r.kinds != nullptr) {
    for (const KindCheckResult& k : *r.kinds)
      rejected += k.counts.rows_rejected;
  }
  if (rejected != 0) {
    tone = MailTone::attention;
    if (!test) headline = "Passed with " + count(rejected, "rejected row", "rejected rows");
    s += ". " + count(rejected, "rejected row changed", "rejected rows changed") +
         " nothing: fix " + (rejected == 1 ? "it" : "them") +
         " in the SIS so that the next file brings " + (rejected == 1 ? "it" : "them");
  }
  if (matches != 0) {
    tone = MailTone::attention;
    s += ". " + count(matches, "student was", "students were") +
         " not added because they look like a student the platform already has: decide whether "
         "they are the same";
  }
  if (r.held_part && !test) {
    // policy.on_trip hold_unsafe: the rest of the file commits, what tripped waits.
    tone = MailTone::stop;
    headline = "Committed in part";
    s += ". " + held_changes_phrase(*r.held_part) +
         " are held for a person to approve: " + trips_text();
    std::string whom = ask(o, "approve or reject them");
    if (!whom.empty()) {
      whom.pop_back();  // its full stop: the sentence gets one below
      s += "." + whom;
    }
  }
  if (tone == MailTone::good) s += test ? "" : ". Nothing for you to do";
  return {tone, headline, s + "."};
}

}  // namespace

Discrepancy redact_pii(const Discrepancy& d) {
  Discrepancy r = d;
  if (is_file_level(d.code)) {
    // A refusal may quote the header row, which is a student's row when the export lost its
    // header: that quote goes, the rest of the reason stays.
    const std::string quote = "; the header row reads \"";
    const std::size_t at = r.detail.find(quote);
    if (at != std::string::npos) {
      std::size_t end = r.detail.find(kLikelyCause, at);
      if (end == std::string::npos) end = r.detail.size();
      r.detail.replace(at, end - at, "; the header row is withheld (report.pii: minimal)");
    }
    return r;
  }
  if (is_pii(d.field) && !d.value.empty()) r.value = "[withheld]";
  if (d.kind && d.kind_field && *d.kind_field < kind_info(*d.kind).fields.size() &&
      is_personal(kind_info(*d.kind).fields[*d.kind_field]) && !d.value.empty())
    r.value = "[withheld]";
  return r;
}

std::string qa_subject(const RunReport& r, const QaMailOptions& o) {
  const std::string head = "[rosterd] " + r.feed + " " + o.date + ": ";
  const PlanCounts p = r.plan.value_or(PlanCounts{});
  std::string counts = group_thousands(p.added) + " added, " + group_thousands(p.updated) +
                       " updated, " + group_thousands(p.deactivated) + " deactivated, " +
                       group_thousands(r.counts.rows_rejected) + " rejected";
  if (r.refusal) return head + "REFUSED — " + code_title(r.refusal->code);
  const auto trips = [&] {
    std::string s;
    for (const SafeguardTrip* t : ordered_trips(r)) {
      std::string c = trip_clause(r, *t, o.terms);
      if (c.starts_with("it would ")) c = c.substr(3);
      s += (s.empty() ? "" : "; ") + c;
    }
    return s;
  };
  if (o.kind == QaMailKind::committed) return head + "COMMITTED — " + counts;
  if (o.kind == QaMailKind::reminder) {
    return head + "STILL HELD" + (o.waiting_since.empty() ? "" : " (" + o.waiting_since + ")") +
           " — " + (r.trips.empty() ? std::string("approval needed") : trips());
  }
  if (o.awaiting_delivery) return head + "HELD until this report is delivered — " + counts;
  if (r.state == RunState::held && r.split_of)
    return head + "HELD IN PART — " + held_changes_phrase(p) + ": " + trips();
  if (r.state == RunState::held)
    return head + "HELD — " + (r.trips.empty() ? std::string("approval needed") : trips());
  if (r.state == RunState::dry_run) return head + "TEST RUN — " + counts;
  if (r.held_part) return head + "COMMITTED IN PART — " + counts + "; held: " + trips();
  return head + "PASSED — " + counts;
}

namespace {

// The report as a message shows it: at report.pii minimal, without names and birth dates in
// the discrepancies, the refusal and the alerts.
struct ShownReport {
  RunReport report;
  std::vector<Discrepancy> discrepancies;

  ShownReport(const RunReport& source, const QaMailOptions& o) : report(source) {
    const bool full = o.pii == PiiLevel::full;
    if (source.discrepancies != nullptr) {
      discrepancies.reserve(source.discrepancies->size());
      for (const Discrepancy& d : *source.discrepancies)
        discrepancies.push_back(full ? d : redact_pii(d));
    }
    report.discrepancies = &discrepancies;
    report.withhold_pii = !full;
    if (source.refusal && !full) report.refusal = redact_pii(*source.refusal);
  }
  ShownReport(const ShownReport&) = delete;
  ShownReport& operator=(const ShownReport&) = delete;
};

// Who a held run (or a reminder of one) would change; empty for any other mail.
std::vector<Affected> affected_of(const RunReport& r, const QaMailOptions& o) {
  const bool held = r.state == RunState::held && !o.awaiting_delivery;
  if (!held && o.kind != QaMailKind::reminder) return {};
  return affected_students(r, o.campus);
}

// The document of `r` (as shown), with `who` from affected_of.
MailDocument document_of(const RunReport& r, const QaMailOptions& o,
                         const std::vector<Affected>& who);

// Whether the mail carries the other files' discrepancies as a CSV: the district's mail (a
// school's keeps to its students) before anything is committed, when they have any.
bool attaches_kinds(const RunReport& r, const QaMailOptions& o) {
  if (r.kinds == nullptr || !o.campus.empty()) return false;
  if (o.kind == QaMailKind::committed || o.kind == QaMailKind::reminder) return false;
  return std::any_of(r.kinds->begin(), r.kinds->end(),
                     [](const KindCheckResult& k) { return !k.discrepancies.empty(); });
}

}  // namespace

MailDocument qa_report_document(const RunReport& report, const QaMailOptions& o) {
  const ShownReport shown(report, o);
  return document_of(shown.report, o, affected_of(shown.report, o));
}

namespace {

MailDocument document_of(const RunReport& r, const QaMailOptions& o,
                         const std::vector<Affected>& who) {
  const MessageTerms terms{o.terms != nullptr ? &o.terms->columns : nullptr,
                           o.pii != PiiLevel::full};
  const bool full = o.pii == PiiLevel::full;
  MailDocument doc;
  const Banner b = run_banner(r, o);
  doc.tone = b.tone;
  doc.headline = b.headline;
  doc.sentence = b.sentence;
  const std::size_t matches = possible_matches(r);
  const std::size_t shown_count = r.discrepancies != nullptr ? r.discrepancies->size() : 0;
  const bool held = r.state == RunState::held && !o.awaiting_delivery;
  if (!o.links.review.empty()) {
    doc.actions.push_back({held ? "Review and decide" : "See the run", o.links.review});
    if (shown_count != 0 && !o.links.discrepancies.empty())
      doc.actions.push_back({"See every discrepancy", o.links.discrepancies});
    if (matches != 0 && !o.links.alerts.empty())
      doc.actions.push_back(
          {"Resolve " + count(matches, "possible match", "possible matches"), o.links.alerts});
  }

  if (!r.school_year.empty()) {
    // The new year's file: what the rollover explains comes before any count.
    MailSection year;
    year.title = "The new school year";
    year.paragraphs.push_back(r.school_year);
    doc.sections.push_back(std::move(year));
  }
  MailSection run;
  run.title = "This run";
  if (!o.campus.empty())
    run.paragraphs.push_back("This copy is for " + school_label(o.terms, o.campus) +
                             ": it lists that school's rows only; the counts are the district's.");
  run.table.header = {"", ""};
  run.table.rows.push_back(
      {"File", display_safe(r.file_name) + " (" + group_thousands(r.bytes) + " bytes)"});
  run.table.rows.push_back({"Run", std::to_string(r.run_id.value_or(0)) + " of feed " + r.feed});
  if (!r.refusal) {
    run.table.rows.push_back({"Rows read", group_thousands(r.counts.rows_read)});
    run.table.rows.push_back(
        {"Accepted", group_thousands(r.counts.rows_read - r.counts.rows_rejected) + " (" +
                         group_thousands(r.counts.rows_warned) + " with a warning)"});
    run.table.rows.push_back(
        {"Rejected (changed nothing)", group_thousands(r.counts.rows_rejected)});
    if (r.plan) {
      const std::string verb =
          r.state == RunState::committed && !o.awaiting_delivery && o.kind != QaMailKind::report
              ? ""
              : " (planned)";
      run.table.rows.push_back({"Added" + verb, group_thousands(r.plan->added)});
      run.table.rows.push_back({"Updated" + verb, group_thousands(r.plan->updated)});
      run.table.rows.push_back({"Deactivated" + verb, group_thousands(r.plan->deactivated)});
      run.table.rows.push_back({"Reactivated" + verb, group_thousands(r.plan->reactivated)});
      if (r.plan->held_for_review != 0)
        run.table.rows.push_back(
            {"Not added (possible match)", group_thousands(r.plan->held_for_review)});
    }
  }
  run.table.header = {"What", "How many"};
  doc.sections.push_back(std::move(run));
  if (!r.rules_change.empty()) doc.sections.back().after.push_back(r.rules_change);

  if (!r.trips.empty() && (held || o.kind == QaMailKind::reminder)) {
    MailSection why;
    why.title = "Why it was held";
    for (const SafeguardTrip* t : ordered_trips(r)) {
      std::string c = trip_clause(r, *t, o.terms);
      c[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(c[0])));
      why.paragraphs.push_back(c + " (" + limit_text(*t) + ").");
    }
    why.paragraphs.push_back(
        "Approve the run if this is what the district meant (the students change as listed); "
        "reject it if the file is wrong, and send a corrected file.");
    doc.sections.push_back(std::move(why));
  }

  if (!who.empty()) {
    MailSection s;
    s.title = "Who it would change";
    s.paragraphs.push_back("The first " + std::to_string(std::min(who.size(), kAffectedShown)) +
                           " of " + count(who.size(), "student", "students") +
                           " this run would deactivate or give a new "
                           "state ID; all of them are in the attached " +
                           attachment_base(r) + "-affected.csv.");
    s.table.header = {"Change", "State ID", "New state ID", "Local ID", "School", "Grade"};
    if (full) s.table.header.push_back("Name");
    for (std::size_t i = 0; i < who.size() && i < kAffectedShown; ++i) {
      const Affected& a = who[i];
      const auto at = [&](Field f) {
        return a.values.size() == kFieldCount ? display_safe(a.values[field_index(f)])
                                              : std::string();
      };
      std::vector<std::string> row{a.change,
                                   display_safe(a.state_id),
                                   display_safe(a.new_state_id),
                                   at(Field::local_id),
                                   school_label(o.terms, at(Field::campus)),
                                   at(Field::grade)};
      if (full) row.push_back(person_name(a.values));
      s.table.rows.push_back(std::move(row));
    }
    if (who.size() > kAffectedShown) {
      s.after.push_back("... and " + group_thousands(who.size() - kAffectedShown) +
                        " more in the attached CSV" +
                        (o.links.review.empty() ? "." : " and on the console."));
    }
    doc.sections.push_back(std::move(s));
  }

  if (r.alerts != nullptr && !r.alerts->empty()) {
    MailSection s;
    s.title = "Students not added: possible matches";
    s.paragraphs.push_back(
        "These rows look like students the platform already has under another ID. Each waits, "
        "not added, until someone decides whether they are the same student; if the SIS gave a "
        "student a new state ID by mistake, correct it there.");
    s.table.header = {"Line", "State ID in the file", "Looks like", "Score", "School"};
    if (full) s.table.header.push_back("Name");
    std::size_t n = 0;
    for (const IdentityAlert& a : *r.alerts) {
      if (a.kind == AlertKind::rekey) continue;  // listed under "Who it would change"
      if (n++ == kAlertsShown) break;
      const MatchCandidate* c = a.candidates.empty() ? nullptr : &a.candidates[0];
      const std::vector<std::string>& v =
          a.kind == AlertKind::existing_unmatched && c != nullptr ? c->values : a.row;
      std::vector<std::string> row{
          a.line == 0 ? "" : std::to_string(a.line), display_safe(a.state_id),
          c == nullptr ? ""
                       : display_safe(c->id) +
                             (a.kind == AlertKind::possible_match ? " (committed)" : " (existing)"),
          c == nullptr ? "" : std::to_string(c->score),
          v.size() == kFieldCount ? school_label(o.terms, v[field_index(Field::campus)]) : ""};
      if (full) row.push_back(person_name(v));
      s.table.rows.push_back(std::move(row));
    }
    if (s.table.rows.empty()) {
      // Re-key pairs only: they are listed with who the run would change.
    } else {
      if (n > kAlertsShown)
        s.after.push_back("... and more: every alert is on the console and in the CSV.");
      if (matches != 0 && !o.links.alerts.empty())
        s.links.push_back(
            {"Resolve " + count(matches, "possible match", "possible matches"), o.links.alerts});
      doc.sections.push_back(std::move(s));
    }
  }

  if (r.refusal) {
    MailSection s;
    s.title = "Why the file was refused";
    const Discrepancy d = *r.refusal;
    s.paragraphs.push_back(discrepancy_message(d, terms));
    s.paragraphs.push_back("How to fix it: " + std::string(how_to_fix(d.code)));
    doc.sections.push_back(std::move(s));
  }

  if (r.discrepancies != nullptr && !r.discrepancies->empty()) {
    std::array<std::vector<const Discrepancy*>, kDiscrepancyCodeCount> examples{};
    std::array<std::size_t, kDiscrepancyCodeCount> counts{};
    std::vector<const Discrepancy*> shown;
    for (const Discrepancy& d : *r.discrepancies) {
      const auto c = static_cast<std::size_t>(d.code);
      ++counts[c];
      if (examples[c].size() < kExamplesPerCode) {
        examples[c].push_back(&d);
        shown.push_back(&d);
      }
    }
    const RowsByLine rows(r, shown);
    for (Severity sev : {Severity::error, Severity::warning}) {
      for (std::size_t c = 0; c < kDiscrepancyCodeCount; ++c) {
        const auto code = static_cast<DiscrepancyCode>(c);
        if (counts[c] == 0 || code_severity(code) != sev) continue;
        MailSection s;
        s.title = code_title(code) + " — " + count(counts[c], "row", "rows") +
                  (sev == Severity::error ? " rejected" : " accepted with a warning");
        s.paragraphs.push_back("How to fix: " + std::string(how_to_fix(code)));
        s.table.header = {"Line", "State ID", "Local ID", "School", "Column", "What is wrong"};
        for (const Discrepancy* d : examples[c]) {
          s.table.rows.push_back({std::to_string(d->line), display_safe(d->student_id),
                                  display_safe(rows.get(d->line, Field::local_id)),
                                  school_label(o.terms, rows.get(d->line, Field::campus)),
                                  d->field ? column_label(o.terms, *d->field) : "",
                                  discrepancy_message(*d, terms)});
        }
        if (counts[c] > examples[c].size()) {
          s.after.push_back("... and " + group_thousands(counts[c] - examples[c].size()) +
                            " more in the attached CSV.");
        }
        doc.sections.push_back(std::move(s));
      }
    }
  }
  // The other kinds are the district's: a school's copy keeps to its students' rows.
  if (o.campus.empty()) add_kind_sections(doc, r, terms);

  if (r.campuses.size() > 1) {
    MailSection s;
    s.title = "By school";
    s.table.header = {"School", "Rows", "Rejected", "Added", "Updated", "Deactivated", "Alerts"};
    for (const CampusCounts& c : r.campuses) {
      s.table.rows.push_back({c.campus.empty() ? "(none)" : school_label(o.terms, c.campus),
                              group_thousands(c.rows), group_thousands(c.rejected),
                              group_thousands(c.added), group_thousands(c.updated),
                              group_thousands(c.deactivated), group_thousands(c.alerts)});
    }
    doc.sections.push_back(std::move(s));
  }

  if (r.discrepancies != nullptr && (!r.discrepancies->empty() || matches != 0)) {
    doc.footer.push_back("Every discrepancy and possible match is in the attached " +
                         attachment_base(r) + "-discrepancies.csv (opens in Excel).");
  }
  if (attaches_kinds(r, o)) {
    doc.footer.push_back("Every discrepancy of the set's other files is in the attached " +
                         attachment_base(r) + "-other-files.csv.");
  }
  if (!full)
    doc.footer.push_back(
        "Names and birth dates are withheld from this message (report.pii: minimal)" +
        std::string(o.links.review.empty() ? "." : "; the console shows them once you sign in."));
  if (!o.links.review.empty()) {
    doc.footer.push_back("The links above are yours alone: they work for " +
                         (o.links.valid_for.empty() ? std::string("72 hours") : o.links.valid_for) +
                         ", and a decision made through one cannot be made again with it. After "
                         "that, sign in to the console: " +
                         o.links.console);
  } else if (!o.contact.empty()) {
    doc.footer.push_back("Questions about this report: " + o.contact + ".");
  }
  doc.footer.push_back("Sent by rosterd for feed " + r.feed + " before anything of run " +
                       std::to_string(r.run_id.value_or(0)) + " was committed.");
  if (o.kind == QaMailKind::committed || o.kind == QaMailKind::reminder) doc.footer.pop_back();
  return doc;
}

}  // namespace

// What the copies of a list share: everything but the addresses, links and Message-ID.
struct QaReportCopies::Shared {
  // The options the parts depend on.
  PiiLevel pii;
  const DistrictTerms* terms;
  QaMailKind kind;
  std::string campus;
  bool awaiting_delivery;

  ShownReport view;
  std::vector<Affected> who;
  std::vector<MailAttachment> attachments;

  Shared(const RunReport& report, const QaMailOptions& o)
      : pii(o.pii),
        terms(o.terms),
        kind(o.kind),
        campus(o.campus),
        awaiting_delivery(o.awaiting_delivery),
        view(report, o),
        who(affected_of(view.report, o)) {
    const RunReport& r = view.report;
    const std::vector<Discrepancy>& shown = view.discrepancies;
    if (!who.empty())
      attachments.push_back({attachment_base(r) + "-affected.csv",
                             affected_csv(who, o.terms, o.pii == PiiLevel::full)});
    if (o.kind != QaMailKind::committed && o.kind != QaMailKind::reminder &&
        (!shown.empty() || possible_matches(r) != 0)) {
      std::vector<const Discrepancy*> all;
      all.reserve(shown.size());
      for (const Discrepancy& d : shown)
        all.push_back(&d);
      attachments.insert(
          attachments.begin(),
          {attachment_base(r) + "-discrepancies.csv",
           discrepancy_csv(shown, r, o.terms, o.pii == PiiLevel::full, RowsByLine(r, all))});
    }
    if (attaches_kinds(r, o)) {
      attachments.push_back({attachment_base(r) + "-other-files.csv",
                             kind_discrepancy_csv(r, o.pii == PiiLevel::full)});
    }
  }

  bool serves(const QaMailOptions& o) const {
    return o.pii == pii && o.terms == terms && o.kind == kind && o.campus == campus &&
           o.awaiting_delivery == awaiting_delivery;
  }
};

QaReportCopies::QaReportCopies(const RunReport& report) : report_(report) {}

QaReportCopies::~QaReportCopies() = default;

MailMessage QaReportCopies::compose(const QaMailOptions& o) {
  // PII withheld in every part: the discrepancies, the refusal, the alerts' names.
  if (shared_ == nullptr || !shared_->serves(o)) {
    shared_.reset();  // one copy of the parts at a time
    shared_ = std::make_unique<Shared>(report_, o);
  }
  const RunReport& r = shared_->view.report;
  MailMessage m;
  m.to = o.to;
  m.subject = qa_subject(r, o);
  m.message_id = "<run-" + std::to_string(r.run_id.value_or(0)) + "." + o.list +
                 (o.recipient_tag.empty() ? "" : "." + o.recipient_tag) + "." + r.feed +
                 "@rosterd>";
  const MailDocument doc = document_of(r, o, shared_->who);
  m.text = render_mail_text(doc);
  m.html = render_mail_html(doc, m.subject);
  m.attachments = shared_->attachments;
  return m;
}

MailMessage qa_report_mail(const RunReport& report, const QaMailOptions& o) {
  return QaReportCopies(report).compose(o);
}

MailMessage plain_mail(std::vector<std::string> to, std::string subject, std::string text,
                       std::string message_id) {
  MailMessage m;
  m.to = std::move(to);
  m.subject = std::move(subject);
  m.text = std::move(text);
  m.message_id = std::move(message_id);
  return m;
}

MailMessage alert_mail(std::vector<std::string> to, std::string subject, const MailDocument& doc,
                       std::string message_id) {
  MailMessage m;
  m.to = std::move(to);
  m.text = render_mail_text(doc);
  m.html = render_mail_html(doc, subject);
  m.subject = std::move(subject);
  m.message_id = std::move(message_id);
  return m;
}

}  // namespace rosterd
