#include <string>

#include "store/schema.h"

namespace rosterd {

std::string_view mail_lists_sql() {
  return R"sql(
CREATE TABLE mail_lists (
  feed TEXT NOT NULL,
  kind TEXT NOT NULL,
  addresses TEXT NOT NULL,
  changed TEXT NOT NULL,
  changed_by TEXT NOT NULL,
  PRIMARY KEY (feed, kind)
);
)sql";
}

std::string_view run_campuses_sql() {
  return R"sql(
CREATE TABLE run_campuses (
  run BIGINT NOT NULL,
  campus TEXT NOT NULL,
  rows_read BIGINT NOT NULL,
  rejected BIGINT NOT NULL,
  warned BIGINT NOT NULL,
  added BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  deactivated BIGINT NOT NULL,
  PRIMARY KEY (run, campus)
);
)sql";
}

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
