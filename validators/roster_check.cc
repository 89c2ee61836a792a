#include "validators/roster_check.h"

#include <algorithm>
#include <unordered_map>

#include "core/student_index.h"
#include "core/utf8.h"

namespace rosterd {
namespace {

// Collects checked rows into a CheckResult.
class CheckSink : public RowSink {
 public:
  CheckSink(const RowChecker& checker, CheckResult& result)
      : checker_(checker), result_(result), index_(result.students) {}

  void on_row(const RawRow& row) override {
    const bool accepted = checker_.check(row, normalized_, result_.discrepancies);
    std::string_view id = row.values[field_index(Field::state_id)];
    if (id.empty()) return;
    StudentTable::Index at;
    if (accepted) {
      at = result_.students.append(normalized_.values, row.line);
    } else {
      // A rejected row is kept by its ID alone: the plan must not deactivate that student.
      StudentValues only_id{};
      safe_id_ = display_safe(id.substr(0, RowChecker::kMaxFieldBytes));
      only_id[field_index(Field::state_id)] = safe_id_;
      at = result_.students.append(only_id, row.line);
      result_.students.set_rejected(at);
    }
    if (const auto earlier = index_.insert(at)) duplicates_[*earlier].push_back(at);
  }

  // Rejects every row of every ID that appears more than once.
  void flag_duplicates() {
    StudentTable& t = result_.students;
    for (auto& [first, others] : duplicates_) {
      std::vector<StudentTable::Index> rows{first};
      rows.insert(rows.end(), others.begin(), others.end());
      std::string where = "lines ";
      const std::size_t shown = std::min<std::size_t>(rows.size(), 10);
      for (std::size_t i = 0; i < shown; ++i) {
        if (i != 0) where += i + 1 == rows.size() ? " and " : ", ";
        where += std::to_string(t.line(rows[i]));
      }
      if (shown < rows.size()) where += " and " + std::to_string(rows.size() - shown) + " more";
      for (StudentTable::Index r : rows) {
        t.set_rejected(r);
        Discrepancy d;
        d.line = t.line(r);
        d.code = DiscrepancyCode::duplicate_id;
        d.field = Field::state_id;
        d.student_id = std::string(t.get(r, Field::state_id));
        d.value = d.student_id;
        d.detail = where;
        result_.discrepancies.push_back(std::move(d));
      }
    }
  }

 private:
  const RowChecker& checker_;
  CheckResult& result_;
  StudentIndex index_;
  NormalizedRow normalized_;
  std::string safe_id_;
  std::unordered_map<StudentTable::Index, std::vector<StudentTable::Index>> duplicates_;
};

// Sorts the discrepancies by line and derives the counts from them.
void summarize(CheckResult& result) {
  auto& list = result.discrepancies;
  std::stable_sort(list.begin(), list.end(),
                   [](const Discrepancy& a, const Discrepancy& b) { return a.line < b.line; });
  result.counts.rows_read = result.file.rows;
  std::size_t i = 0;
  while (i < list.size()) {
    const std::uint32_t line = list[i].line;
    bool error = false;
    bool warning = false;
    for (; i < list.size() && list[i].line == line; ++i) {
      ++result.by_code[static_cast<std::size_t>(list[i].code)];
      (list[i].severity() == Severity::error ? error : warning) = true;
    }
    if (error) {
      ++result.counts.rows_rejected;
    } else if (warning) {
      ++result.counts.rows_warned;
    }
  }
}

template <typename Read>
CheckResult run_check(const RowChecker& checker, Read read) {
  CheckResult result;
  {
    CheckSink sink(checker, result);
    result.file = read(sink);
    if (!result.refused()) sink.flag_duplicates();
  }
  if (result.refused()) {
    // Nothing of a refused file counts; the refusal is the whole story.
    result.students = StudentTable();
    result.discrepancies.clear();
    result.file.rows = 0;
    ++result.by_code[static_cast<std::size_t>(result.file.refusal->code)];
    return result;
  }
  summarize(result);
  return result;
}

}  // namespace

CheckResult check_roster_file(const RosterReader& reader, const RowChecker& checker,
                              const std::filesystem::path& path) {
  return run_check(checker, [&](RowSink& sink) { return reader.read_file(path, sink); });
}

CheckResult check_roster_bytes(const RosterReader& reader, const RowChecker& checker,
                               std::string_view name, std::string_view bytes) {
  return run_check(checker, [&](RowSink& sink) { return reader.read_bytes(name, bytes, sink); });
}

}  // namespace rosterd
