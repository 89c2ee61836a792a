#include "store/store_support.h"

#include "store/value_codec.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "core/civil_date.h"
#include "core/identity_key.h"
#include "planner/student_digest.h"

namespace rosterd {

const std::string kStudentColumns = [] {
  std::string out;
  for (const char* c : kStudentFields)
    out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}();

std::vector<std::string> with_student_fields(std::initializer_list<const char*> before,
                                             std::initializer_list<const char*> after) {
  std::vector<std::string> out(before.begin(), before.end());
  out.insert(out.end(), kStudentFields.begin(), kStudentFields.end());
  out.insert(out.end(), after.begin(), after.end());
  return out;
}

StoredKeys stored_keys(const StudentValues& v) {
  return {static_cast<std::int64_t>(student_digest(v)),
          static_cast<std::int64_t>(
              identity_key(v[field_index(Field::last_name)], v[field_index(Field::birth_date)]))};
}

std::string now_utc(const Clock& clock) {
  return utc_timestamp(clock.now());
}

std::string host_name() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string instance_name() {
  return "rosterd@" + host_name() + ":" + std::to_string(::getpid());
}

bool process_alive(std::int64_t pid) {
  return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

std::int64_t returned_id(Statement& ins) {
  if (!ins.step()) throw StoreError("roster store: an INSERT returned no id");
  const std::int64_t id = ins.integer(0);
  ins.reset();
  return id;
}

Discrepancy read_discrepancy(const Statement& q) {
  Discrepancy d;
  d.line = static_cast<std::uint32_t>(q.integer(0));
  d.student_id = std::string(q.text(1));
  d.field = field_from_name(q.text(2));
  d.code = code_from_name(q.text(3)).value_or(DiscrepancyCode::unreadable);
  d.value = std::string(q.text(4));
  d.detail = std::string(q.text(5));
  return d;
}

Change read_change(const Statement& q) {
  Change c;
  c.state_id = std::string(q.text(0));
  c.kind = change_kind_from_name(q.text(1)).value_or(ChangeKind::updated);
  c.changed_fields = static_cast<std::uint16_t>(q.integer(2));
  c.line = static_cast<std::uint32_t>(q.integer(3));
  if (!q.is_null(4)) c.before = decode_values(q.text(4));
  if (!q.is_null(5)) c.set_after(decode_values(q.text(5)));
  c.platform_id = std::string(q.text(6));
  return c;
}

Change read_addition(const Statement& q) {
  Change c;
  c.kind = ChangeKind::added;
  c.state_id = std::string(q.text(0));
  std::vector<std::string> values;
  for (int i = 0; i < static_cast<int>(kFieldCount); ++i)
    values.emplace_back(q.text(i));
  c.set_after(std::move(values));
  c.changed_fields = static_cast<std::uint16_t>((1u << kFieldCount) - 1);
  return c;
}

}  // namespace rosterd
