#include "validators/kind_check.h"

#include <algorithm>
#include <array>
#include <span>
#include <unordered_map>
#include <unordered_set>

#include "core/civil_date.h"
#include "core/hash.h"
#include "core/text.h"
#include "core/utf8.h"
#include "validators/contact_format.h"
#include "validators/row_checker.h"

namespace rosterd {
namespace {

// The reader's format for a kind: no student field, the kind's columns read as extra columns
// (RawRow::extras, in field order); a column whose field is optional may be missing.
RosterFormat reader_format(EntityKind kind, const KindFormat& f) {
  const EntityKindInfo& info = kind_info(kind);
  RosterFormat r;
  r.delimiter = f.delimiter;
  r.quote = f.quote;
  r.encoding = f.encoding;
  r.list_separator = f.list_separator;
  r.columns.fill("");
  r.required.reset();
  for (std::size_t i = 0; i < info.fields.size(); ++i) {
    const bool listed = i < f.columns.size();
    const std::string& header = listed ? f.columns[i] : std::string();
    if (info.fields[i].derived || (header.empty() && !info.fields[i].required && listed)) {
      // Not read: a header no column has (a control character), its values empty.
      r.extra_columns.push_back({"\x1f(not read)", true});
      continue;
    }
    r.extra_columns.push_back({header.empty() ? std::string(info.fields[i].default_header) : header,
                               !info.fields[i].required});
  }
  return r;
}

// A yes-or-no value as "Y" or "N"; false for anything else.
bool flag_value(std::string_view v, std::string& out) {
  for (std::string_view yes : {"Y", "yes", "true", "1", "T"}) {
    if (iequals(v, yes)) {
      out = "Y";
      return true;
    }
  }
  for (std::string_view no : {"N", "no", "false", "0", "F"}) {
    if (iequals(v, no)) {
      out = "N";
      return true;
    }
  }
  return false;
}

class KindChecker : public RowSink {
 public:
  KindChecker(EntityKind kind, const KindFormat& format, const ReferenceSet* reference,
              KindCheckResult& result)
      : info_(kind_info(kind)), format_(format), reference_(reference), result_(result) {
    if (kind == EntityKind::staff || kind == EntityKind::enrollments)
      role_field_ = entity_field(info_, "role");
    if (kind == EntityKind::sections) {
      course_field_ = entity_field(info_, "course_code");
      platform_courses_field_ = entity_field(info_, "platform_courses");
    }
  }

  void on_row(const RawRow& row) override {
    const std::size_t n = info_.fields.size();
    values_.assign(n, std::string());
    std::vector<Discrepancy> problems;
    const auto key = [&] {
      std::string k;
      for (std::size_t i = 0; i < info_.key.size(); ++i) {
        if (i != 0) k += '/';
        const std::string_view v =
            info_.key[i] < row.extras.size() ? row.extras[info_.key[i]] : std::string_view();
        k += is_valid_utf8(v) ? std::string(v) : display_safe(v);
      }
      return k;
    };
    const auto add = [&](DiscrepancyCode code, std::optional<std::size_t> field,
                         std::string_view value, std::string detail) {
      Discrepancy d;
      d.line = row.line;
      d.code = code;
      d.kind = info_.kind;
      if (field) d.kind_field = static_cast<std::uint8_t>(*field);
      d.value = std::string(value);
      d.detail = std::move(detail);
      problems.push_back(std::move(d));
    };
    for (const Discrepancy& p : row.problems) {
      Discrepancy d = p;
      d.kind = info_.kind;
      // The reader tells a line's bad bytes once; the field is the first value holding them.
      for (std::size_t i = 0; d.code == DiscrepancyCode::encoding && !d.kind_field &&
                              i < std::min(n, row.extras.size());
           ++i) {
        if (!is_valid_utf8(row.extras[i])) d.kind_field = static_cast<std::uint8_t>(i);
      }
      problems.push_back(std::move(d));
    }
    const bool encoding_told =
        std::any_of(row.problems.begin(), row.problems.end(),
                    [](const Discrepancy& p) { return p.code == DiscrepancyCode::encoding; });
    for (std::size_t i = 0; i < n && !row.broken; ++i) {
      const EntityField& f = info_.fields[i];
      if (f.derived) continue;
      const std::string_view v = i < row.extras.size() ? row.extras[i] : std::string_view();
      // A value built from another file's line (a standard layout's) is checked here; a file's
      // own reader has told its line's bytes already.
      if (!is_valid_utf8(v)) {
        if (!encoding_told) add(DiscrepancyCode::encoding, i, display_safe(v), "");
        continue;
      }
      if (v.size() > RowChecker::kMaxFieldBytes) {
        add(DiscrepancyCode::field_too_long, i, v.substr(0, 40),
            std::to_string(v.size()) + " bytes; at most " +
                std::to_string(RowChecker::kMaxFieldBytes) + " are taken");
        continue;
      }
      if (v.empty()) {
        if (f.required) add(DiscrepancyCode::missing_required, i, "", "");
        continue;
      }
      std::string& out = values_[i];
      switch (f.type) {
        case ValueType::date: {
          auto date = parse_date(v, format_.date_format);
          for (std::size_t k = 0; !date && k < format_.other_date_formats.size(); ++k)
            date = parse_date(v, format_.other_date_formats[k]);
          if (!date) {
            add(DiscrepancyCode::invalid_date, i, v, format_.date_format);
          } else {
            out = to_iso(*date);
          }
          break;
        }
        case ValueType::email:
          if (valid_email(v)) {
            out = std::string(v);
          } else {
            add(DiscrepancyCode::invalid_email, i, v, "");
          }
          break;
        case ValueType::phone:
          if (const auto phone = normalized_phone(v)) {
            out = *phone;
          } else {
            add(DiscrepancyCode::invalid_phone, i, v,
                "7 to 15 digits, spaces, dots, hyphens and parentheses between them");
          }
          break;
        case ValueType::status: {
          const auto in = [&](const std::vector<std::string>& words) {
            return std::any_of(words.begin(), words.end(),
                               [&](const std::string& w) { return iequals(w, v); });
          };
          if (in(format_.status.active)) {
            out = "A";
          } else if (in(format_.status.inactive)) {
            out = "I";
          } else {
            std::string allowed;
            for (const auto* words : {&format_.status.active, &format_.status.inactive})
              for (const std::string& w : *words)
                allowed += (allowed.empty() ? "" : ", ") + w;
            add(DiscrepancyCode::invalid_status, i, v, allowed);
          }
          break;
        }
        case ValueType::flag:
          if (!flag_value(v, out)) add(DiscrepancyCode::invalid_flag, i, v, "Y or N");
          break;
        case ValueType::code:
          if (const CodeTranslator* roles = role_codes(i, v)) {
            if (const auto code = roles->translate(v)) {
              out = std::string(*code);
            } else {
              add(DiscrepancyCode::unknown_role, i, v, "");
            }
          } else {
            out = std::string(v);
          }
          break;
        case ValueType::id:
        case ValueType::id_list:
        case ValueType::code_list:
        case ValueType::text:
          out = std::string(v);
          break;
      }
    }
    // A row that could not be split keeps its key as read (best effort, as a students' broken
    // row keeps its state ID), so that the plan keeps its committed row as it was rather than
    // reading it as gone.
    if (row.broken) {
      broken_lines_.insert(row.line);
      for (std::size_t k : info_.key) {
        const std::string_view v = k < row.extras.size() ? row.extras[k] : std::string_view();
        if (v.size() <= RowChecker::kMaxFieldBytes && is_valid_utf8(v)) values_[k] = std::string(v);
      }
    }
    if (!row.broken && course_field_ && platform_courses_field_)
      match_courses(values_[*course_field_], values_[*platform_courses_field_], add);
    // Dates that make a span: a term or an enrollment that ends before it starts.
    const auto start = entity_field(info_, "start_date");
    const auto end = entity_field(info_, "end_date");
    if (start && end && !values_[*start].empty() && !values_[*end].empty() &&
        values_[*end] < values_[*start]) {
      add(DiscrepancyCode::invalid_date, *end, values_[*end],
          std::string(kBeforeStart) + values_[*start]);
    }
    const std::string row_key = key();
    bool error = row.broken;
    bool warning = false;
    for (Discrepancy& d : problems) {
      d.student_id = row_key;
      (d.severity() == Severity::error ? error : warning) = true;
      result_.discrepancies.push_back(std::move(d));
    }
    std::vector<std::string_view> views(values_.begin(), values_.end());
    const EntityTable::Index r = result_.rows.append(views, row.line);
    if (error) {
      result_.rows.set_rejected(r);
      ++result_.counts.rows_rejected;
    } else if (warning) {
      ++result_.counts.rows_warned;
    }
    ++result_.counts.rows_read;
  }

  // The lines that could not be split: their keys are a best effort, not a duplicate's.
  const std::unordered_set<std::uint32_t>& broken_lines() const { return broken_lines_; }

 private:
  // The translator of field `i` with value `v`: the staff roles', for a staff member's role and
  // an enrollment's role other than student (a student's role is the platform's word itself);
  // null when the value is taken as it is.
  const CodeTranslator* role_codes(std::size_t i, std::string_view v) const {
    if (!role_field_ || i != *role_field_ || reference_ == nullptr || !reference_->staff_roles)
      return nullptr;
    if (info_.kind == EntityKind::enrollments && iequals(v, "student")) return nullptr;
    return &*reference_->staff_roles;
  }

  // A section's platform courses: its course's matches, in the list separator; the course as
  // it is when the feed has no course table.
  template <typename Add>
  void match_courses(const std::string& course, std::string& out, const Add& add) const {
    if (course.empty()) return;
    if (reference_ == nullptr || !reference_->courses) {
      out = course;
      return;
    }
    const auto matches = reference_->courses->platform_courses(course);
    if (matches.empty()) {
      add(DiscrepancyCode::unmatched_course, *course_field_, course, std::string());
      return;
    }
    for (const std::string& m : matches) {
      if (!out.empty()) out += format_.list_separator;
      out += m;
    }
  }

  const EntityKindInfo& info_;
  const KindFormat& format_;
  const ReferenceSet* reference_;
  KindCheckResult& result_;
  std::vector<std::string> values_;
  std::unordered_set<std::uint32_t> broken_lines_;
  std::optional<std::size_t> role_field_;
  std::optional<std::size_t> course_field_;
  std::optional<std::size_t> platform_courses_field_;
};

// A row's key fields hashed (core/hash.h) and whether each is present.
struct KeyHash {
  std::uint64_t hash = 0;
  bool complete = true;

  KeyHash(const EntityTable& t, EntityTable::Index r, std::span<const std::size_t> key) {
    for (const std::size_t f : key) {
      const std::string_view v = t.get(r, f);
      complete = complete && !v.empty();
      hash = hash_combine(hash, v);
    }
  }
};

bool same_key(const EntityTable& t, EntityTable::Index a, EntityTable::Index b,
              std::span<const std::size_t> key) {
  for (const std::size_t f : key)
    if (t.get(a, f) != t.get(b, f)) return false;
  return true;
}

// Rejects every row whose key another row has too, naming their lines. Rows are sorted by
// their keys' hashes (16 bytes a row) rather than put in a map of key strings: five million
// enrollments' keys as strings took most of the check's memory.
void flag_duplicate_keys(KindCheckResult& result,
                         const std::unordered_set<std::uint32_t>& broken_lines) {
  const EntityKindInfo& info = kind_info(result.kind);
  EntityTable& t = result.rows;
  struct Keyed {
    std::uint64_t hash;
    EntityTable::Index row;
    bool operator<(const Keyed& o) const { return hash != o.hash ? hash < o.hash : row < o.row; }
  };
  std::vector<Keyed> keyed;
  keyed.reserve(t.size());
  for (EntityTable::Index r = 0; r < t.size(); ++r) {
    const KeyHash h(t, r, info.key);
    if (h.complete && !broken_lines.contains(t.line(r))) keyed.push_back({h.hash, r});
  }
  std::sort(keyed.begin(), keyed.end());
  const auto flag = [&](const std::vector<EntityTable::Index>& rows) {
    std::vector<std::uint32_t> lines;
    for (EntityTable::Index r : rows)
      lines.push_back(t.line(r));
    const std::string where = lines_phrase(lines);
    std::string shown_key;
    for (std::size_t i = 0; i < info.key.size(); ++i) {
      if (i != 0) shown_key += '/';
      shown_key += t.get(rows[0], info.key[i]);
    }
    std::replace(shown_key.begin(), shown_key.end(), '\x1f', '/');
    for (EntityTable::Index r : rows) {
      if (!t.rejected(r)) {
        t.set_rejected(r);
        ++result.counts.rows_rejected;
      }
      Discrepancy d;
      d.line = t.line(r);
      d.code = DiscrepancyCode::duplicate_id;
      d.kind = result.kind;
      d.kind_field = static_cast<std::uint8_t>(info.key[0]);
      d.student_id = shown_key;
      d.value = shown_key;
      d.detail = where;
      result.discrepancies.push_back(std::move(d));
    }
  };
  for (std::size_t begin = 0; begin < keyed.size();) {
    std::size_t end = begin + 1;
    while (end < keyed.size() && keyed[end].hash == keyed[begin].hash)
      ++end;
    // Rows of one hash: grouped by their keys themselves (a collision keeps keys apart), each
    // group in file order.
    std::vector<bool> taken(end - begin);
    for (std::size_t i = begin; end - begin > 1 && i < end; ++i) {
      if (taken[i - begin]) continue;
      std::vector<EntityTable::Index> rows{keyed[i].row};
      for (std::size_t j = i + 1; j < end; ++j) {
        if (!taken[j - begin] && same_key(t, keyed[i].row, keyed[j].row, info.key)) {
          taken[j - begin] = true;
          rows.push_back(keyed[j].row);
        }
      }
      if (rows.size() > 1) flag(rows);
    }
    begin = end;
  }
  recount_rows_warned(result);  // a row rejected as a duplicate no longer counts as warned
  std::stable_sort(result.discrepancies.begin(), result.discrepancies.end(),
                   [](const Discrepancy& a, const Discrepancy& b) { return a.line < b.line; });
}

KindCheckResult finish(KindCheckResult result,
                       const std::unordered_set<std::uint32_t>& broken_lines = {}) {
  if (result.refused()) {
    // A file of a kind with no rows is refused as a students' file is: read as it is, it would
    // end every row of its kind. Its reason names the kind.
    result.file.refusal->kind = result.kind;
    result.rows = EntityTable(kind_info(result.kind).fields.size());
    result.discrepancies.clear();
    result.counts = CheckCounts{};
    return result;
  }
  flag_duplicate_keys(result, broken_lines);
  return result;
}

}  // namespace

void recount_rows_warned(KindCheckResult& result) {
  const EntityTable& t = result.rows;
  result.counts.rows_warned = 0;
  if (std::none_of(result.discrepancies.begin(), result.discrepancies.end(),
                   [](const Discrepancy& d) { return d.severity() == Severity::warning; }))
    return;
  // A warning's row is the last row read from its line (a line may give several rows: a
  // layout's section and the course it names).
  std::vector<std::pair<std::uint32_t, EntityTable::Index>> by_line;
  by_line.reserve(t.size());
  for (EntityTable::Index r = 0; r < t.size(); ++r)
    by_line.emplace_back(t.line(r), r);
  std::sort(by_line.begin(), by_line.end());
  std::vector<bool> warned(t.size(), false);
  std::uint32_t n = 0;
  for (const Discrepancy& d : result.discrepancies) {
    if (d.severity() != Severity::warning) continue;
    const auto it =
        std::upper_bound(by_line.begin(), by_line.end(), d.line,
                         [](std::uint32_t line, const auto& entry) { return line < entry.first; });
    if (it == by_line.begin() || std::prev(it)->first != d.line) continue;
    const EntityTable::Index row = std::prev(it)->second;
    if (t.rejected(row) || warned[row]) continue;
    warned[row] = true;
    ++n;
  }
  result.counts.rows_warned = n;
}

KindCheckResult* find_kind(std::vector<KindCheckResult>& kinds, EntityKind kind) {
  for (KindCheckResult& k : kinds)
    if (k.kind == kind) return &k;
  return nullptr;
}

KindFormat KindFormat::default_layout(EntityKind kind) {
  KindFormat f;
  for (const EntityField& field : kind_info(kind).fields)
    f.columns.emplace_back(field.default_header);
  return f;
}

const KindMember* RosterKinds::find(EntityKind kind) const {
  for (const KindMember& m : members)
    if (m.kind == kind) return &m;
  return nullptr;
}

KindCheckResult::KindCheckResult(EntityKind k) : kind(k), rows(kind_info(k).fields.size()) {}

KindCheckResult check_kind_file(EntityKind kind, const KindFormat& format,
                                const std::filesystem::path& path, const ReferenceSet* reference) {
  KindCheckResult result(kind);
  result.list_separator = format.list_separator;
  KindChecker checker(kind, format, reference, result);
  result.file = RosterReader(reader_format(kind, format)).read_file(path, checker);
  return finish(std::move(result), checker.broken_lines());
}

KindCheckResult check_layout_kind(const KindFormat& format, const LayoutKindRows& rows,
                                  const ReferenceSet* reference) {
  KindCheckResult result(rows.kind);
  result.list_separator = format.list_separator;
  result.file = rows.file;
  if (rows.file.refusal) return finish(std::move(result));
  KindChecker checker(rows.kind, format, reference, result);
  RawRow raw;
  for (const LayoutRow& row : rows.rows) {
    raw.line = row.line;
    raw.extras.assign(row.values.begin(), row.values.end());
    raw.problems = row.problems;
    raw.broken = row.broken;
    checker.on_row(raw);
  }
  return finish(std::move(result), checker.broken_lines());
}

KindFormat layout_kind_format(EntityKind kind, Encoding encoding) {
  KindFormat f = KindFormat::default_layout(kind);
  f.delimiter = ',';
  f.quote = QuoteMode::double_quote;
  f.encoding = encoding;
  f.date_format = "%Y-%m-%d";
  // School Data Sync's samples and Clever's term dates write 8/24/2021.
  f.other_date_formats = {"%m/%d/%Y"};
  f.list_separator = ',';
  f.status.active = {"active"};
  f.status.inactive = {"tobedeleted", "inactive"};
  return f;
}

KindCheckResult check_kind_bytes(EntityKind kind, const KindFormat& format, std::string_view name,
                                 std::string_view bytes, const ReferenceSet* reference) {
  KindCheckResult result(kind);
  result.list_separator = format.list_separator;
  KindChecker checker(kind, format, reference, result);
  result.file = RosterReader(reader_format(kind, format)).read_bytes(name, bytes, checker);
  return finish(std::move(result), checker.broken_lines());
}

}  // namespace rosterd
