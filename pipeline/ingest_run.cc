#include "pipeline/ingest_run.h"

#include <algorithm>
#include <cctype>
#include <future>
#include <memory>
#include <set>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "core/fault_point.h"
#include "core/local_time.h"
#include "core/log.h"
#include "core/poll_progress.h"
#include "core/text.h"
#include "core/utf8.h"
#include "notify/qa_report_mail.h"
#include "pipeline/committed_values.h"
#include "pipeline/mailer.h"
#include "pipeline/read_ahead_roster.h"
#include "pipeline/run_mail.h"
#include "planner/identity_match.h"

namespace rosterd {

IngestOutcome::IngestOutcome(IngestOutcome&& other) noexcept
    : run_id(other.run_id),
      check(std::move(other.check)),
      plan(std::move(other.plan)),
      decision(std::move(other.decision)),
      rules_change(std::move(other.rules_change)),
      school_year(std::move(other.school_year)),
      campuses(std::move(other.campuses)),
      split(std::move(other.split)),
      held_run(other.held_run),
      kind_plans(std::move(other.kind_plans)) {
  repoint(&other.check.students);
}

IngestOutcome& IngestOutcome::operator=(IngestOutcome&& other) noexcept {
  run_id = other.run_id;
  check = std::move(other.check);
  plan = std::move(other.plan);
  decision = std::move(other.decision);
  rules_change = std::move(other.rules_change);
  school_year = std::move(other.school_year);
  campuses = std::move(other.campuses);
  split = std::move(other.split);
  held_run = other.held_run;
  kind_plans = std::move(other.kind_plans);
  repoint(&other.check.students);
  return *this;
}

void IngestOutcome::repoint(const StudentTable* from) {
  std::vector<std::vector<Change>*> lists{&plan.changes, &plan.suppressed};
  if (split) {
    lists.push_back(&split->committed);
    lists.push_back(&split->held);
  }
  for (std::vector<Change>* list : lists) {
    for (Change& c : *list) {
      if (c.after_table == from) c.after_table = &check.students;
    }
  }
}

RunReport IngestOutcome::report(const std::string& feed) const {
  // The campus counts were made with the plan (ingest_file): not counted again for each report.
  RunReport r = report_from_check_rows(feed, run_state_of(decision.decision), check);
  r.run_id = run_id;
  r.reason = decision.reason;
  r.trips = decision.trips;
  if (!check.refused()) {
    r.plan = plan.counts;
    r.changes = &plan.changes;
    r.alerts = &plan.alerts;
    r.suppressed = &plan.suppressed;
    r.campuses = campuses;
    r.rules_change = rules_change;
    r.school_year = school_year;
    if (!kind_plans.empty()) r.kind_plans = &kind_plans;
    if (split) {
      // This run is the part that commits; the rest is said as held.
      r.plan = split->committed_counts;
      r.changes = &split->committed;
      r.held_part = split->held_counts;
      r.held_run = held_run;
    }
  }
  return r;
}

std::vector<std::string> next_steps(const std::string& config_file, Decision decision,
                                    std::int64_t run, std::optional<std::int64_t> held_run) {
  const std::string id = std::to_string(run);
  const std::string cfg = " --config " + config_file;
  if (decision == Decision::committed && held_run) {
    const std::string held = std::to_string(*held_run);
    return {"The rest of the file is committed. To commit the held part: rosterd approve" + cfg +
                " " + held,
            "To discard the held part: rosterd reject" + cfg + " " + held,
            "To undo what this run committed: rosterd rollback" + cfg + " " + id +
                " (its held part is then superseded)"};
  }
  if (decision == Decision::held) {
    return {"Nothing was committed. To commit this run: rosterd approve" + cfg + " " + id,
            "To discard it: rosterd reject" + cfg + " " + id};
  }
  if (decision == Decision::committed)
    return {"To undo this run: rosterd rollback" + cfg + " " + id};
  if (decision == Decision::refused)
    return {
        "Nothing was used. Correct the file in the student information system and send it again."};
  return {};
}

std::string commit_pause(const FeedConfig& feed, RosterStore& store, CivilDate date) {
  if (const auto p = store.pauses().in_force(feed.name, date)) {
    return "the feed is paused" + (p->until ? " until " + to_iso(*p->until) : std::string()) +
           " by " + p->by + (p->reason.empty() ? "" : " (" + p->reason + ")") +
           ": its files are checked and reported as test imports, nothing is committed";
  }
  for (const YearlyWindow& w : feed.blackout) {
    if (w.contains(date)) {
      return "the school year's blackout " + w.text() +
             " (school_year.blackout): files are checked and reported as test imports, nothing "
             "is committed";
    }
  }
  return "";
}

CivilDate feed_today(const FeedConfig& feed, std::int64_t unix) {
  return local_time_in(feed.schedule.timezone, unix).date;
}

IngestOutcome ingest_file(const FeedConfig& configured, RosterStore& store,
                          const std::filesystem::path& roster, std::size_t threads, CivilDate as_of,
                          const std::optional<DropOrigin>& origin, Mailer* mailer) {
  std::optional<FeedConfig> adjusted;
  const FeedConfig& feed = with_mail_lists(configured, store, adjusted);
  store.runs().check_feed_key(feed.name, feed.format.columns[field_index(Field::state_id)]);

  IngestOutcome o;
  const RowChecker checker(feed.format, feed.checks, feed.reference, as_of);
  // A delta set's students are completed from the committed roster (parsers/roster_set.h).
  CommittedValues committed_values(store, feed, checker);
  const CheckRun run{threads,
                     true,
                     feed.identity.match_on,
                     &feed.rules.scope,
                     ZipLimits{feed.source.max_bytes},
                     committed_values.lookup(),
                     &feed.kinds};
  // On SQLite, the committed roster is read while the file is checked, when the check never
  // asks the store (the store's connection is this thread's alone): the check runs on a thread
  // of its own. The base it is planned on is read first, and again after the check: when a run
  // committed in between, the read-ahead is dropped and the roster read after the check, as
  // without one. A commit later still is found stale at commit. On PostgreSQL the roster is
  // read after the check, as libpq would hold the whole result at the check's peak.
  std::optional<std::optional<std::int64_t>> read_ahead_base;
  std::unique_ptr<CommittedRoster> read_ahead;
  std::future<CheckResult> checking;
  if (store.dialect() == SqlDialect::sqlite && !check_may_ask_committed(feed.format, &feed.kinds)) {
    try {
      checking = std::async(std::launch::async, [&, progress = current_progress()] {
        const ProgressScope scope(progress);  // the poll's watchdog hears of the rows read
        return check_roster_path(feed.format, checker, roster, run);
      });
    } catch (const std::system_error&) {
      // No thread to be had: the check runs here, then the read, as without a read-ahead.
    }
  }
  if (checking.valid()) {
    try {
      read_ahead_base = store.runs().last_committed(feed.name);
      read_ahead = std::make_unique<ReadAheadRoster>(store.students().roster(feed.name));
    } catch (...) {
      // Read again inside the run, which then fails with what the read says (a damaged store's
      // short read) and records it.
      read_ahead_base.reset();
      read_ahead.reset();
    }
    fault_point("ingest.read_ahead");  // the roster read, the check maybe still going
    o.check = checking.get();
    if (read_ahead) {
      std::optional<bool> moved;  // unknown when the read fails: read again inside the run
      try {
        moved = store.runs().last_committed(feed.name) != *read_ahead_base;
      } catch (...) {
      }
      if (!moved || *moved) {
        read_ahead_base.reset();
        read_ahead.reset();
      }
      if (moved && *moved) {
        // Another night's file, an approval or a rollback committed during the check: the
        // run plans on the roster it left, rather than fail as stale at commit.
        log::info("ingest.read_ahead_dropped",
                  {{"feed", feed.name}, {"why", "a run committed during the check"}});
      }
    }
    if (o.check.refused()) read_ahead.reset();  // nothing is planned
  } else {
    o.check = check_roster_path(feed.format, checker, roster, run);
  }
  std::optional<std::int64_t> source_file;
  if (origin) {
    o.check.file.name = origin->remote_name;
    source_file = origin->source_file;
  }
  o.run_id = store.runs().begin(feed.name, o.check.file, source_file);
  fault_point("run.started");
  log::info(
      "run.start",
      {{"feed", feed.name}, {"run", std::to_string(o.run_id)}, {"sha256", o.check.file.sha256}});
  try {
    const std::optional<std::int64_t> base =
        read_ahead_base ? *read_ahead_base : store.runs().last_committed(feed.name);
    const std::string rules = describe_rules(feed.rules);
    // The students before the run (in the roster, and active), and those the students' file
    // lists: what the kinds' rows naming a student follow (planner/kind_plan.h,
    // StudentSettlement). Each kind's committed rows are read once, for every plan of it.
    using IdSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;
    IdSet active_before;
    IdSet present_before;
    std::unordered_set<std::string_view> listed;  // filled only for a set with other kinds
    std::vector<CommittedKindRows> committed_kinds;
    // Each kind planned as the students' `committing` changes leave the roster: only the
    // students they change are looked up apart from the roster before.
    const auto plan_kinds = [&](const std::vector<Change>& committing) {
      struct After {
        bool present;
        bool active;
      };
      std::unordered_map<std::string, After, StringHash, std::equal_to<>> changed;
      const auto after = [&](std::string_view id) -> After {
        if (const auto it = changed.find(id); it != changed.end()) return it->second;
        return {present_before.contains(id), active_before.contains(id)};
      };
      for (const Change& c : committing) {
        switch (c.kind) {
          case ChangeKind::added:
          case ChangeKind::reactivated:
            changed[c.state_id] = {true, true};
            break;
          case ChangeKind::deactivated:
            changed[c.state_id] = {after(c.state_id).present, false};
            break;
          case ChangeKind::removed:
            changed[c.state_id] = {false, false};
            break;
          case ChangeKind::rekeyed: {
            bool active = after(c.state_id).active;
            if (c.before) {
              const std::string& old_id = (*c.before)[field_index(Field::state_id)];
              active = after(old_id).active;
              changed[old_id] = {false, false};
            }
            changed[c.state_id] = {true, active};
            break;
          }
          case ChangeKind::updated:
            break;
        }
      }
      StudentSettlement settled;
      settled.in_roster_after = [&](std::string_view id) { return after(id).present; };
      settled.active_after = [&](std::string_view id) { return after(id).active; };
      settled.listed = [&](std::string_view id) { return listed.contains(id); };
      std::vector<KindPlan> plans;
      for (std::size_t i = 0; i < o.check.kinds.size(); ++i)
        plans.push_back(plan_kind(o.check.kinds[i], committed_kinds[i], settled));
      return plans;
    };
    DecisionInput in;
    std::optional<RolloverCounts> rollover;
    in.refused = o.check.refused();
    // Paused (by a person, or a blackout window): a test import, planned on the roster as it
    // is, so that the first run after the pause works against the roster as it was.
    const std::string paused = commit_pause(feed, store, as_of);
    in.test_mode = feed.mode == FeedMode::test || !paused.empty();
    in.policy = feed.policy;
    in.check = o.check.counts;
    if (!in.refused) {
      const std::unique_ptr<CommittedRoster> committed =
          read_ahead ? std::move(read_ahead) : store.students().roster(feed.name);
      o.plan = make_plan(o.check, *committed, feed.rules);
      IdentityState identity = store.identity().state(feed.name);
      identity.scope = &feed.rules.scope;
      match_identities(o.plan, *committed, identity, feed.identity);
      apply_import_rules(o.plan, feed.rules.import);
      // A config change of the rules shows itself on the first run after it.
      if (const auto last = store.runs().last_rules(feed.name); last && last->second != rules) {
        if (const auto before = scope_of_description(last->second))
          o.plan.counts.entered_scope = count_entering(o.plan, *before);
        o.rules_change =
            "The feed's rules changed since run " + std::to_string(last->first) + " (" +
            last->second + " -> " + rules + "): " + std::to_string(o.plan.counts.entered_scope) +
            " students enter the scope (added), " + std::to_string(o.plan.counts.left_scope) +
            " leave it (deactivated), " + std::to_string(o.plan.counts.kept_out_of_scope) +
            " out of it are kept as they were.";
        log::info("feed.rules_changed", {{"feed", feed.name},
                                         {"since_run", std::to_string(last->first)},
                                         {"entered", std::to_string(o.plan.counts.entered_scope)},
                                         {"left", std::to_string(o.plan.counts.left_scope)}});
      }
      in.plan = o.plan.counts;
      in.field_changes = field_change_counts(o.plan);
      if (feed.rollover) {
        // The school year: within the window the safeguards weigh what the rollover does not
        // explain; outside it, a file that looks like a new year's is held saying so.
        rollover = classify_rollover(o.plan, *feed.rollover);
        in.rollover = &*rollover;
        in.in_rollover_window = feed.rollover->window.contains(as_of);
        in.rollover_window = feed.rollover->window.text();
        if (looks_like_rollover(*rollover, o.plan.counts.active_before))
          o.school_year = rollover_summary(*rollover, feed.rollover->window);
      }
      in.expected_students = feed.expect_students;
      // An empty roster: before the first commit, or after it was rolled back.
      in.first_set = !store.students().any(feed.name);
      in.rekey_min_students = feed.identity.rekey_min_students;
      o.campuses = campus_counts(o.check, &o.plan);
      in.campuses = &o.campuses;
      in.campus_policies = &feed.campus_policies;
      in.previous_rows = store.runs().last_committed_rows(feed.name);
      in.delta = o.check.file.delta;
      // The other kinds, each against its committed rows and following the students' plan;
      // their safeguards hold the run whole.
      if (!o.check.kinds.empty()) {
        listed.reserve(o.check.students.size());
        for (StudentTable::Index i = 0; i < o.check.students.size(); ++i)
          if (!o.check.students.rejected(i))
            listed.insert(o.check.students.get(i, Field::state_id));
        committed->for_each_digest([&](const CommittedRoster::Entry& e) {
          present_before.insert(e.state_id);
          if (e.active) active_before.insert(e.state_id);
        });
        for (const KindCheckResult& k : o.check.kinds)
          committed_kinds.push_back(store.entities().rows(feed.name, k.kind));
        o.kind_plans = plan_kinds(o.plan.changes);
      }
      in.kind_trips = kind_trips(o.kind_plans, o.check.kinds, feed.policy, feed.expect_kinds);
    }
    o.decision = decide(in);
    if (!paused.empty() && o.decision.decision == Decision::dry_run) o.decision.reason = paused;
    if (o.decision.hold_unsafe_only) {
      // policy.on_trip hold_unsafe: what the trips are about waits for a person, the rest
      // commits. A file all of whose changes are held (or none) is held whole, as ever.
      SplitChanges parts = split_changes(o.plan, unsafe_changes(o.decision.trips));
      if (!parts.committed.empty() && !parts.held.empty()) {
        o.decision.decision = Decision::committed;
        o.decision.reason = "a safeguard tripped: the changes it is about (" +
                            held_changes_phrase(parts.held_counts) +
                            ") are held for approval as a run of their own; the rest is committed";
        o.split = std::move(parts);
        // The other kinds follow the part that commits: a held withdrawal keeps its student's
        // enrollments and guardian links until it is decided.
        if (!o.check.kinds.empty()) o.kind_plans = plan_kinds(o.split->committed);
      }
    }

    // The QA report goes out before anything is committed.
    bool awaiting_report = false;
    const bool mail = mailer != nullptr && mailer->enabled();
    const std::string run_date = to_iso(utc_date(store.clock().now()));
    std::optional<RunMail> run_mail;
    if (mail) run_mail.emplace(*mailer, store, feed);
    const std::string run_key = "run:" + std::to_string(o.run_id) + ":";
    if (mail && !feed.notify.qa_report.empty()) {
      const RunReport report = o.report(feed.name);
      QaMailOptions options;
      options.date = run_date;
      const std::size_t delivered =
          run_mail->send(report, feed.notify.qa_report, options, run_key + "qa_report");
      // One copy delivered is the district told; a copy to an address the server refuses
      // keeps trying on its own.
      if (delivered == 0 && feed.report.required && o.split) {
        // A safeguard tripped: with no report delivered, nothing commits on its own; the
        // whole run waits for a person, as policy.on_trip: hold would have it.
        o.split.reset();
        // Held whole: the kinds follow the whole plan again.
        if (!o.check.kinds.empty()) o.kind_plans = plan_kinds(o.plan.changes);
        o.decision.decision = Decision::held;
        o.decision.reason =
            "a safeguard tripped, and its QA report could not be delivered: "
            "the whole run waits for a person";
        run_mail->rewrite_waiting(o.report(feed.name));
      } else if (delivered == 0 && feed.report.required &&
                 o.decision.decision == Decision::committed) {
        o.decision.decision = Decision::held;
        o.decision.reason =
            "waiting for its QA report to be delivered (the mail server did not take it); it "
            "commits once the report goes out, or stays held for approval after " +
            std::to_string(feed.report.deliver_within.count() / 60) + " minutes";
        awaiting_report = true;
        run_mail->mark_awaiting(report);
      }
    }
    // A school's own lists get the same report, their campus first (a copy: it never holds
    // the run, the feed's list does).
    // `only`: the schools to tell (all with rows in the file when null).
    const auto campus_mail = [&](const std::string& list, QaMailKind kind, const RunReport& whole,
                                 const std::string& key, const std::set<std::string>* only) {
      if (!mail) return;
      for (const auto& [campus, lists] : feed.campus_notify) {
        const std::string& code = campus;  // a plain reference: lambdas below capture it
        const std::vector<std::string>& to = list == "held" ? lists.held : lists.qa_report;
        if (to.empty() || (only != nullptr && only->count(code) == 0)) continue;
        RunReport report = whole;
        report.campuses = o.campuses;
        const auto mine = std::find_if(report.campuses.begin(), report.campuses.end(),
                                       [&](const CampusCounts& c) { return c.campus == code; });
        if (mine == report.campuses.end()) continue;  // no row of this campus in the file
        std::rotate(report.campuses.begin(), mine, mine + 1);
        // Only the campus's own rows: a school sees its students, not the district's.
        std::unordered_set<std::uint32_t> lines;
        const StudentTable& rows = o.check.students;
        for (StudentTable::Index i = 0; i < rows.size(); ++i) {
          if (rows.get(i, Field::campus) == code) lines.insert(rows.line(i));
        }
        std::vector<Discrepancy> own;
        for (const Discrepancy& d : o.check.discrepancies) {
          if (lines.count(d.line) != 0) own.push_back(d);
        }
        std::vector<IdentityAlert> own_alerts;
        for (const IdentityAlert& a : o.plan.alerts) {
          if (a.row.size() == kFieldCount && a.row[field_index(Field::campus)] == code)
            own_alerts.push_back(a);
        }
        report.discrepancies = &own;
        report.alerts = &own_alerts;
        // The code in the outbox key and Message-ID: letters and digits as they are, any other
        // byte as _XX, so that two codes never share a key.
        std::string tag;
        for (char ch : code) {
          const auto b = static_cast<unsigned char>(ch);
          if (std::isalnum(b)) {
            tag += ch;
          } else {
            char hex[4];
            std::snprintf(hex, sizeof hex, "_%02x", b);
            tag += hex;
          }
        }
        const std::string name = list + ".campus-" + tag;
        QaMailOptions options;
        options.kind = kind;
        options.list = name;
        options.date = run_date;
        options.campus = code;
        run_mail->send(report, to, options, key + name);
      }
    };
    campus_mail("qa_report", QaMailKind::report, o.report(feed.name), run_key, nullptr);

    RunOutcome out;
    out.awaiting_report = awaiting_report;
    out.run_id = o.run_id;
    out.feed = feed.name;
    out.decision = o.decision.decision;
    out.reason = o.decision.reason;
    out.trips = o.decision.trips;
    out.check = o.check.counts;
    out.plan = o.split ? o.split->committed_counts : o.plan.counts;
    out.base_run = base;
    out.refusal = o.check.file.refusal;
    out.discrepancies = &o.check.discrepancies;
    out.changes = o.split ? &o.split->committed : &o.plan.changes;
    out.alerts = &o.plan.alerts;
    out.applied_resolutions = &o.plan.applied_resolutions;
    out.rules = rules;
    out.school_year = o.school_year;
    out.reopened_resolutions = &o.plan.reopened_resolutions;
    out.campuses = o.campuses.empty() ? nullptr : &o.campuses;
    if (!o.check.kinds.empty()) out.kinds = &o.check.kinds;
    if (!o.kind_plans.empty()) {
      out.kind_plans = &o.kind_plans;
      for (std::size_t i = 0; i < o.kind_plans.size(); ++i)
        out.kind_counts.push_back(
            {o.kind_plans[i].kind, o.check.kinds[i].counts, o.kind_plans[i].counts});
    }
    if (o.split) {
      out.held_changes = &o.split->held;
      out.held_plan = o.split->held_counts;
      out.held_reason = "a safeguard tripped: " + held_changes_phrase(o.split->held_counts) +
                        " of run " + std::to_string(o.run_id) +
                        " are held for approval; the rest of the file was committed by run " +
                        std::to_string(o.run_id);
    }
    o.held_run = store.runs().finish(out);
    fault_point("run.finished");
    if (o.held_run) {
      log::info("run.held_part",
                {{"feed", feed.name},
                 {"run", std::to_string(o.run_id)},
                 {"held_run", std::to_string(*o.held_run)},
                 {"updated", std::to_string(o.split->held_counts.updated)},
                 {"deactivated", std::to_string(o.split->held_counts.deactivated)}});
    }
    if (mail && o.decision.decision == Decision::held && !awaiting_report &&
        !feed.notify.held.empty()) {
      QaMailOptions options;
      options.kind = QaMailKind::held;
      options.list = "held";
      options.date = run_date;
      run_mail->send(o.report(feed.name), feed.notify.held, options, run_key + "held");
    }
    if (o.decision.decision == Decision::held && !awaiting_report) {
      campus_mail("held", QaMailKind::held, o.report(feed.name), run_key, nullptr);
    }
    if (mail && o.held_run) {
      // The held part is a held run like any: its approvers hear of it, with its own links.
      if (const auto held = store.runs().get(*o.held_run)) {
        StoredRunReport stored = stored_run_report(store, *held);
        stored.report.discrepancies = &stored.discrepancies;
        stored.report.changes = &stored.changes;
        const std::string held_key = "run:" + std::to_string(*o.held_run) + ":";
        if (!feed.notify.held.empty()) {
          QaMailOptions options;
          options.kind = QaMailKind::held;
          options.list = "held";
          options.date = run_date;
          run_mail->send(stored.report, feed.notify.held, options, held_key + "held");
        }
        // Only the schools whose students the held part would withdraw.
        std::set<std::string> schools;
        for (const Change& c : o.split->held) {
          if (c.before) schools.insert((*c.before)[field_index(Field::campus)]);
        }
        campus_mail("held", QaMailKind::held, stored.report, held_key, &schools);
      }
    }
    if (mail && o.decision.decision == Decision::refused) {
      // A file refused whole is a failed night for the platform, not only a data problem.
      const Discrepancy why = redact_pii(*o.check.file.refusal);
      MailDocument doc;
      doc.tone = MailTone::stop;
      doc.headline = "Refused";
      doc.sentence = "the file " + display_safe(o.check.file.name) + " (run " +
                     std::to_string(o.run_id) +
                     ") was refused as a whole and nothing in it was used; the platform keeps "
                     "the last committed roster.";
      doc.sections.push_back({"Why", {discrepancy_message(why)}, {}, {}, {}});
      doc.sections.push_back({"What to do",
                              {std::string(how_to_fix(why.code)),
                               "The district's QA report list has been sent the same reason."},
                              {},
                              {},
                              {}});
      mailer->alert_failure(feed, "run:" + std::to_string(o.run_id) + ":refused",
                            "[rosterd] " + feed.name + " " + run_date + ": REFUSED — " +
                                std::string(code_name(why.code)),
                            doc);
    }
  } catch (const std::exception& e) {
    try {
      store.runs().fail(o.run_id, e.what());
    } catch (const std::exception&) {
      // The store itself failed; the run stays `running` until the feed's next poll
      // (RosterStore::fail_runs_left_by_this_process) or the next open of the store.
    }
    log::error("run.failed",
               {{"feed", feed.name}, {"run", std::to_string(o.run_id)}, {"error", e.what()}});
    throw;
  }
  log::info("run.done", {{"feed", feed.name},
                         {"run", std::to_string(o.run_id)},
                         {"decision", std::string(decision_name(o.decision.decision))},
                         {"rows", std::to_string(o.check.counts.rows_read)},
                         {"rejected", std::to_string(o.check.counts.rows_rejected)},
                         {"added", std::to_string(o.plan.counts.added)},
                         {"updated", std::to_string(o.plan.counts.updated)},
                         {"deactivated", std::to_string(o.plan.counts.deactivated)},
                         {"rekeyed", std::to_string(o.plan.counts.rekeyed)},
                         {"alerts", std::to_string(o.plan.alerts.size())}});
  return o;
}

}  // namespace rosterd
