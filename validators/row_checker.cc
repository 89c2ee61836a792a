#include "validators/row_checker.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "core/text.h"
#include "core/utf8.h"

namespace rosterd {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Why `id` breaks the rule, or empty when it does not.
std::string id_problem(std::string_view id, const IdRule& rule) {
  if (id.size() < rule.min_length || id.size() > rule.max_length) {
    return rule.min_length == rule.max_length
               ? "it must be " + std::to_string(rule.min_length) + " characters long"
               : "it must be " + std::to_string(rule.min_length) + " to " +
                     std::to_string(rule.max_length) + " characters long";
  }
  switch (rule.charset) {
    case IdCharset::digits:
      if (!all_digits(id)) return "it must contain digits only";
      break;
    case IdCharset::alphanumeric:
      if (!std::all_of(id.begin(), id.end(), is_alnum))
        return "it must contain letters and digits only";
      break;
    case IdCharset::any:
      if (id.find_first_of(" \t") != std::string_view::npos) return "it must not contain blanks";
      break;
  }
  return {};
}

// A shortened copy of an over-long value, for reports.
std::string excerpt(std::string_view v) {
  constexpr std::size_t kKeep = 40;
  if (v.size() <= kKeep) return std::string(v);
  std::size_t cut = kKeep;
  while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80)
    --cut;  // whole characters
  return std::string(v.substr(0, cut)) + "...";
}

std::string format_range(const ScoreRange& r) {
  char a[32], b[32];
  auto ea = std::to_chars(a, a + sizeof a, r.min).ptr;
  auto eb = std::to_chars(b, b + sizeof b, r.max).ptr;
  return std::string(a, ea) + " to " + std::string(b, eb);
}

}  // namespace

RowChecker::RowChecker(const RosterFormat& format, const CheckOptions& options,
                       const ReferenceSet& reference, CivilDate today)
    : format_(format), options_(options), reference_(reference), today_(today) {
  const bool before_start =
      today.month < options.school_year_start_month ||
      (today.month == options.school_year_start_month && today.day < options.school_year_start_day);
  age_date_ = CivilDate{before_start ? today.year - 1 : today.year, options.school_year_start_month,
                        options.school_year_start_day};
  date_formats_ = format.date_format;
  for (std::size_t i = 0; i < format.other_date_formats.size(); ++i) {
    date_formats_ += i + 1 == format.other_date_formats.size() ? " or " : ", ";
    date_formats_ += format.other_date_formats[i];
  }
  for (const auto& v : format.status.active)
    status_help_ += (status_help_.empty() ? "" : ", ") + v + " = active";
  for (const auto& v : format.status.inactive)
    status_help_ += (status_help_.empty() ? "" : ", ") + v + " = inactive";
}

int RowChecker::typical_age(std::string_view grade) const {
  if (!options_.grade_ages.empty()) {
    const auto it = options_.grade_ages.find(grade);
    return it == options_.grade_ages.end() ? -1 : it->second;
  }
  // Digits first: most rows are of grades 1 to 12.
  if (all_digits(grade) && grade.size() <= 2) {
    const int n = grade.size() == 1 ? grade[0] - '0' : (grade[0] - '0') * 10 + (grade[1] - '0');
    if (n >= 1 && n <= 12) return 5 + n;
    return grade == "00" ? 5 : -1;
  }
  if (iequals(grade, "PK") || iequals(grade, "PREK") || iequals(grade, "PK4")) return 4;
  if (iequals(grade, "K") || iequals(grade, "KG") || iequals(grade, "KF")) return 5;
  return -1;
}

bool RowChecker::check(const RawRow& row, NormalizedRow& out,
                       std::vector<Discrepancy>& problems) const {
  const std::size_t first = problems.size();
  problems.insert(problems.end(), row.problems.begin(), row.problems.end());
  out.text.clear();
  out.values.fill(std::string_view());
  if (row.broken) return false;

  const std::string_view raw_id = row.values[field_index(Field::state_id)];
  std::bitset<kFieldCount> skip;  // fields already reported (encoding) are not checked again
  for (const Discrepancy& d : row.problems) {
    if (d.field) skip.set(field_index(*d.field));
  }
  const bool id_displayable = !skip.test(field_index(Field::state_id));
  const auto add = [&](DiscrepancyCode code, Field f, std::string_view value,
                       std::string detail = {}) {
    Discrepancy d;
    d.line = row.line;
    d.code = code;
    d.field = f;
    d.student_id = id_displayable ? std::string(raw_id) : display_safe(raw_id);
    d.value = std::string(value);
    d.detail = std::move(detail);
    problems.push_back(std::move(d));
  };

  for (Field f : kAllFields) {
    const std::string_view v = row.values[field_index(f)];
    if (v.size() > kMaxFieldBytes && !skip.test(field_index(f))) {
      add(DiscrepancyCode::field_too_long, f, excerpt(v),
          std::to_string(v.size()) + " bytes; at most " + std::to_string(kMaxFieldBytes) +
              " are taken");
      skip.set(field_index(f));
    }
  }

  // Offsets into a row's text fit 32 bits, half the stores to clear for each row: a value from
  // the file is at most kMaxFieldBytes, a platform code at most ReferenceTable::kMaxCodeBytes.
  std::array<std::pair<std::uint32_t, std::uint32_t>, kFieldCount> spans{};
  const auto put = [&](Field f, std::string_view v) {
    spans[field_index(f)] = {static_cast<std::uint32_t>(out.text.size()),
                             static_cast<std::uint32_t>(v.size())};
    out.text.append(v);
  };
  std::optional<CivilDate> birth;
  std::optional<std::string_view> grade;

  for (Field f : kAllFields) {
    const std::string_view v = row.values[field_index(f)];
    if (skip.test(field_index(f))) continue;
    if (row.committed.test(field_index(f))) {
      // The committed roster's own value: checked and mapped when it was committed (and its
      // birth date's plausibility reported then).
      put(f, v);
      if (f == Field::grade) grade = v;
      continue;
    }
    if (v.empty()) {
      if (format_.required.test(field_index(f))) add(DiscrepancyCode::missing_required, f, v);
      if (f == Field::status) put(f, "A");  // no status column or value: the student is active
      continue;
    }
    switch (f) {
      case Field::state_id: {
        std::string why = id_problem(v, options_.state_id);
        if (!why.empty()) add(DiscrepancyCode::invalid_id, f, v, std::move(why));
        put(f, v);
        break;
      }
      case Field::birth_date: {
        DateReading reading = read_date(v, format_.date_format, today_);
        for (std::size_t i = 0;
             !reading.date && !reading.century_unclear && i < format_.other_date_formats.size();
             ++i)
          reading = read_date(v, format_.other_date_formats[i], today_);
        birth = reading.date;
        if (reading.century_unclear) {
          add(DiscrepancyCode::unclear_century, f, v,
              std::to_string(kTwoDigitYearSpan) + " years up to the file's date, " +
                  to_iso(today_));
          break;
        }
        if (!birth) {
          add(DiscrepancyCode::invalid_date, f, v, date_formats_);
          break;
        }
        put(f, to_iso(*birth));
        break;
      }
      case Field::grade:
      case Field::campus: {
        const auto& translator = f == Field::grade ? reference_.grades : reference_.campuses;
        if (!translator) {
          put(f, v);
          if (f == Field::grade) grade = v;
          break;
        }
        const auto code = translator->translate(v);
        if (!code) {
          if (f == Field::grade)
            add(DiscrepancyCode::unknown_grade, f, v);
          else
            add(DiscrepancyCode::unknown_campus, f, v,
                row.school_name.empty()
                    ? std::string()
                    : display_safe(row.school_name) + " in " + display_safe(row.school_file));
          break;
        }
        put(f, *code);
        if (f == Field::grade) grade = *code;
        break;
      }
      case Field::diagnoses: {
        // Up to kMaxDiagnoses codes on the stack: no allocation on the hot path.
        constexpr std::size_t kMaxDiagnoses = 32;
        // Not value-initialised (512 bytes a row): only codes[0, n) are ever read.
        union Codes {
          Codes() {}
          std::string_view at[kMaxDiagnoses];
        } storage;
        std::string_view* codes = storage.at;
        std::size_t n = 0;
        bool ok = true;
        std::size_t start = 0;
        while (start <= v.size()) {
          std::size_t end = v.find(format_.list_separator, start);
          if (end == std::string_view::npos) end = v.size();
          const std::string_view item = trim(v.substr(start, end - start));
          start = end + 1;
          if (item.empty()) continue;
          std::optional<std::string_view> code = item;
          if (reference_.diagnoses) code = reference_.diagnoses->translate(item);
          if (!code) {
            add(DiscrepancyCode::unknown_diagnosis, f, item);
            ok = false;
          } else if (n < kMaxDiagnoses) {
            codes[n++] = *code;
          } else {
            add(DiscrepancyCode::field_too_long, f, excerpt(v), "more than 32 diagnoses");
            ok = false;
            break;
          }
        }
        if (!ok) break;
        std::sort(codes, codes + n);
        n = static_cast<std::size_t>(std::unique(codes, codes + n) - codes);
        spans[field_index(f)].first = static_cast<std::uint32_t>(out.text.size());
        for (std::size_t i = 0; i < n; ++i) {
          if (i != 0) out.text += ';';
          out.text.append(codes[i]);
        }
        spans[field_index(f)].second =
            static_cast<std::uint32_t>(out.text.size() - spans[field_index(f)].first);
        break;
      }
      case Field::status: {
        const auto matches = [&](const std::vector<std::string>& list) {
          return std::any_of(list.begin(), list.end(),
                             [&](const std::string& s) { return iequals(s, v); });
        };
        if (matches(format_.status.active)) {
          put(f, "A");
        } else if (matches(format_.status.inactive)) {
          put(f, "I");
        } else {
          add(DiscrepancyCode::invalid_status, f, v, status_help_);
        }
        break;
      }
      case Field::ela_score:
      case Field::math_score: {
        const ScoreRange& range = f == Field::ela_score ? options_.ela_score : options_.math_score;
        // Fast path: a whole number of up to 6 digits without a leading zero is already in
        // shortest form.
        if (v.size() <= 6 && all_digits(v) && (v.size() == 1 || v[0] != '0')) {
          int whole = 0;
          for (char ch : v)
            whole = whole * 10 + (ch - '0');
          if (whole >= range.min && whole <= range.max) {
            put(f, v);
            break;
          }
        }
        double score = 0;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), score);
        if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(score) ||
            score < range.min || score > range.max) {
          add(DiscrepancyCode::invalid_score, f, v, format_range(range));
          break;  // the score is not taken
        }
        char buf[32];
        const auto res = std::to_chars(buf, buf + sizeof buf, score);
        put(f, std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
        break;
      }
      default:
        put(f, v);
        break;
    }
  }

  if (birth && grade) {
    const int age = age_on(*birth, age_date_);
    const int typical = typical_age(*grade);
    const bool off = typical >= 0 ? std::abs(age - typical) > options_.age_tolerance_years
                                  : (age < 3 || age > 21);
    if (off) {
      std::string detail = "age " + std::to_string(age) + " on " + to_iso(age_date_);
      if (typical >= 0) {
        detail += ", while grade " + std::string(*grade) + " students are usually " +
                  std::to_string(typical) + " (give or take " +
                  std::to_string(options_.age_tolerance_years) + " years)";
      } else {
        detail += ", outside school age (3 to 21)";
      }
      add(DiscrepancyCode::implausible_birth_date, Field::birth_date,
          row.values[field_index(Field::birth_date)], std::move(detail));
    }
  }

  for (std::size_t i = 0; i < kFieldCount; ++i) {
    out.values[i] = std::string_view(out.text).substr(spans[i].first, spans[i].second);
  }
  return std::none_of(problems.begin() + static_cast<std::ptrdiff_t>(first), problems.end(),
                      [](const Discrepancy& d) { return d.severity() == Severity::error; });
}

std::optional<std::string> RowChecker::campus_code(std::string_view district_code) const {
  if (!reference_.campuses) return std::string(district_code);
  const auto code = reference_.campuses->translate(district_code);
  if (!code) return std::nullopt;
  return std::string(*code);
}

}  // namespace rosterd
