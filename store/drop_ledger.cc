#include "store/drop_ledger.h"

#include <algorithm>

#include "core/civil_date.h"
#include "store/store_support.h"

namespace rosterd {
namespace {

constexpr const char* kSourceColumns =
    "f.id, f.feed, f.remote_name, f.size, f.mtime, f.sha256, f.seen_at, f.status, f.detail, "
    "f.local_path, f.repeat_of, f.run_id, coalesce(r.decision, ''), f.attempts, f.after_action, "
    "(SELECT count(*) FROM source_file_members m WHERE m.file_id = f.id) "
    "FROM source_files f LEFT JOIN runs r ON r.id = f.run_id";

SourceFile read_source_file(const Statement& q) {
  SourceFile f;
  f.id = q.integer(0);
  f.feed = q.text(1);
  f.remote_name = q.text(2);
  f.size = static_cast<std::uint64_t>(q.integer(3));
  f.mtime = q.integer(4);
  f.sha256 = q.text(5);
  f.seen_at = q.text(6);
  f.status = q.text(7);
  f.detail = q.text(8);
  f.local_path = q.text(9);
  f.repeat_of = q.optional_integer(10);
  f.run_id = q.optional_integer(11);
  if (!q.text(12).empty()) f.run_state = run_state_from_name(q.text(12));
  f.attempts = static_cast<int>(q.integer(13));
  f.after_action = q.text(14);
  f.member_count = static_cast<std::size_t>(q.integer(15));
  return f;
}

}  // namespace

std::int64_t DropLedger::observe(const std::string& feed, const std::string& name,
                                 std::uint64_t size, std::int64_t mtime, std::int64_t now) {
  Transaction tx(db_);
  Statement q(db_,
              "SELECT size, mtime, first_seen FROM source_observations WHERE feed = ? AND "
              "remote_name = ?");
  q.bind(1, feed).bind(2, name);
  if (q.step() && q.integer(0) == static_cast<std::int64_t>(size) && q.integer(1) == mtime) {
    return q.integer(2);  // unchanged: nothing to write
  }
  q.reset();
  Statement up(db_,
               "INSERT INTO source_observations (feed, remote_name, size, mtime, first_seen) "
               "VALUES (?, ?, ?, ?, ?) ON CONFLICT (feed, remote_name) DO UPDATE SET size = "
               "excluded.size, mtime = excluded.mtime, first_seen = excluded.first_seen");
  up.bind(1, feed)
      .bind(2, name)
      .bind(3, static_cast<std::int64_t>(size))
      .bind(4, mtime)
      .bind(5, now)
      .run();
  tx.commit();
  return now;
}

void DropLedger::forget_observations(const std::string& feed,
                                     const std::vector<std::string>& keep_names) {
  Transaction tx(db_);
  std::vector<std::string> gone;
  {
    Statement q(db_, "SELECT remote_name FROM source_observations WHERE feed = ?");
    q.bind(1, feed);
    while (q.step()) {
      const std::string name(q.text(0));
      if (std::find(keep_names.begin(), keep_names.end(), name) == keep_names.end())
        gone.push_back(name);
    }
  }
  Statement del(db_, "DELETE FROM source_observations WHERE feed = ? AND remote_name = ?");
  for (const auto& name : gone)
    del.bind(1, feed).bind(2, name).run();
  tx.commit();
}

std::optional<SourceFile> DropLedger::file(const std::string& feed, const std::string& name,
                                           std::uint64_t size, std::int64_t mtime) {
  Statement q(db_, std::string("SELECT ") + kSourceColumns +
                       " WHERE f.feed = ? AND f.remote_name = ? AND f.size = ? AND f.mtime = ?");
  q.bind(1, feed).bind(2, name).bind(3, static_cast<std::int64_t>(size)).bind(4, mtime);
  if (!q.step()) return std::nullopt;
  return read_source_file(q);
}

std::optional<SourceFile> DropLedger::file(std::int64_t id) {
  Statement q(db_, std::string("SELECT ") + kSourceColumns + " WHERE f.id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_source_file(q);
}

std::optional<SourceFile> DropLedger::file_with_sha(const std::string& feed,
                                                    const std::string& sha256) {
  Statement q(db_, std::string("SELECT ") + kSourceColumns +
                       " WHERE f.feed = ? AND f.sha256 = ? AND f.status IN ('fetched', "
                       "'ingested') ORDER BY f.id LIMIT 1");
  q.bind(1, feed).bind(2, sha256);
  if (!q.step()) return std::nullopt;
  return read_source_file(q);
}

std::string_view source_members_sql() {
  return R"sql(
CREATE TABLE source_file_members (
  file_id BIGINT NOT NULL REFERENCES source_files(id) ON DELETE CASCADE,
  remote_name TEXT NOT NULL,
  local_name TEXT NOT NULL,
  size BIGINT NOT NULL,
  mtime BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  PRIMARY KEY (file_id, remote_name)
);
)sql";
}

std::string_view delta_runs_sql() {
  return R"sql(
ALTER TABLE runs ADD COLUMN delta INTEGER NOT NULL DEFAULT 0;
CREATE INDEX source_file_members_version ON source_file_members(remote_name, size, mtime);
)sql";
}

bool DropLedger::member_taken(const std::string& feed, const std::string& name, std::uint64_t size,
                              std::int64_t mtime) {
  Statement q(db_,
              "SELECT 1 FROM source_file_members m JOIN source_files f ON f.id = m.file_id WHERE "
              "m.remote_name = ? AND m.size = ? AND m.mtime = ? AND f.feed = ? LIMIT 1");
  q.bind(1, name).bind(2, static_cast<std::int64_t>(size)).bind(3, mtime).bind(4, feed);
  return q.step();
}

std::int64_t DropLedger::add(const SourceFile& f, const std::vector<SourceMember>& members) {
  if (members.empty()) return add_record(f);
  Transaction tx(db_);
  const std::int64_t id = add_record(f);
  Statement ins(db_,
                "INSERT INTO source_file_members (file_id, remote_name, local_name, size, mtime, "
                "sha256) VALUES (?, ?, ?, ?, ?, ?)");
  for (const SourceMember& m : members) {
    ins.bind(1, id)
        .bind(2, m.remote_name)
        .bind(3, m.local_name)
        .bind(4, static_cast<std::int64_t>(m.size))
        .bind(5, m.mtime)
        .bind(6, m.sha256)
        .run();
  }
  tx.commit();
  return id;
}

std::vector<SourceMember> DropLedger::members(std::int64_t id) {
  std::vector<SourceMember> out;
  Statement q(db_,
              "SELECT remote_name, local_name, size, mtime, sha256 FROM source_file_members WHERE "
              "file_id = ? ORDER BY local_name, remote_name");
  q.bind(1, id);
  while (q.step()) {
    out.push_back({std::string(q.text(0)), std::string(q.text(1)),
                   static_cast<std::uint64_t>(q.integer(2)), q.integer(3), std::string(q.text(4))});
  }
  return out;
}

std::int64_t DropLedger::add_record(const SourceFile& f) {
  Statement ins(db_,
                "INSERT INTO source_files (feed, remote_name, size, mtime, sha256, seen_at, "
                "status, detail, local_path, repeat_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id");
  ins.bind(1, f.feed)
      .bind(2, f.remote_name)
      .bind(3, static_cast<std::int64_t>(f.size))
      .bind(4, f.mtime)
      .bind(5, f.sha256)
      .bind(6, f.seen_at.empty() ? now_utc(clock_) : f.seen_at)
      .bind(7, f.status)
      .bind(8, f.detail)
      .bind(9, f.local_path)
      .bind(10, f.repeat_of);
  return returned_id(ins);
}

void DropLedger::update(const SourceFile& f) {
  Statement up(db_,
               "UPDATE source_files SET status = ?, detail = ?, local_path = ?, after_action = ? "
               "WHERE id = ?");
  up.bind(1, f.status)
      .bind(2, f.detail)
      .bind(3, f.local_path)
      .bind(4, f.after_action)
      .bind(5, f.id)
      .run();
}

void DropLedger::forget(std::int64_t id) {
  Transaction tx(db_);
  Statement repeats(db_, "DELETE FROM source_files WHERE repeat_of = ?");
  repeats.bind(1, id).run();
  Statement del(db_,
                "DELETE FROM source_files WHERE id = ? AND run_id IS NULL OR id = ? AND "
                "run_id IN (SELECT id FROM runs WHERE decision = 'failed')");
  del.bind(1, id).bind(2, id).run();
  tx.commit();
}

void DropLedger::note_attempt(std::int64_t id) {
  Statement up(db_, "UPDATE source_files SET attempts = attempts + 1 WHERE id = ?");
  up.bind(1, id).run();
}

std::vector<SourceFile> DropLedger::pending(const std::string& feed) {
  std::vector<SourceFile> out;
  Statement q(db_, std::string("SELECT ") + kSourceColumns +
                       " WHERE f.feed = ? AND (f.status = 'fetched' AND (f.run_id IS NULL OR "
                       "r.decision <> 'running') OR f.status IN ('ingested', 'checked') AND "
                       "f.after_action = '') ORDER BY f.id");
  q.bind(1, feed);
  while (q.step())
    out.push_back(read_source_file(q));
  return out;
}

std::vector<SourceFile> DropLedger::unsettled_repeats(const std::string& feed) {
  std::vector<SourceFile> out;
  Statement q(db_, std::string("SELECT ") + kSourceColumns +
                       " WHERE f.feed = ? AND f.status = 'repeat' AND (f.after_action = '' OR "
                       "f.after_action LIKE 'kept until %') ORDER BY f.id");
  q.bind(1, feed);
  while (q.step())
    out.push_back(read_source_file(q));
  return out;
}

std::vector<SourceFile> DropLedger::recent(const std::string& feed, std::size_t last) {
  std::vector<SourceFile> out;
  Statement q(db_, std::string("SELECT ") + kSourceColumns +
                       " WHERE (? = '' OR f.feed = ?) ORDER BY f.id DESC LIMIT ?");
  q.bind(1, feed).bind(2, feed).bind(3, static_cast<std::int64_t>(last));
  while (q.step())
    out.push_back(read_source_file(q));
  return out;
}

std::optional<SourceFile> DropLedger::last_ingested(const std::string& feed) {
  Statement q(db_,
              std::string("SELECT ") + kSourceColumns +
                  " WHERE f.feed = ? AND f.status IN ('ingested', 'checked') ORDER BY f.id DESC "
                  "LIMIT 1");
  q.bind(1, feed);
  if (!q.step()) return std::nullopt;
  return read_source_file(q);
}

bool DropLedger::seen_since(const std::string& feed, std::int64_t since) {
  Statement q(db_, "SELECT 1 FROM source_files WHERE feed = ? AND seen_at >= ? LIMIT 1");
  q.bind(1, feed).bind(2, utc_timestamp(since));
  if (q.step()) return true;
  Statement o(db_, "SELECT 1 FROM source_observations WHERE feed = ? AND first_seen >= ? LIMIT 1");
  o.bind(1, feed).bind(2, since);
  return o.step();
}

}  // namespace rosterd
