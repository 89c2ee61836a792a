#include "core/field.h"

namespace rosterd {
namespace {

struct FieldNames {
  std::string_view config;
  std::string_view column;
};

constexpr std::array<FieldNames, kFieldCount> kNames = {{
    {"state_id", "StudentStateID"},
    {"local_id", "LocalStudentID"},
    {"first_name", "LegalFirstName"},
    {"middle_name", "LegalMiddleName"},
    {"last_name", "LegalLastName"},
    {"birth_date", "DateOfBirth"},
    {"grade", "Grade"},
    {"campus", "CampusID"},
    {"diagnoses", "Diagnoses"},
    {"status", "Status"},
    {"ela_score", "ELAScore"},
    {"math_score", "MathScore"},
}};

}  // namespace

std::string_view field_name(Field f) {
  return kNames[field_index(f)].config;
}

std::optional<Field> field_from_name(std::string_view name) {
  for (Field f : kAllFields) {
    if (kNames[field_index(f)].config == name) return f;
  }
  return std::nullopt;
}

std::string_view default_column_name(Field f) {
  return kNames[field_index(f)].column;
}

}  // namespace rosterd
