#include "store/store_support.h"

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

}  // namespace rosterd
