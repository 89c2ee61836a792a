#include "config/yaml_node.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/utf8.h"

namespace rosterd {
namespace {

// 100 rather than 100.000000, 1000000 rather than 1e+06.
std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

}  // namespace

YamlNode::YamlNode(YAML::Node node, std::string file, std::string path)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}

int YamlNode::line() const {
  if (node_ && !node_.Mark().is_null()) return node_.Mark().line + 1;
  return parent_line_;
}

void YamlNode::fail(const std::string& message) const {
  std::string where = file_;
  if (line() > 0) where += ":" + std::to_string(line());
  // display_safe: a key or value may hold CR, LF or escape sequences that would forge lines in a
  // terminal or a log (a feed named "a\r\nrosterd: ok").
  throw ConfigError(display_safe(
      where + ": " + (path_.empty() ? std::string("(top level)") : path_) + ": " + message));
}

std::string YamlNode::key_text(const YAML::Node& key) const {
  // A list or mapping as a key (`[]: x`, `{a: 1}: x`) is legal YAML and never a rosterd key.
  if (!key.IsScalar()) {
    YamlNode(key, file_, path_)
        .fail("has a key that is not a plain name (an empty key, a list or a mapping).");
  }
  return key.Scalar();
}

void YamlNode::refuse_repeated_keys() const {
  std::vector<std::pair<std::string, int>> seen;  // key, line
  for (const auto& kv : node_) {
    const std::string key = key_text(kv.first);
    const auto earlier =
        std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == key; });
    if (earlier != seen.end()) {
      YamlNode child(kv.first, file_, path_.empty() ? key : path_ + "." + key);
      child.fail("is given twice in the same mapping (first at line " +
                 std::to_string(earlier->second) + "). Keep one.");
    }
    seen.emplace_back(key, kv.first.Mark().line + 1);
  }
}

void YamlNode::expect_keys(std::initializer_list<std::string_view> allowed) const {
  if (is_null()) return;
  if (!node_.IsMap()) fail("must be a mapping of keys to values.");
  refuse_repeated_keys();
  for (const auto& kv : node_) {
    const std::string key = key_text(kv.first);
    bool ok = false;
    for (std::string_view a : allowed)
      ok = ok || a == key;
    if (ok) continue;
    std::string list;
    for (std::string_view a : allowed)
      list += (list.empty() ? "" : ", ") + std::string(a);
    YamlNode child(kv.first, file_, path_.empty() ? key : path_ + "." + key);
    child.fail("unknown key \"" + key + "\". Allowed here: " + list + ".");
  }
}

YamlNode YamlNode::operator[](std::string_view key) const {
  const std::string k(key);
  YAML::Node child = (node_ && node_.IsMap()) ? node_[k] : YAML::Node();
  YamlNode out(child, file_, path_.empty() ? k : path_ + "." + k);
  out.parent_line_ = line();
  return out;
}

std::vector<std::pair<std::string, YamlNode>> YamlNode::entries() const {
  std::vector<std::pair<std::string, YamlNode>> out;
  if (is_null()) return out;
  if (!node_.IsMap()) fail("must be a mapping of keys to values.");
  refuse_repeated_keys();
  for (const auto& kv : node_) {
    const std::string key = key_text(kv.first);
    YamlNode child(kv.second, file_, path_.empty() ? key : path_ + "." + key);
    child.parent_line_ = kv.first.Mark().line + 1;
    out.emplace_back(key, std::move(child));
  }
  return out;
}

std::vector<YamlNode> YamlNode::items() const {
  std::vector<YamlNode> out;
  if (is_null()) return out;
  if (!node_.IsSequence()) fail("must be a list (e.g. [a, b]).");
  std::size_t i = 0;
  for (const auto& item : node_) {
    YamlNode child(item, file_, path_ + "[" + std::to_string(i++) + "]");
    child.parent_line_ = line();
    out.push_back(std::move(child));
  }
  return out;
}

std::string YamlNode::as_string() const {
  if (is_null() || !node_.IsScalar()) fail("must be a single value (a string).");
  return node_.as<std::string>();
}

double YamlNode::as_number() const {
  if (is_null() || !node_.IsScalar()) fail("must be a number.");
  try {
    return node_.as<double>();
  } catch (const YAML::Exception&) {
    fail("must be a number, got \"" + node_.as<std::string>() + "\".");
  }
}

double YamlNode::as_number_in(double min, double max, std::string_view what) const {
  const double v = as_number();
  // !(v >= min): NaN compares false with everything, so it fails here too.
  if (!std::isfinite(v) || !(v >= min) || !(v <= max)) {
    fail("must be " + std::string(what) + " from " + number_text(min) + " to " + number_text(max) +
         ", got \"" + node_.as<std::string>() + "\"" +
         (std::isfinite(v) ? "" : " (.nan and .inf are not numbers rosterd can compare with)") +
         ".");
  }
  return v;
}

long YamlNode::as_integer_in(long min, long max, std::string_view unit) const {
  const long v = as_integer();
  if (v < min || v > max) {
    fail("must be from " + std::to_string(min) + " to " + std::to_string(max) +
         (unit.empty() ? "" : " " + std::string(unit)) + ", got " + std::to_string(v) + ".");
  }
  return v;
}

long YamlNode::as_integer() const {
  if (is_null() || !node_.IsScalar()) fail("must be a whole number.");
  try {
    return node_.as<long>();
  } catch (const YAML::Exception&) {
    fail("must be a whole number, got \"" + node_.as<std::string>() + "\".");
  }
}

bool YamlNode::as_bool() const {
  if (is_null() || !node_.IsScalar()) fail("must be true or false.");
  try {
    return node_.as<bool>();
  } catch (const YAML::Exception&) {
    fail("must be true or false, got \"" + node_.as<std::string>() + "\".");
  }
}

std::vector<std::string> YamlNode::as_string_list() const {
  std::vector<std::string> out;
  for (const YamlNode& item : items())
    out.push_back(item.as_string());
  return out;
}

std::string YamlNode::as_choice(std::initializer_list<std::string_view> choices) const {
  const std::string v = as_string();
  std::string list;
  for (std::string_view c : choices) {
    if (c == v) return v;
    list += (list.empty() ? "" : ", ") + std::string(c);
  }
  fail("must be one of " + list + ", got \"" + v + "\".");
}

}  // namespace rosterd
