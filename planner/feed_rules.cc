#include "planner/feed_rules.h"

#include "core/text.h"

namespace rosterd {
namespace {

std::string join(const std::set<std::string, std::less<>>& codes) {
  std::string out;
  for (const std::string& c : codes)
    out += (out.empty() ? "" : ",") + c;
  return out.empty() ? "*" : out;
}

std::set<std::string, std::less<>> codes_of(std::string_view text) {
  std::set<std::string, std::less<>> out;
  if (text == "*") return out;
  for (std::string_view c : split(text, ','))
    out.emplace(c);
  return out;
}

}  // namespace

std::string describe_rules(const FeedRules& r) {
  const FeedScope& s = r.scope;
  std::string skip;
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (r.import.skip[i])
      skip += (skip.empty() ? "" : ",") + std::string(field_name(static_cast<Field>(i)));
  }
  return "campuses=" + join(s.campuses) + " exclude_campuses=" + join(s.exclude_campuses) +
         " grades=" + join(s.grades) + " exclude_grades=" + join(s.exclude_grades) +
         " exclude_students=" + std::to_string(s.exclude_students.size()) +
         " out_of_scope=" + (s.out_of_scope == OutOfScope::keep ? "keep" : "deactivate") +
         " add=" + (r.import.add ? "1" : "0") + " update=" + (r.import.update ? "1" : "0") +
         " deactivate=" + (r.import.deactivate ? "1" : "0") +
         " skip=" + (skip.empty() ? "*" : skip);
}

std::optional<FeedScope> scope_of_description(std::string_view text) {
  FeedScope s;
  bool any = false;
  for (std::string_view part : split(text, ' ')) {
    const std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view key = part.substr(0, eq), value = part.substr(eq + 1);
    if (key == "campuses") s.campuses = codes_of(value), any = true;
    if (key == "exclude_campuses") s.exclude_campuses = codes_of(value);
    if (key == "grades") s.grades = codes_of(value);
    if (key == "exclude_grades") s.exclude_grades = codes_of(value);
  }
  if (!any) return std::nullopt;
  return s;
}

}  // namespace rosterd
