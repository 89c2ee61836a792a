// A streaming JSON writer: reports can list a million discrepancies, so nothing is built in
// memory first. Strings are always valid JSON: bytes that are not UTF-8 are written as the text
// \xHH (a backslash, 'x' and two hex digits), control characters as \u00HH.
#pragma once

#include <cstdint>
#include <ostream>
#include <string_view>
#include <vector>

namespace rosterd {

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}

  void begin_object();
  void end_object();
  // With one_item_per_line, each item starts on a new line (long arrays stay greppable).
  void begin_array(bool one_item_per_line = false);
  void end_array();
  // REQUIRES: inside an object; the next call writes the key's value.
  void key(std::string_view k);

  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(std::uint64_t n);
  void value(std::int64_t n);
  void value(std::uint32_t n) { value(static_cast<std::uint64_t>(n)); }
  void value(int n) { value(static_cast<std::int64_t>(n)); }
  void value(double d);
  void value(bool b);
  void null();

  // key(k) then value(v): one member of an object.
  template <typename T>
  void member(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

 private:
  void before_value();

  std::ostream& out_;
  struct Open {
    bool first = true;  // no member written yet
    bool lines = false;
  };
  std::vector<Open> open_;
  bool after_key_ = false;
};

// Appends `s` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

}  // namespace rosterd
