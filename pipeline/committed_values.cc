#include "pipeline/committed_values.h"

namespace rosterd {

CommittedLookup CommittedValues::lookup() {
  CommittedLookup l;
  l.student = [this](std::string_view id) {
    return store_.students().values(feed_.name, std::string(id));
  };
  l.known_school = [this](std::string_view org) {
    if (!schools_) {
      schools_.emplace();
      store_.students().for_each(feed_.name, [&](const std::vector<std::string>& v) {
        schools_->emplace(v[field_index(Field::campus)]);
      });
    }
    const std::optional<std::string> code = checker_.campus_code(org);
    return code && !code->empty() && schools_->count(*code) != 0;
  };
  return l;
}

}  // namespace rosterd
