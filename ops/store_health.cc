#include "ops/store_health.h"

#include "pipeline/store_access.h"

namespace rosterd {

std::vector<std::string> check_store(const Config& config, bool thorough) {
  return open_store(config)->damage(thorough);
}

}  // namespace rosterd
