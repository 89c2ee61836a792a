#include "planner/policy.h"

#include <cmath>
#include <string>

namespace rosterd {

std::array<std::optional<double>, kFieldCount> Policy::default_field_change_limits() {
  std::array<std::optional<double>, kFieldCount> limits{};
  limits[field_index(Field::local_id)] = 10;
  limits[field_index(Field::first_name)] = 10;
  limits[field_index(Field::middle_name)] = 25;
  limits[field_index(Field::last_name)] = 10;
  limits[field_index(Field::birth_date)] = 2;
  limits[field_index(Field::grade)] = 25;
  limits[field_index(Field::campus)] = 25;
  return limits;
}

bool field_change_limitable(Field f) {
  return f != Field::state_id && f != Field::status;
}

}  // namespace rosterd

namespace rosterd {

std::uint32_t ExpectedCount::low() const {
  const double v = count * (1 - within_pct / 100);
  return v <= 0 ? 0 : static_cast<std::uint32_t>(std::floor(v));
}

std::uint32_t ExpectedCount::high() const {
  return static_cast<std::uint32_t>(std::ceil(count * (1 + within_pct / 100)));
}

std::optional<ExpectedCount> parse_expected_count(std::string_view text) {
  // Digits (with thousands commas), then optionally "±" or "+-" and a percentage.
  std::size_t i = 0;
  const auto blanks = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
      ++i;
  };
  const auto number = [&](bool commas, bool fraction) -> std::optional<double> {
    std::string digits;
    bool dot = false;
    while (i < text.size()) {
      const char c = text[i];
      if (c >= '0' && c <= '9') {
        digits += c;
      } else if (c == ',' && commas && !digits.empty()) {
      } else if (c == '.' && fraction && !dot && !digits.empty()) {
        dot = true;
        digits += c;
      } else {
        break;
      }
      ++i;
    }
    if (digits.empty() || digits.back() == '.' || digits.size() > 12) return std::nullopt;
    return std::stod(digits);
  };
  blanks();
  const auto count = number(true, false);
  if (!count || *count > 4294967295.0) return std::nullopt;
  ExpectedCount e;
  e.count = static_cast<std::uint32_t>(*count);
  blanks();
  if (i == text.size()) return e;
  if (text.substr(i).starts_with("\xC2\xB1")) {  // ±
    i += 2;
  } else if (text.substr(i).starts_with("+-")) {
    i += 2;
  } else {
    return std::nullopt;
  }
  blanks();
  const auto pct = number(false, true);
  blanks();
  if (!pct || *pct > 100 || i >= text.size() || text[i] != '%') return std::nullopt;
  ++i;
  blanks();
  if (i != text.size()) return std::nullopt;
  e.within_pct = *pct;
  return e;
}

}  // namespace rosterd
