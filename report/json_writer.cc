#include "report/json_writer.h"

#include <charconv>
#include <cmath>
#include <string>

#include "core/utf8.h"

namespace rosterd {

namespace {

// The characters of `s` escaped for a JSON string. REQUIRES: `s` is valid UTF-8 or `valid` is
// false (then the rest from the first non-ASCII byte goes through display_safe first).
void append_escaped(std::string& out, std::string_view s, bool valid) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == '"' || b == '\\') {
      out += '\\';
      out += static_cast<char>(b);
    } else if (b < 0x20 || b == 0x7F) {
      out += "\\u00";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    } else if (b >= 0x80 && !valid) {
      // The rest through display_safe (valid sequences kept, the others written as \xNN), then
      // escaped like any valid string: quotes and control characters in it too (a fuzzer found
      // a quote after an invalid byte written raw, ending the string early).
      append_escaped(out, display_safe(s.substr(i)), true);
      break;
    } else {
      out += static_cast<char>(b);
    }
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  append_escaped(out, s, is_valid_utf8(s));
  out += '"';
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (open_.empty()) return;
  if (!open_.back().first) out_ << ',';
  if (open_.back().lines) out_ << '\n';
  open_.back().first = false;
}

void JsonWriter::begin_object() {
  before_value();
  out_ << '{';
  open_.push_back(Open{});
}

void JsonWriter::end_object() {
  open_.pop_back();
  out_ << '}';
}

void JsonWriter::begin_array(bool one_item_per_line) {
  before_value();
  out_ << '[';
  open_.push_back(Open{true, one_item_per_line});
}

void JsonWriter::end_array() {
  const Open o = open_.back();
  open_.pop_back();
  if (o.lines && !o.first) out_ << '\n';
  out_ << ']';
}

void JsonWriter::key(std::string_view k) {
  if (!open_.back().first) out_ << ',';
  open_.back().first = false;
  std::string s;
  append_json_string(s, k);
  out_ << s << ':';
  after_key_ = true;
}

void JsonWriter::value(std::string_view v) {
  before_value();
  std::string s;
  append_json_string(s, v);
  out_ << s;
}

void JsonWriter::value(std::uint64_t n) {
  before_value();
  out_ << n;
}

void JsonWriter::value(std::int64_t n) {
  before_value();
  out_ << n;
}

void JsonWriter::value(double d) {
  before_value();
  if (!std::isfinite(d)) {
    out_ << "null";
    return;
  }
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  out_.write(buf, r.ptr - buf);
}

void JsonWriter::value(bool b) {
  before_value();
  out_ << (b ? "true" : "false");
}

void JsonWriter::null() {
  before_value();
  out_ << "null";
}

}  // namespace rosterd
