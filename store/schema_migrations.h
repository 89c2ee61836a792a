// The store's schema brought up to date when it opens: each migration of schema.h runs once, in
// order, in its own write transaction (two processes opening a new store take turns); a store
// whose schema is newer than this rosterd knows is refused.
#pragma once

#include <string_view>
#include <vector>

#include "store/sql_db.h"

namespace rosterd {

// Throws StoreError when the store's schema is newer than `migrations`.
void migrate(SqlDb& db, const std::vector<std::string_view>& migrations);

}  // namespace rosterd
