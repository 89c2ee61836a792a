#include "planner/policy.h"

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
