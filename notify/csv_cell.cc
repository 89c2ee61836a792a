#include "notify/csv_cell.h"

#include "core/utf8.h"

namespace rosterd {
namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "+5", "-5", "-5.25": what a spreadsheet reads as a number, not as a formula.
bool signed_number(std::string_view s) {
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return false;
  s.remove_prefix(1);
  const std::size_t dot = s.find('.');
  if (dot == std::string_view::npos) return all_digits(s);
  return all_digits(s.substr(0, dot)) && all_digits(s.substr(dot + 1));
}

bool runs_as_formula(std::string_view v) {
  if (v.empty()) return false;
  switch (v[0]) {
    case '=':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '+':
    case '-':
      return !signed_number(v);
    default:
      return false;
  }
}

std::string quoted(const std::string& v) {
  // A ';' too: Excel set to a ';' list separator (much of Europe) would split the cell there,
  // and what follows could start a formula.
  if (v.find_first_of(",;\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string csv_cell(std::string_view value) {
  // Tabs and carriage returns would become \x09 / \x0d: neutralise on the value as found.
  std::string v = runs_as_formula(value) ? "'" : "";
  append_display_safe(v, value);
  return quoted(v);
}

std::string csv_id_cell(std::string_view id) {
  if (all_digits(id) && (id[0] == '0' || id.size() > 15))
    return "\"=\"\"" + std::string(id) + "\"\"\"";
  return csv_cell(id);
}

}  // namespace rosterd
