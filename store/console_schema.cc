#include <string>

#include "store/schema.h"

namespace rosterd {

std::string console_tables_sql(std::string_view id_column) {
  // One text for both databases; only the generated id differs.
  std::string sql = R"sql(
CREATE TABLE console_users (
  id @ID@,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL DEFAULT '',
  created TEXT NOT NULL
);
CREATE TABLE console_roles (
  user_id BIGINT NOT NULL REFERENCES console_users(id),
  feed TEXT NOT NULL,
  role TEXT NOT NULL,
  PRIMARY KEY (user_id, feed)
);
CREATE TABLE console_keys (
  digest TEXT NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES console_users(id),
  kind TEXT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  csrf TEXT NOT NULL DEFAULT '',
  created BIGINT NOT NULL,
  last_used BIGINT NOT NULL,
  expires BIGINT NOT NULL
);
CREATE INDEX console_keys_by_user ON console_keys(user_id);
CREATE TABLE actions (
  id @ID@,
  at TEXT NOT NULL,
  who TEXT NOT NULL,
  via TEXT NOT NULL,
  address TEXT NOT NULL,
  action TEXT NOT NULL,
  feed TEXT NOT NULL,
  run BIGINT,
  alert BIGINT,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX actions_by_run ON actions(run);
CREATE INDEX actions_by_feed ON actions(feed, id);
)sql";
  const std::string marker = "@ID@";
  for (auto at = sql.find(marker); at != std::string::npos; at = sql.find(marker, at))
    sql.replace(at, marker.size(), id_column);
  return sql;
}

}  // namespace rosterd
