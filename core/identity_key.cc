#include "core/identity_key.h"

#include "core/hash.h"
#include "core/person_name.h"
#include "core/text.h"

namespace rosterd {
namespace {

bool is_name(Field f) {
  return f == Field::first_name || f == Field::middle_name || f == Field::last_name;
}

// Appends match_value(f, value) to `out`.
void append_match_value(std::string& out, Field f, std::string_view value) {
  if (!is_name(f)) {
    out += value;
    return;
  }
  const std::size_t start = out.size();
  append_folded_name(out, value);
  if (out.size() == start) out += ascii_lower(trim(value));
}

// Keys are built in a per-thread buffer: a million rows, no allocation each.
std::string& key_buffer() {
  thread_local std::string buffer;
  buffer.clear();
  return buffer;
}

// Whether two values are equal as match values, without allocating.
bool equal_match_values(Field f, std::string_view x, std::string_view y) {
  if (x == y) return true;
  if (!is_name(f)) return false;
  thread_local std::string a, b;
  a.clear();
  b.clear();
  append_match_value(a, f, x);
  append_match_value(b, f, y);
  return a == b;
}

}  // namespace

MatchFields default_match_fields() {
  return {Field::first_name, Field::last_name, Field::birth_date};
}

bool can_match_on(Field f) {
  return is_name(f) || f == Field::birth_date || f == Field::local_id || f == Field::grade ||
         f == Field::campus;
}

std::string match_value(Field f, std::string_view value) {
  std::string out;
  append_match_value(out, f, value);
  return out;
}

std::uint64_t identity_key(std::string_view last_name, std::string_view birth_date) {
  std::string& key = key_buffer();
  append_match_value(key, Field::last_name, last_name);
  key += '\x1f';
  key += birth_date;
  return hash_bytes(key);
}

std::uint64_t person_hash(const StudentValues& v, const MatchFields& fields) {
  std::string& key = key_buffer();
  for (Field f : fields) {
    append_match_value(key, f, v[field_index(f)]);
    key += '\x1f';
  }
  return hash_bytes(key);
}

bool same_person(const StudentValues& a, const StudentValues& b, const MatchFields& fields) {
  for (Field f : fields) {
    const std::string_view x = a[field_index(f)];
    const std::string_view y = b[field_index(f)];
    const bool must_have =
        f == Field::first_name || f == Field::last_name || f == Field::birth_date;
    if (x.empty() || y.empty()) {
      // Blank on both sides agrees for an optional field (no middle name on either record).
      if (must_have || !x.empty() || !y.empty()) return false;
      continue;
    }
    if (!equal_match_values(f, x, y)) return false;
  }
  return true;
}

int match_score(const StudentValues& a, const StudentValues& b) {
  struct Weight {
    Field field;
    int points;
  };
  static constexpr Weight kWeights[] = {
      {Field::first_name, 20},  {Field::last_name, 20}, {Field::birth_date, 20},
      {Field::middle_name, 10}, {Field::local_id, 10},  {Field::grade, 10},
      {Field::campus, 10},
  };
  int twice = 0;  // in half points
  for (const Weight& w : kWeights) {
    const std::string_view x = a[field_index(w.field)];
    const std::string_view y = b[field_index(w.field)];
    if (x.empty() && y.empty()) {
      twice += 2 * w.points;  // both blank: they agree (a middle name neither record has)
    } else if (x.empty() || y.empty()) {
      twice += w.points;
    } else if (equal_match_values(w.field, x, y)) {
      twice += 2 * w.points;
    }
  }
  return twice / 2;
}

StudentValues values_view(const std::vector<std::string>& values) {
  StudentValues v{};
  for (std::size_t i = 0; i < kFieldCount && i < values.size(); ++i)
    v[i] = values[i];
  return v;
}

}  // namespace rosterd
