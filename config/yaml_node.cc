#include "config/yaml_node.h"

#include <algorithm>

#include "core/error.h"

namespace rosterd {

YamlNode::YamlNode(YAML::Node node, std::string file, std::string path)
    : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}

int YamlNode::line() const {
  if (node_ && !node_.Mark().is_null()) return node_.Mark().line + 1;
  return parent_line_;
}

void YamlNode::fail(const std::string& message) const {
  std::string where = file_;
  if (line() > 0) where += ":" + std::to_string(line());
  throw ConfigError(where + ": " + (path_.empty() ? std::string("(top level)") : path_) + ": " +
                    message);
}

std::string YamlNode::key_text(const YAML::Node& key) const {
  // A list or mapping as a key (`[]: x`, `{a: 1}: x`) is legal YAML and never a rosterd key.
  if (!key.IsScalar()) {
    YamlNode(key, file_, path_)
        .fail("has a key that is not a plain name (an empty key, a list or a mapping).");
  }
  return key.Scalar();
}

void YamlNode::expect_keys(std::initializer_list<std::string_view> allowed) const {
  if (is_null()) return;
  if (!node_.IsMap()) fail("must be a mapping of keys to values.");
  std::vector<std::string> seen;
  for (const auto& kv : node_) {
    const std::string key = key_text(kv.first);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      // yaml-cpp keeps the first of two equal keys; a person editing the file expects the last.
      YamlNode child(kv.first, file_, path_.empty() ? key : path_ + "." + key);
      child.fail("is given twice in the same mapping. Keep one.");
    }
    seen.push_back(key);
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
