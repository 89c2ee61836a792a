// The fields of one student row, as rosterd knows them whatever a feed's columns are called.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace rosterd {

// Order is stable: it is the column order of the default layout and of `rosterd export`.
enum class Field : std::uint8_t {
  state_id,
  local_id,
  first_name,
  middle_name,
  last_name,
  birth_date,
  grade,
  campus,
  diagnoses,
  status,
  ela_score,
  math_score,
};

inline constexpr std::size_t kFieldCount = 12;

inline constexpr std::array<Field, kFieldCount> kAllFields = {
    Field::state_id,  Field::local_id,   Field::first_name, Field::middle_name,
    Field::last_name, Field::birth_date, Field::grade,      Field::campus,
    Field::diagnoses, Field::status,     Field::ela_score,  Field::math_score};

constexpr std::size_t field_index(Field f) {
  return static_cast<std::size_t>(f);
}

// The snake_case name used in the config (`columns: {state_id: ...}`) and in reports.
std::string_view field_name(Field f);

// The inverse of field_name; nullopt for a name that is no field.
std::optional<Field> field_from_name(std::string_view name);

// The header of the field's column in the default roster layout (e.g. "StudentStateID").
std::string_view default_column_name(Field f);

}  // namespace rosterd
