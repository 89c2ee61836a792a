#include "parsers/roster_format.h"

namespace rosterd {

RosterFormat RosterFormat::default_layout() {
  RosterFormat f;
  for (Field field : kAllFields)
    f.columns[field_index(field)] = std::string(default_column_name(field));
  for (Field field : {Field::state_id, Field::first_name, Field::last_name, Field::birth_date,
                      Field::grade, Field::campus}) {
    f.required.set(field_index(field));
  }
  return f;
}

}  // namespace rosterd
