#include "notify/qa_report_mail.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "core/text.h"
#include "core/utf8.h"
#include "notify/csv_cell.h"

namespace rosterd {
namespace {

bool is_pii(const std::optional<Field>& f) {
  return f && (*f == Field::first_name || *f == Field::middle_name || *f == Field::last_name ||
               *f == Field::birth_date);
}

std::string count(unsigned long long n, const char* one, const char* many) {
  return group_thousands(n) + " " + (n == 1 ? one : many);
}

// Platform code and name: "201 Lincoln Elementary"; the code alone when the name is unknown.
std::string school_label(const DistrictTerms* terms, std::string_view code) {
  if (code.empty()) return "";
  if (terms != nullptr) {
    const auto it = terms->school_names.find(code);
    if (it != terms->school_names.end() && !it->second.empty())
      return display_safe(code) + " " + display_safe(it->second);
  }
  return display_safe(code);
}

std::string school_name(const DistrictTerms* terms, std::string_view code) {
  if (terms == nullptr) return "";
  const auto it = terms->school_names.find(code);
  return it == terms->school_names.end() ? "" : display_safe(it->second);
}

std::string column_label(const DistrictTerms* terms, Field f) {
  if (terms != nullptr && !terms->columns[field_index(f)].empty())
    return display_safe(terms->columns[field_index(f)]);
  return std::string(field_name(f));
}

// What a code's discrepancies are, as a heading.
std::string code_title(DiscrepancyCode code) {
  using C = DiscrepancyCode;
  switch (code) {
    case C::empty_file:
      return "Empty file";
    case C::missing_column:
      return "A column is missing";
    case C::duplicate_column:
      return "A column appears twice";
    case C::unreadable:
      return "The file cannot be read";
    case C::column_count:
      return "Rows with too many or too few values";
    case C::bad_quote:
      return "Broken quotes";
    case C::missing_required:
      return "Required values missing";
    case C::invalid_date:
      return "Dates that are not real dates";
    case C::invalid_id:
      return "IDs that are not valid";
    case C::field_too_long:
      return "Values too long";
    case C::unknown_grade:
      return "Grades the platform does not know";
    case C::unknown_campus:
      return "Schools the platform does not know";
    case C::unknown_diagnosis:
      return "Diagnoses the platform does not know";
    case C::invalid_status:
      return "Enrollment status not recognised";
    case C::duplicate_id:
      return "A state ID on more than one row";
    case C::encoding:
      return "Characters in the wrong encoding";
    case C::implausible_birth_date:
      return "Birth dates that do not fit the grade";
    case C::invalid_score:
      return "Scores out of range";
    case C::same_person_two_ids:
      return "One person under two state IDs?";
  }
  return std::string(code_name(code));
}

// "adds 5 students, updates 8 and deactivates 7"; "changes no student".
std::string changes_phrase(const PlanCounts& p) {
  std::vector<std::string> parts;
  if (p.added != 0) parts.push_back("adds " + count(p.added, "student", "students"));
  if (p.updated != 0) parts.push_back("updates " + group_thousands(p.updated));
  if (p.deactivated != 0) parts.push_back("deactivates " + group_thousands(p.deactivated));
  if (p.reactivated != 0) parts.push_back("reactivates " + group_thousands(p.reactivated));
  if (parts.empty()) return "changes no student";
  if (parts.size() == 1 && p.added == 0)
    parts[0] += p.updated + p.deactivated + p.reactivated == 1 ? " student" : " students";
  std::string s;
  for (std::size_t i = 0; i < parts.size(); ++i)
    s += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
  return s;
}

const CampusCounts* campus_of(const RunReport& r, std::string_view code) {
  for (const CampusCounts& c : r.campuses)
    if (c.campus == code) return &c;
  return nullptr;
}

// What a tripped safeguard found, as a clause ("it would deactivate 16 of 49 students (33%)").
std::string trip_clause(const RunReport& r, const SafeguardTrip& t, const DistrictTerms* terms) {
  const PlanCounts p = r.plan.value_or(PlanCounts{});
  if (t.name == "max_deactivate_pct") {
    return "it would deactivate " + group_thousands(p.deactivated) + " of " +
           count(p.active_before, "student", "students") + " (" + rounded_pct(t.value) + ")";
  }
  if (t.name == "scope_change") {
    return group_thousands(p.left_scope) + " of " + count(p.active_before, "student", "students") +
           " (" + rounded_pct(t.value) +
           ") would leave the feed's scope after a change to its rules";
  }
  if (t.name == "max_row_drop_pct") {
    return "the file has " + rounded_pct(t.value) +
           " fewer rows than the last committed one, so it was probably cut short";
  }
  if (t.name == "max_reject_pct") {
    return group_thousands(r.counts.rows_rejected) + " of " +
           count(r.counts.rows_read, "row", "rows") + " (" + rounded_pct(t.value) +
           ") were rejected, more than the " + rounded_pct(t.limit) + " the feed allows";
  }
  if (t.name == "rekey_min_students") {
    return count(static_cast<unsigned long long>(t.value), "student's state ID",
                 "students' state IDs") +
           " changed in the SIS (each new ID has a committed student's name and birth date)";
  }
  if (t.name.starts_with("per_campus.")) {
    const std::size_t dot = t.name.rfind('.');
    const std::string code = t.name.substr(11, dot - 11);
    const CampusCounts* c = campus_of(r, code);
    const std::string where = "at " + school_label(terms, code) + ", ";
    if (c != nullptr && t.name.ends_with(".max_deactivate_pct")) {
      return where + group_thousands(c->deactivated) + " of " +
             count(c->rows + c->withdrawn, "student", "students") + " (" + rounded_pct(t.value) +
             ") would be deactivated";
    }
    if (c != nullptr && t.name.ends_with(".max_reject_pct")) {
      return where + group_thousands(c->rejected) + " of " + count(c->rows, "row", "rows") + " (" +
             rounded_pct(t.value) + ") were rejected";
    }
  }
  return t.explanation;
}

// The order a reader needs: what the run would do first, then why it likely happened.
int trip_rank(const SafeguardTrip& t) {
  if (t.name == "max_deactivate_pct") return 0;
  if (t.name == "scope_change") return 1;
  if (t.name == "max_row_drop_pct") return 2;
  if (t.name == "rekey_min_students") return 3;
  if (t.name == "max_reject_pct") return 4;
  return 5;
}

std::vector<const SafeguardTrip*> ordered_trips(const RunReport& r) {
  std::vector<const SafeguardTrip*> out;
  for (const SafeguardTrip& t : r.trips)
    out.push_back(&t);
  std::stable_sort(out.begin(), out.end(), [](const SafeguardTrip* a, const SafeguardTrip* b) {
    return trip_rank(*a) < trip_rank(*b);
  });
  return out;
}

std::string limit_text(const SafeguardTrip& t) {
  if (t.name == "rekey_min_students") return "a re-key is always held for a person to confirm";
  return "the feed allows " + rounded_pct(t.limit);
}

std::size_t possible_matches(const RunReport& r) {
  if (r.alerts == nullptr) return 0;
  return static_cast<std::size_t>(
      std::count_if(r.alerts->begin(), r.alerts->end(), [](const IdentityAlert& a) {
        return a.kind == AlertKind::possible_match || a.kind == AlertKind::existing_match;
      }));
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
    s = run + " " + changes_phrase(p) +
        " if it were live; nothing is committed while the feed "
        "is in test mode";
  } else {
    s = run + " " + changes_phrase(p) + "; it is committed as this report goes out";
  }
  MailTone tone = MailTone::good;
  std::string headline = test ? "Test run" : "Passed";
  if (r.counts.rows_rejected != 0) {
    tone = MailTone::attention;
    if (!test)
      headline = "Passed with " + count(r.counts.rows_rejected, "rejected row", "rejected rows");
    s += ". " + count(r.counts.rows_rejected, "rejected row changed", "rejected rows changed") +
         " nothing: fix " + (r.counts.rows_rejected == 1 ? "it" : "them") +
         " in the SIS so that the next file brings " +
         (r.counts.rows_rejected == 1 ? "it" : "them");
  }
  if (matches != 0) {
    tone = MailTone::attention;
    s += ". " + count(matches, "student was", "students were") +
         " not added because they look like a student the platform already has: decide whether "
         "they are the same";
  }
  if (tone == MailTone::good) s += test ? "" : ". Nothing for you to do";
  return {tone, headline, s + "."};
}

std::string person_name(const std::vector<std::string>& v) {
  if (v.size() < kFieldCount) return "";
  std::string s = display_safe(v[field_index(Field::last_name)]) + ", " +
                  display_safe(v[field_index(Field::first_name)]);
  if (!v[field_index(Field::middle_name)].empty())
    s += " " + display_safe(v[field_index(Field::middle_name)]);
  return s;
}

// The planned deactivations and proposed re-keys: who a held run would change.
struct Affected {
  std::string change;  // "deactivate", "new state ID"
  std::string state_id;
  std::string new_state_id;
  std::vector<std::string> values;  // before-image, kFieldCount (may be empty)
};

std::vector<Affected> affected_students(const RunReport& r, const std::string& campus) {
  std::vector<Affected> out;
  const auto own = [&](const std::vector<std::string>& v) {
    return campus.empty() || (v.size() == kFieldCount && v[field_index(Field::campus)] == campus);
  };
  if (r.alerts != nullptr) {
    for (const IdentityAlert& a : *r.alerts) {
      if (a.kind != AlertKind::rekey || a.candidates.empty() || !own(a.row)) continue;
      out.push_back({"new state ID", a.candidates[0].id, a.state_id, a.row});
    }
  }
  if (r.changes != nullptr) {
    for (const Change& c : *r.changes) {
      if (c.kind != ChangeKind::deactivated || !c.before || !own(*c.before)) continue;
      out.push_back({"deactivate", c.state_id, "", *c.before});
    }
  }
  return out;
}

constexpr std::size_t kAffectedShown = 20;

std::string attachment_base(const RunReport& r) {
  std::string feed;
  for (char c : r.feed)
    feed += (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_') ? c : '_';
  return "rosterd-" + feed + "-run-" + std::to_string(r.run_id.value_or(0));
}

// Each discrepancy's row, found by its line: local ID and school.
class RowsByLine {
 public:
  explicit RowsByLine(const RunReport& r) : rows_(r.rows) {
    if (rows_ == nullptr) return;
    for (StudentTable::Index i = 0; i < rows_->size(); ++i)
      index_.emplace(rows_->line(i), i);
  }
  std::string get(std::uint32_t line, Field f) const {
    if (rows_ == nullptr) return "";
    const auto it = index_.find(line);
    return it == index_.end() ? "" : std::string(rows_->get(it->second, f));
  }

 private:
  const StudentTable* rows_;
  std::unordered_map<std::uint32_t, StudentTable::Index> index_;
};

std::string discrepancy_csv(const std::vector<Discrepancy>& ds, const RunReport& r,
                            const QaMailOptions& o, const RowsByLine& rows) {
  const MessageTerms terms{o.terms != nullptr ? &o.terms->columns : nullptr,
                           o.pii != PiiLevel::full};
  std::string out(kCsvBom);
  out +=
      "severity,line,state_id,local_id,school_code,school_name,column,value,message,how_to_fix\r\n";
  const auto row = [&](std::initializer_list<std::string> cells) {
    bool first = true;
    for (const std::string& c : cells) {
      out += (first ? "" : ",") + c;
      first = false;
    }
    out += "\r\n";
  };
  for (const Discrepancy& d : ds) {
    const std::string campus = rows.get(d.line, Field::campus);
    row({d.severity() == Severity::error ? "rejected" : "accepted with a warning",
         std::to_string(d.line), csv_id_cell(d.student_id),
         csv_id_cell(rows.get(d.line, Field::local_id)), csv_id_cell(campus),
         csv_cell(school_name(o.terms, campus)),
         csv_cell(d.field ? column_label(o.terms, *d.field) : ""), csv_cell(d.value),
         csv_cell(discrepancy_message(d, terms)), csv_cell(how_to_fix(d.code))});
  }
  if (r.alerts != nullptr) {
    for (const IdentityAlert& a : *r.alerts) {
      if (a.kind == AlertKind::rekey || a.kind == AlertKind::existing_unmatched) continue;
      const std::string campus =
          a.row.size() == kFieldCount ? a.row[field_index(Field::campus)] : "";
      const MatchCandidate* c = a.candidates.empty() ? nullptr : &a.candidates[0];
      row({"not added (possible match)", std::to_string(a.line), csv_id_cell(a.state_id),
           csv_id_cell(a.row.size() == kFieldCount ? a.row[field_index(Field::local_id)] : ""),
           csv_id_cell(campus), csv_cell(school_name(o.terms, campus)), "", "",
           csv_cell("Looks like " +
                    std::string(a.kind == AlertKind::possible_match ? "committed student "
                                                                    : "existing student ") +
                    (c != nullptr
                         ? display_safe(c->id) + " (score " + std::to_string(c->score) + ")"
                         : std::string("another student")) +
                    ": not added until someone decides whether they are the same student."),
           csv_cell("Decide in the console; if the SIS gave this student a new state ID by "
                    "mistake, correct it there.")});
    }
  }
  return out;
}

std::string affected_csv(const std::vector<Affected>& who, const QaMailOptions& o) {
  const bool full = o.pii == PiiLevel::full;
  std::string out(kCsvBom);
  out += "change,state_id,new_state_id,local_id,school_code,school_name,grade";
  out += full ? ",last_name,first_name,birth_date\r\n" : "\r\n";
  for (const Affected& a : who) {
    const auto at = [&](Field f) {
      return a.values.size() == kFieldCount ? a.values[field_index(f)] : std::string();
    };
    out += csv_cell(a.change) + "," + csv_id_cell(a.state_id) + "," + csv_id_cell(a.new_state_id) +
           "," + csv_id_cell(at(Field::local_id)) + "," + csv_id_cell(at(Field::campus)) + "," +
           csv_cell(school_name(o.terms, at(Field::campus))) + "," + csv_id_cell(at(Field::grade));
    if (full) {
      out += "," + csv_cell(at(Field::last_name)) + "," + csv_cell(at(Field::first_name)) + "," +
             csv_cell(at(Field::birth_date));
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace

std::string rounded_pct(double v) {
  char buf[32];
  if (!(v == v)) return "?%";
  if (v != 0 && v < 1 && v > -1) {
    std::snprintf(buf, sizeof buf, "%.1f%%", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f%%", v);
  }
  return buf;
}

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
  if (r.state == RunState::held)
    return head + "HELD — " + (r.trips.empty() ? std::string("approval needed") : trips());
  if (r.state == RunState::dry_run) return head + "TEST RUN — " + counts;
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

MailDocument document_of(const RunReport& r, const QaMailOptions& o);

}  // namespace

MailDocument qa_report_document(const RunReport& report, const QaMailOptions& o) {
  const ShownReport shown(report, o);
  return document_of(shown.report, o);
}

namespace {

MailDocument document_of(const RunReport& r, const QaMailOptions& o) {
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

  if (held || o.kind == QaMailKind::reminder) {
    const std::vector<Affected> who = affected_students(r, o.campus);
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

  const RowsByLine rows(r);
  if (r.discrepancies != nullptr && !r.discrepancies->empty()) {
    std::array<std::vector<const Discrepancy*>, kDiscrepancyCodeCount> examples{};
    std::array<std::size_t, kDiscrepancyCodeCount> counts{};
    for (const Discrepancy& d : *r.discrepancies) {
      const auto c = static_cast<std::size_t>(d.code);
      ++counts[c];
      if (examples[c].size() < kExamplesPerCode) examples[c].push_back(&d);
    }
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

MailMessage qa_report_mail(const RunReport& report, const QaMailOptions& o) {
  // PII withheld in every part: the discrepancies, the refusal, the alerts' names.
  const ShownReport view(report, o);
  const RunReport& r = view.report;
  const std::vector<Discrepancy>& shown = view.discrepancies;

  MailMessage m;
  m.to = o.to;
  m.subject = qa_subject(r, o);
  m.message_id = "<run-" + std::to_string(r.run_id.value_or(0)) + "." + o.list +
                 (o.recipient_tag.empty() ? "" : "." + o.recipient_tag) + "." + r.feed +
                 "@rosterd>";
  const MailDocument doc = document_of(r, o);
  m.text = render_mail_text(doc);
  m.html = render_mail_html(doc, m.subject);
  const bool held = r.state == RunState::held && !o.awaiting_delivery;
  if (held || o.kind == QaMailKind::reminder) {
    const std::vector<Affected> who = affected_students(r, o.campus);
    if (!who.empty())
      m.attachments.push_back({attachment_base(r) + "-affected.csv", affected_csv(who, o)});
  }
  if (o.kind != QaMailKind::committed && o.kind != QaMailKind::reminder &&
      (!shown.empty() || possible_matches(r) != 0)) {
    m.attachments.insert(m.attachments.begin(), {attachment_base(r) + "-discrepancies.csv",
                                                 discrepancy_csv(shown, r, o, RowsByLine(r))});
  }
  return m;
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
