#include "report/run_report.h"

#include <array>
#include <cstdio>
#include <iomanip>
#include <vector>

#include "core/text.h"
#include "core/utf8.h"
#include "planner/unsafe_changes.h"
#include "report/json_writer.h"
#include "report/kind_report.h"

namespace rosterd {
namespace {

std::string short_hash(const std::string& sha) {
  return sha.size() < 16 ? sha : sha.substr(0, 12) + "...";
}

// The lines of every discrepancy of one code, and a few to show.
struct CodeGroup {
  std::uint32_t count = 0;
  std::vector<const Discrepancy*> examples;
};

void write_example(std::ostream& out, const Discrepancy& d) {
  out << "      line " << d.line;
  if (!d.student_id.empty()) out << " (ID " << display_safe(d.student_id) << ")";
  out << ": " << discrepancy_message(d) << '\n';
}

void write_groups(std::ostream& out, const std::array<CodeGroup, kDiscrepancyCodeCount>& groups,
                  Severity severity) {
  for (std::size_t c = 0; c < kDiscrepancyCodeCount; ++c) {
    const auto code = static_cast<DiscrepancyCode>(c);
    const CodeGroup& g = groups[c];
    if (g.count == 0 || code_severity(code) != severity) continue;
    out << "  " << std::left << std::setw(24) << code_name(code) << std::right << std::setw(9)
        << group_thousands(g.count) << '\n';
    for (const Discrepancy* d : g.examples)
      write_example(out, *d);
    if (g.count > g.examples.size()) {
      out << "      ... and " << group_thousands(g.count - g.examples.size()) << " more\n";
    }
  }
}

}  // namespace

RunReport report_from_check(const std::string& feed, RunState state, const CheckResult& check) {
  RunReport r = report_from_check_rows(feed, state, check);
  if (!check.refused()) r.campuses = campus_counts(check, nullptr);
  return r;
}

RunReport report_from_check_rows(const std::string& feed, RunState state,
                                 const CheckResult& check) {
  RunReport r;
  r.feed = feed;
  r.file_name = check.file.name;
  r.sha256 = check.file.sha256;
  r.bytes = check.file.bytes;
  r.delta = check.file.delta;
  r.state = check.refused() ? RunState::refused : state;
  r.refusal = check.file.refusal;
  r.counts = check.counts;
  r.by_code = check.by_code;
  r.discrepancies = &check.discrepancies;
  r.rows = &check.students;
  if (!check.kinds.empty()) r.kinds = &check.kinds;
  r.rows_out_of_scope = check.rows_out_of_scope;
  r.rows_opted_out = check.rows_opted_out;
  r.rows_repeated = check.rows_repeated;
  return r;
}

std::string person_line(const std::vector<std::string>& v) {
  if (v.size() < kFieldCount) return "";
  const auto at = [&](Field f) -> const std::string& { return v[field_index(f)]; };
  std::string s = display_safe(at(Field::last_name)) + ", " + display_safe(at(Field::first_name));
  if (!at(Field::middle_name).empty()) s += " " + display_safe(at(Field::middle_name));
  s += " | born " + display_safe(at(Field::birth_date));
  if (!at(Field::local_id).empty()) s += " | local " + display_safe(at(Field::local_id));
  s +=
      " | grade " + display_safe(at(Field::grade)) + " | campus " + display_safe(at(Field::campus));
  if (!at(Field::status).empty()) s += " | " + display_safe(at(Field::status));
  return s;
}

void write_alert(std::ostream& out, const IdentityAlert& a, bool withhold_pii,
                 const std::string& indent) {
  const auto shown = [&](const std::vector<std::string>& v) {
    return withhold_pii ? std::string("[names and birth date withheld]") : person_line(v);
  };
  if (a.kind == AlertKind::existing_unmatched) {
    const MatchCandidate& c = a.candidates.at(0);
    out << indent << "existing student " << display_safe(c.id) << " matched no row (" << a.outcome
        << "): " << shown(c.values) << '\n';
    return;
  }
  out << indent << alert_kind_name(a.kind) << ": line " << a.line << ", state ID "
      << display_safe(a.state_id) << ": " << shown(a.row) << '\n';
  const char* what = a.kind == AlertKind::existing_match ? "existing " : "committed ";
  for (const MatchCandidate& c : a.candidates) {
    out << indent << "  ~ " << what << display_safe(c.id) << " (score " << c.score << "): "
        << (c.values.empty() ? "its record is the run's before-image (rosterd show)"
                             : shown(c.values))
        << '\n';
  }
}

namespace {

// What the tripped safeguards did to the run, as it stands now: a report shown again later
// (`rosterd show`) tells of a run that was approved, rejected or overtaken since.
std::string trips_outcome(const RunReport& r) {
  const RunState state = r.state;
  if ((r.held_part || r.held_run) && state == RunState::committed) {
    return "the changes they are about are held" +
           (r.held_run ? " as run " + std::to_string(*r.held_run) : std::string()) +
           ", the rest is committed";
  }
  if (r.split_of && state == RunState::held) {
    return "these changes are held, nothing of them is committed until someone approves them";
  }
  if (state == RunState::held)
    return "the run is held, nothing is committed until someone approves it";
  if (state == RunState::committed) return "the run was held, then approved and committed";
  if (state == RunState::rejected) return "the run was held, then rejected: nothing was committed";
  if (state == RunState::superseded) {
    return "the run was held; a later run committed before anyone decided, so nothing of it was "
           "committed";
  }
  if (state == RunState::dry_run)
    return "a live run would have been held; a test run commits nothing";
  return "nothing of the run was committed";
}

}  // namespace

void write_text_report(std::ostream& out, const RunReport& r) {
  out << "rosterd report for feed " << r.feed;
  if (r.run_id) out << ", run " << *r.run_id;
  out << '\n';
  out << "  File:     " << display_safe(r.file_name) << " (" << group_thousands(r.bytes)
      << " bytes, sha256 " << short_hash(r.sha256) << ")\n";
  if (r.delta) {
    out << "  Delta:    the file lists changes only; students it leaves out are unchanged.\n";
  }
  if (!r.school_year.empty()) out << "  " << r.school_year << '\n';
  if (r.refusal) {
    const Discrepancy& d = *r.refusal;
    out << "  Decision: REFUSED: the whole file is refused and nothing in it is used.\n\n";
    out << "  " << code_name(d.code);
    if (d.line != 0) out << " (line " << d.line << ")";
    out << ": " << discrepancy_message(d) << '\n';
    for (const std::string& step : r.next_steps)
      out << "  " << step << '\n';
    return;
  }
  out << "  Decision: " << run_state_name(r.state);
  if (r.state == RunState::dry_run) out << " (nothing was written)";
  if (!r.reason.empty()) out << ": " << display_safe(r.reason);  // may hold a person's words
  out << "\n";
  if (r.held_part || r.held_run) {
    out << "  Held:     "
        << (r.held_part ? held_changes_phrase(*r.held_part)
                        : std::string("the changes its safeguards are about"))
        << " held for a person to approve"
        << (r.held_run ? " as run " + std::to_string(*r.held_run)
                       : std::string(", as a run of their own"));
    if (r.held_state && *r.held_state != RunState::held)
      out << " (" << run_state_name(*r.held_state) << " since)";
    out << "; the rest of the file is this run's\n";
  }
  if (r.split_of) {
    out << "  Part of:  run " << *r.split_of
        << ", which committed the rest of the file; these are the changes its safeguards hold\n";
  }
  for (const ReportAction& a : r.actions) {
    out << "  " << display_safe(a.at) << ": " << display_safe(a.action) << " by "
        << display_safe(a.who) << " (" << display_safe(a.via) << ")";
    if (!a.detail.empty()) out << ", " << display_safe(a.detail);
    if (!a.reason.empty()) out << "; reason: " << display_safe(a.reason);
    out << '\n';
  }
  out << "\n";
  const CheckCounts& c = r.counts;
  out << "  Rows read " << group_thousands(c.rows_read) << ", accepted "
      << group_thousands(c.rows_read - c.rows_rejected) << " (" << group_thousands(c.rows_warned)
      << " with warnings), rejected " << group_thousands(c.rows_rejected) << "\n";
  if (r.rows_out_of_scope + r.rows_opted_out != 0) {
    out << "  Scope     " << group_thousands(r.rows_out_of_scope)
        << " accepted rows out of the feed's scope, " << group_thousands(r.rows_opted_out)
        << " rows of opted-out students: not imported\n";
  }
  if (r.rows_repeated != 0) {
    out << "  Contacts  " << group_thousands(r.rows_repeated)
        << " rows repeat a student for another contact: read as that student\n";
  }
  if (r.plan) {
    const PlanCounts& p = *r.plan;
    out << "  Changes   " << group_thousands(p.added) << " added, " << group_thousands(p.updated)
        << " updated, " << group_thousands(p.deactivated) << " deactivated, "
        << group_thousands(p.reactivated) << " reactivated, " << group_thousands(p.unchanged)
        << " unchanged";
    if (p.kept_rejected != 0)
      out << ", " << group_thousands(p.kept_rejected) << " kept as they were (row rejected)";
    out << '\n';
    if (p.rekeyed + p.held_for_review + p.kept_for_review + p.linked != 0) {
      out << "  Identity  " << group_thousands(p.rekeyed) << " given a new state ID";
      if (p.proposed_rekeys != 0) out << " (" << group_thousands(p.proposed_rekeys) << " proposed)";
      out << ", " << group_thousands(p.held_for_review) << " rows not added (possible match), "
          << group_thousands(p.kept_for_review) << " not deactivated (open alert), "
          << group_thousands(p.linked) << " linked to existing students\n";
    }
    if (p.left_scope + p.kept_out_of_scope + p.opted_out != 0) {
      out << "  Scope     " << group_thousands(p.left_scope)
          << " deactivated as their rows left the scope (not withdrawals), "
          << group_thousands(p.kept_out_of_scope) << " kept as they were (out of scope), "
          << group_thousands(p.opted_out) << " opted out (removed with their history)\n";
    }
    if (p.suppressed_added + p.suppressed_updated + p.suppressed_deactivated != 0) {
      out << "  Import rules suppressed " << group_thousands(p.suppressed_added) << " additions, "
          << group_thousands(p.suppressed_updated) << " updates, "
          << group_thousands(p.suppressed_deactivated) << " deactivations (reported, not made)\n";
    }
  }
  if (!r.rules_change.empty()) out << "\n  " << r.rules_change << '\n';
  if (r.campuses.size() > 1) {
    out << "\n  By campus:  rows  rejected  warned   added  updated  deactivated  alerts\n";
    for (const CampusCounts& k : r.campuses) {
      char line[160];
      std::snprintf(line, sizeof line, "  %-10s %6u %9u %7u %7u %8u %12u %7u\n",
                    k.campus.empty() ? "(none)" : display_safe(k.campus).c_str(), k.rows,
                    k.rejected, k.warned, k.added, k.updated, k.deactivated, k.alerts);
      out << line;
    }
  }
  if (!r.trips.empty()) {
    out << "\n  Safeguards tripped (" << trips_outcome(r) << "):\n";
    for (const SafeguardTrip& t : r.trips) {
      char limit[32];
      std::snprintf(limit, sizeof limit, t.name == "rekey_min_students" ? "%g students" : "%g%%",
                    t.limit);
      out << "  " << t.name << " (limit " << limit << "): " << t.explanation << '\n';
    }
  }

  if (r.alerts != nullptr && !r.alerts->empty()) {
    out << "\n  Identity alerts (" << group_thousands(r.alerts->size())
        << "): a row is not added while its possible match is open; decide with rosterd "
           "resolve, list with rosterd alerts:\n";
    std::size_t n = 0;
    for (const IdentityAlert& a : *r.alerts) {
      if (n++ == kAlertsShown) {
        out << "  ... and " << group_thousands(r.alerts->size() - kAlertsShown) << " more\n";
        break;
      }
      write_alert(out, a, r.withhold_pii, "  ");
    }
  }

  std::array<CodeGroup, kDiscrepancyCodeCount> groups{};
  std::uint32_t errors = 0, warnings = 0;
  if (r.discrepancies != nullptr) {
    for (const Discrepancy& d : *r.discrepancies) {
      CodeGroup& g = groups[static_cast<std::size_t>(d.code)];
      ++g.count;
      if (g.examples.size() < kExamplesPerCode) g.examples.push_back(&d);
      ++(d.severity() == Severity::error ? errors : warnings);
    }
  }
  const bool kinds = r.kinds != nullptr && !r.kinds->empty();
  if (errors == 0 && warnings == 0) {
    out << (kinds ? "\n  No discrepancies in the students' file: every row passed every check.\n"
                  : "\n  No discrepancies: every row passed every check.\n");
  }
  if (errors != 0) {
    out << "\n  Errors (the row is rejected and changes nothing):\n";
    write_groups(out, groups, Severity::error);
  }
  if (warnings != 0) {
    out << "\n  Warnings (the row is accepted):\n";
    write_groups(out, groups, Severity::warning);
  }
  if (kinds)
    write_text_kinds(out, *r.kinds, r.kind_plans);
  else
    write_text_kind_counts(out, r.kind_counts, r.kind_discrepancies);
  bool any_kind_discrepancy = false;
  if (kinds) {
    for (const KindCheckResult& k : *r.kinds)
      any_kind_discrepancy = any_kind_discrepancy || !k.discrepancies.empty();
  }
  if (errors != 0 || warnings != 0 || any_kind_discrepancy)
    out << "\n  Every discrepancy, with its line and field: add --format json.\n";
  if (!r.next_steps.empty()) {
    out << '\n';
    for (const std::string& step : r.next_steps)
      out << "  " << step << '\n';
  }
}

void write_json_discrepancy(JsonWriter& w, const Discrepancy& d, std::string_view id_key,
                            std::string_view field) {
  w.begin_object();
  w.key("line");
  w.value(d.line);
  w.key(id_key);
  w.value(d.student_id);
  w.key("field");
  w.value(field);
  w.key("code");
  w.value(code_name(d.code));
  w.key("severity");
  w.value(severity_name(d.severity()));
  w.key("value");
  w.value(d.value);
  w.key("message");
  w.value(discrepancy_message(d));
  w.end_object();
}

void write_json_report(std::ostream& out, const RunReport& r) {
  JsonWriter w(out);
  w.begin_object();
  w.key("feed");
  w.value(r.feed);
  if (r.run_id) {
    w.key("run_id");
    w.value(static_cast<std::int64_t>(*r.run_id));
  }
  w.key("file");
  w.begin_object();
  w.key("name");
  w.value(r.file_name);
  w.key("sha256");
  w.value(r.sha256);
  w.key("bytes");
  w.value(static_cast<std::uint64_t>(r.bytes));
  if (r.delta) {
    w.key("delta");
    w.value(true);
  }
  w.end_object();
  w.key("decision");
  w.value(run_state_name(r.state));
  w.key("reason");
  w.value(r.reason);
  w.key("refusal");
  if (r.refusal) {
    const Discrepancy& d = *r.refusal;
    w.begin_object();
    w.key("code");
    w.value(code_name(d.code));
    w.key("line");
    w.value(d.line);
    w.key("field");
    w.value(d.field ? field_name(*d.field) : std::string_view());
    w.key("value");
    w.value(d.value);
    w.key("message");
    w.value(discrepancy_message(d));
    w.end_object();
  } else {
    w.null();
  }
  w.key("counts");
  w.begin_object();
  w.key("rows_read");
  w.value(r.counts.rows_read);
  w.key("rows_rejected");
  w.value(r.counts.rows_rejected);
  w.key("rows_warned");
  w.value(r.counts.rows_warned);
  if (r.plan) {
    w.key("added");
    w.value(r.plan->added);
    w.key("updated");
    w.value(r.plan->updated);
    w.key("deactivated");
    w.value(r.plan->deactivated);
    w.key("reactivated");
    w.value(r.plan->reactivated);
    w.key("unchanged");
    w.value(r.plan->unchanged);
    w.key("kept_rejected");
    w.value(r.plan->kept_rejected);
    w.key("rekeyed");
    w.value(r.plan->rekeyed);
    w.key("proposed_rekeys");
    w.value(r.plan->proposed_rekeys);
    w.key("held_for_review");
    w.value(r.plan->held_for_review);
    w.key("kept_for_review");
    w.value(r.plan->kept_for_review);
    w.key("linked");
    w.value(r.plan->linked);
    w.key("left_scope");
    w.value(r.plan->left_scope);
    w.key("kept_out_of_scope");
    w.value(r.plan->kept_out_of_scope);
    w.key("opted_out");
    w.value(r.plan->opted_out);
    w.key("suppressed_added");
    w.value(r.plan->suppressed_added);
    w.key("suppressed_updated");
    w.value(r.plan->suppressed_updated);
    w.key("suppressed_deactivated");
    w.value(r.plan->suppressed_deactivated);
  }
  w.key("rows_out_of_scope");
  w.value(r.rows_out_of_scope);
  w.key("rows_opted_out");
  w.value(r.rows_opted_out);
  w.key("rows_repeated");
  w.value(r.rows_repeated);
  w.end_object();
  w.key("rules_change");
  w.value(r.rules_change);
  w.key("school_year");
  w.value(r.school_year);
  w.key("held_part");
  if (r.held_part || r.held_run) {
    const PlanCounts held = r.held_part.value_or(PlanCounts{});
    w.begin_object();
    w.key("run_id");
    if (r.held_run) {
      w.value(static_cast<std::int64_t>(*r.held_run));
    } else {
      w.null();
    }
    w.key("state");
    w.value(r.held_state ? run_state_name(*r.held_state) : run_state_name(RunState::held));
    w.key("updated");
    w.value(held.updated);
    w.key("deactivated");
    w.value(held.deactivated);
    w.key("reactivated");
    w.value(held.reactivated);
    w.key("left_scope");
    w.value(held.left_scope);
    w.end_object();
  } else {
    w.null();
  }
  w.key("split_of");
  if (r.split_of) {
    w.value(static_cast<std::int64_t>(*r.split_of));
  } else {
    w.null();
  }
  w.key("campuses");
  w.begin_array(/*one_item_per_line=*/true);
  for (const CampusCounts& c : r.campuses) {
    w.begin_object();
    w.key("campus");
    w.value(c.campus);
    w.key("rows");
    w.value(c.rows);
    w.key("rejected");
    w.value(c.rejected);
    w.key("warned");
    w.value(c.warned);
    w.key("added");
    w.value(c.added);
    w.key("updated");
    w.value(c.updated);
    w.key("deactivated");
    w.value(c.deactivated);
    w.key("alerts");
    w.value(c.alerts);
    w.end_object();
  }
  w.end_array();
  w.key("safeguards");
  w.begin_array();
  for (const SafeguardTrip& t : r.trips) {
    w.begin_object();
    w.key("name");
    w.value(t.name);
    w.key("limit");
    w.value(t.limit);
    w.key("value");
    w.value(t.value);
    w.key("message");
    w.value(t.explanation);
    w.end_object();
  }
  w.end_array();
  w.key("discrepancies");
  w.begin_object();
  for (std::size_t c = 0; c < kDiscrepancyCodeCount; ++c) {
    if (r.by_code[c] == 0) continue;
    w.key(code_name(static_cast<DiscrepancyCode>(c)));
    w.value(r.by_code[c]);
  }
  w.end_object();
  w.key("rows");
  w.begin_array(/*one_item_per_line=*/true);
  if (r.discrepancies != nullptr) {
    for (const Discrepancy& d : *r.discrepancies)
      write_json_discrepancy(w, d, "student_id",
                             d.field ? field_name(*d.field) : std::string_view());
  }
  w.end_array();
  if (r.kinds != nullptr && !r.kinds->empty()) {
    w.key("kinds");
    write_json_kinds(w, *r.kinds, r.kind_plans);
  } else if (!r.kind_counts.empty()) {
    w.key("kinds");
    write_json_kind_counts(w, r.kind_counts, r.kind_discrepancies);
  }
  if (r.alerts != nullptr) {
    const auto values = [&](const std::vector<std::string>& v) {
      w.begin_object();
      for (std::size_t i = 0; i < v.size() && i < kFieldCount; ++i) {
        const auto f = static_cast<Field>(i);
        if (r.withhold_pii && (f == Field::first_name || f == Field::middle_name ||
                               f == Field::last_name || f == Field::birth_date))
          continue;
        w.key(field_name(f));
        w.value(v[i]);
      }
      w.end_object();
    };
    w.key("identity_alerts");
    w.begin_array(/*one_item_per_line=*/true);
    for (const IdentityAlert& a : *r.alerts) {
      w.begin_object();
      w.key("kind");
      w.value(alert_kind_name(a.kind));
      w.key("student_id");
      w.value(a.state_id);
      w.key("line");
      w.value(a.line);
      w.key("row");
      values(a.row);
      w.key("candidates");
      w.begin_array();
      for (const MatchCandidate& c : a.candidates) {
        w.begin_object();
        w.key("id");
        w.value(c.id);
        w.key("score");
        w.value(static_cast<std::int64_t>(c.score));
        w.key("values");
        values(c.values);
        w.end_object();
      }
      w.end_array();
      if (!a.outcome.empty()) {
        w.key("outcome");
        w.value(a.outcome);
      }
      w.end_object();
    }
    w.end_array();
  }
  if (r.suppressed != nullptr) {
    w.key("suppressed");
    w.begin_array(/*one_item_per_line=*/true);
    for (const Change& c : *r.suppressed) {
      w.begin_object();
      w.key("student_id");
      w.value(c.state_id);
      w.key("kind");
      w.value("suppressed_" + std::string(change_kind_name(c.kind)));
      w.key("line");
      w.value(c.line);
      w.end_object();
    }
    w.end_array();
  }
  if (r.changes != nullptr) {
    w.key("changes");
    w.begin_array(/*one_item_per_line=*/true);
    for (const Change& c : *r.changes) {
      w.begin_object();
      w.key("student_id");
      w.value(c.state_id);
      w.key("kind");
      w.value(change_kind_name(c.kind));
      w.key("line");
      w.value(c.line);
      if (c.before && c.has_after) {
        w.key("fields");
        w.begin_object();
        for (std::size_t i = 0; i < kFieldCount; ++i) {
          if ((c.changed_fields & (1u << i)) == 0) continue;
          w.key(field_name(static_cast<Field>(i)));
          w.begin_object();
          w.key("old");
          w.value((*c.before)[i]);
          w.key("new");
          w.value(c.after(i));
          w.end_object();
        }
        w.end_object();
      }
      w.end_object();
    }
    w.end_array();
  }
  w.key("actions");
  w.begin_array();
  for (const ReportAction& a : r.actions) {
    w.begin_object();
    w.member("at", a.at);
    w.member("who", a.who);
    w.member("via", a.via);
    w.member("action", a.action);
    w.member("reason", a.reason);
    w.member("detail", a.detail);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  out << '\n';
}

}  // namespace rosterd
