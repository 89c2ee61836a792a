#include "planner/policy.h"

#include <algorithm>
#include <cstdint>
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

namespace {

// The margin in students, rounded down: a count within it is within count ± that.
std::uint64_t margin(const ExpectedCount& e) {
  return std::uint64_t{e.count} * e.within_hundredths / 10000;
}

}  // namespace

std::uint32_t ExpectedCount::low() const {
  return static_cast<std::uint32_t>(count - std::min<std::uint64_t>(margin(*this), count));
}

std::uint32_t ExpectedCount::high() const {
  return static_cast<std::uint32_t>(
      std::min<std::uint64_t>(std::uint64_t{count} + margin(*this), UINT32_MAX));
}

std::optional<ExpectedCount> parse_expected_count(std::string_view text) {
  std::size_t i = 0;
  const auto blanks = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
      ++i;
  };
  const auto digit = [&] { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  // Digits, with commas only between groups of three ("5,200", never "5,2,00").
  const auto whole = [&](bool commas) -> std::optional<std::uint64_t> {
    std::uint64_t n = 0;
    std::size_t digits = 0, group = 0;
    bool grouped = false;
    while (i < text.size()) {
      if (digit()) {
        n = n * 10 + static_cast<std::uint64_t>(text[i] - '0');
        ++digits;
        ++group;
        if (digits > 12) return std::nullopt;
      } else if (commas && text[i] == ',' && digits != 0 && (grouped ? group == 3 : group <= 3) &&
                 i + 1 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '9') {
        grouped = true;
        group = 0;
      } else {
        break;
      }
      ++i;
    }
    if (digits == 0 || (grouped && group != 3)) return std::nullopt;
    return n;
  };
  blanks();
  const auto count = whole(true);
  if (!count || *count == 0 || *count > UINT32_MAX) return std::nullopt;
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
  const auto pct = whole(false);
  if (!pct) return std::nullopt;
  std::uint64_t hundredths = *pct * 100;
  if (i < text.size() && text[i] == '.') {
    ++i;
    std::uint64_t scale = 10;
    std::size_t decimals = 0;
    while (digit()) {
      if (++decimals > 2) return std::nullopt;
      hundredths += static_cast<std::uint64_t>(text[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (decimals == 0) return std::nullopt;
  }
  blanks();
  if (hundredths > 10000 || i >= text.size() || text[i] != '%') return std::nullopt;
  ++i;
  blanks();
  if (i != text.size()) return std::nullopt;
  e.within_hundredths = static_cast<std::uint32_t>(hundredths);
  return e;
}

}  // namespace rosterd
