#include "notify/mail_words.h"

#include <algorithm>
#include <cstdio>

#include "core/text.h"
#include "core/utf8.h"

namespace rosterd {
namespace {

const CampusCounts* campus_of(const RunReport& r, std::string_view code) {
  for (const CampusCounts& c : r.campuses)
    if (c.campus == code) return &c;
  return nullptr;
}

// The order a reader needs: what the run would do first, then why it likely happened.
int trip_rank(const SafeguardTrip& t) {
  if (t.name == "school_year.rollover" || t.name.starts_with("expect.")) return -1;
  if (t.name == "max_deactivate_pct") return 0;
  if (t.name == "scope_change") return 1;
  if (t.name == "max_row_drop_pct") return 2;
  if (t.name.starts_with("max_field_change_pct.")) return 3;
  if (t.name == "max_update_pct") return 4;
  if (t.name == "rekey_min_students") return 5;
  if (t.name == "max_reject_pct") return 6;
  return 7;
}

}  // namespace

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
    case C::unclear_century:
      return "Birth dates whose century is unclear";
    case C::missing_member:
      return "A file of the set is missing";
    case C::refused_zip:
      return "The zip was refused";
    case C::related_row_missing:
      return "Students missing from another file of the set";
    case C::related_row_twice:
      return "Students twice in another file of the set";
    case C::invalid_email:
      return "Email addresses that are not addresses";
    case C::invalid_phone:
      return "Phone numbers that are not numbers";
    case C::invalid_flag:
      return "Yes-or-no values that are neither";
    case C::unknown_reference:
      return "Rows naming a row another file lacks";
    case C::role_conflict:
      return "Enrollments in the wrong role";
    case C::section_without_teacher:
      return "Sections without a teacher";
    case C::section_without_students:
      return "Sections without students";
    case C::guardian_no_contact:
      return "Guardians no message can reach";
    case C::guardian_shared_email:
      return "One email address on two families' guardians";
    case C::person_in_two_roles:
      return "Guardians who are also staff members";
    case C::unknown_role:
      return "Roles the platform does not know";
    case C::unmatched_course:
      return "Sections whose course matches no platform course";
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

// What a tripped safeguard found, as a clause ("it would deactivate 16 of 49 students (33%)").
std::string trip_clause(const RunReport& r, const SafeguardTrip& t, const DistrictTerms* terms) {
  PlanCounts p = r.plan.value_or(PlanCounts{});
  if (r.held_part) {
    // The run commits part of the file: its safeguards weighed the whole of it.
    p.updated += r.held_part->updated;
    p.deactivated += r.held_part->deactivated;
    p.reactivated += r.held_part->reactivated;
    p.left_scope += r.held_part->left_scope;
  }
  if (t.name == "school_year.rollover") {
    return "this looks like the new school year's file (" + rounded_pct(t.value) +
           " of the students a grade up), but it came outside the rollover window";
  }
  const bool in_rollover = !r.school_year.empty() &&
                           std::none_of(r.trips.begin(), r.trips.end(), [](const SafeguardTrip& x) {
                             return x.name == "school_year.rollover";
                           });
  if (t.name == "max_deactivate_pct" && in_rollover) {
    // Within the rollover window the graduates are no withdrawals: the share is of the others.
    return "besides the graduates, it would deactivate " + rounded_pct(t.value) + " of " +
           count(p.active_before, "student", "students");
  }
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
  if (t.name == "max_update_pct" && in_rollover) {
    return "besides the new year's promotions, it would update " + rounded_pct(t.value) + " of " +
           count(p.active_before, "student", "students");
  }
  if (t.name == "max_update_pct") {
    return "it would update " + group_thousands(p.updated) + " of " +
           count(p.active_before, "student", "students") + " (" + rounded_pct(t.value) + ")";
  }
  if (t.name.starts_with("max_field_change_pct.")) {
    // In the district's words: their column, and the likeliest cause.
    const std::optional<Field> f = field_from_name(t.name.substr(21));
    const std::string column = f ? column_label(terms, *f) : t.name.substr(21);
    return "the " + column + " column would change for " + rounded_pct(t.value) +
           " of the students, as if the file's columns were out of order";
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
  if (t.name == "school_year.rollover")
    return "approve it if it is, or widen school_year.rollover.window";
  if (t.name.starts_with("expect."))
    return "approve it if the count is right, and correct the feed's expect: count";
  return "the feed allows " + rounded_pct(t.limit);
}

std::size_t possible_matches(const RunReport& r) {
  if (r.alerts == nullptr) return 0;
  return static_cast<std::size_t>(
      std::count_if(r.alerts->begin(), r.alerts->end(), [](const IdentityAlert& a) {
        return a.kind == AlertKind::possible_match || a.kind == AlertKind::existing_match;
      }));
}

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

std::string person_name(const std::vector<std::string>& v) {
  if (v.size() < kFieldCount) return "";
  std::string s = display_safe(v[field_index(Field::last_name)]) + ", " +
                  display_safe(v[field_index(Field::first_name)]);
  if (!v[field_index(Field::middle_name)].empty())
    s += " " + display_safe(v[field_index(Field::middle_name)]);
  return s;
}

}  // namespace rosterd
