#include "notify/report_csv.h"

#include <cctype>

#include "core/utf8.h"
#include "notify/csv_cell.h"
#include "notify/qa_report_mail.h"

namespace rosterd {

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

std::string attachment_base(const RunReport& r) {
  std::string feed;
  for (char c : r.feed)
    feed += (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_') ? c : '_';
  return "rosterd-" + feed + "-run-" + std::to_string(r.run_id.value_or(0));
}

RowsByLine::RowsByLine(const RunReport& r, const std::vector<const Discrepancy*>& wanted)
    : rows_(r.rows) {
  if (rows_ == nullptr || wanted.empty()) return;
  // Lines not found yet map to the table's size; a row's line fills its slot.
  for (const Discrepancy* d : wanted)
    index_.emplace(d->line, rows_->size());
  for (StudentTable::Index i = 0; i < rows_->size(); ++i) {
    const auto it = index_.find(rows_->line(i));
    if (it != index_.end() && it->second == rows_->size()) it->second = i;
  }
}

std::string RowsByLine::get(std::uint32_t line, Field f) const {
  if (rows_ == nullptr) return "";
  const auto it = index_.find(line);
  if (it == index_.end() || it->second >= rows_->size()) return "";
  return std::string(rows_->get(it->second, f));
}

std::string discrepancy_csv(const std::vector<Discrepancy>& ds, const RunReport& r,
                            const DistrictTerms* district, bool full_pii, const RowsByLine& rows) {
  const MessageTerms terms{district != nullptr ? &district->columns : nullptr, !full_pii};
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
         csv_cell(school_name(district, campus)),
         csv_cell(d.field ? column_label(district, *d.field) : ""), csv_cell(d.value),
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
           csv_id_cell(campus), csv_cell(school_name(district, campus)), "", "",
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

std::string kind_discrepancy_csv(const RunReport& r, bool full_pii) {
  if (r.kinds == nullptr) return "";
  std::string out;
  const MessageTerms terms{nullptr, !full_pii};
  for (const KindCheckResult& k : *r.kinds) {
    const EntityKindInfo& info = kind_info(k.kind);
    for (const Discrepancy& d : k.discrepancies) {
      if (out.empty()) {
        out = kCsvBom;
        out += "kind,file,severity,line,key,field,value,message,how_to_fix\r\n";
      }
      const bool has_field = d.kind_field && *d.kind_field < info.fields.size();
      const bool withheld = !full_pii && redact_pii(d).value != d.value;
      out += csv_cell(std::string(info.name)) + "," + csv_cell(k.file.name) + "," +
             (d.severity() == Severity::error ? "rejected" : "accepted with a warning") + "," +
             std::to_string(d.line) + "," + csv_id_cell(d.student_id) + "," +
             csv_cell(has_field ? std::string(info.fields[*d.kind_field].name) : "") + "," +
             csv_cell(withheld ? "[withheld]" : d.value) + "," +
             csv_cell(discrepancy_message(d, withheld ? terms : MessageTerms{})) + "," +
             csv_cell(how_to_fix(d.code, k.kind)) + "\r\n";
    }
  }
  return out;
}

std::string affected_csv(const std::vector<Affected>& who, const DistrictTerms* terms,
                         bool full_pii) {
  const bool full = full_pii;
  std::string out(kCsvBom);
  out += "change,state_id,new_state_id,local_id,school_code,school_name,grade";
  out += full ? ",last_name,first_name,birth_date\r\n" : "\r\n";
  for (const Affected& a : who) {
    const auto at = [&](Field f) {
      return a.values.size() == kFieldCount ? a.values[field_index(f)] : std::string();
    };
    out += csv_cell(a.change) + "," + csv_id_cell(a.state_id) + "," + csv_id_cell(a.new_state_id) +
           "," + csv_id_cell(at(Field::local_id)) + "," + csv_id_cell(at(Field::campus)) + "," +
           csv_cell(school_name(terms, at(Field::campus))) + "," + csv_id_cell(at(Field::grade));
    if (full) {
      out += "," + csv_cell(at(Field::last_name)) + "," + csv_cell(at(Field::first_name)) + "," +
             csv_cell(at(Field::birth_date));
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace rosterd
